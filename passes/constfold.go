package passes

import (
	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/ir"
)

// maxFoldElements caps the size of a folded constant: a node whose output
// would be larger than this and larger than its inputs (ConstantOfShape,
// Expand, Tile of a big shape) stays a node, so weights do not balloon.
const maxFoldElements = 1 << 20

// nondeterministic ops are never folded.
var nondeterministic = map[string]bool{
	"RandomNormal": true, "RandomUniform": true, "RandomNormalLike": true,
	"RandomUniformLike": true, "Multinomial": true, "Bernoulli": true,
}

// foldConstants evaluates, with the reference kernels, every node whose
// inputs are all constants, turning its outputs into constants (listed
// among the graph's initializers, like every constant value).
func foldConstants(g *ir.Graph, c Counters) error {
	interp := exec.NewInterpreter()
	forEachGraph(g, func(sg *ir.Graph) {
		drop := map[*ir.Node]bool{}
		for _, n := range sg.Nodes {
			if !foldable(n, interp) {
				continue
			}
			ins := make([]*ir.Tensor, len(n.Inputs))
			inElems := 0
			for i, v := range n.Inputs {
				if v != nil {
					ins[i] = v.Const
					inElems += v.Const.Len()
				}
			}
			outs, err := interp.RunNode(n, ins)
			if err != nil || !fitsCap(outs, inElems) || len(outs) < countOutputs(n) {
				c.Add("not folded", 1)
				continue
			}
			for i, v := range n.Outputs {
				if v == nil {
					continue
				}
				v.Const = outs[i]
				v.Producer = nil
				v.DType = outs[i].DType
				v.Shape = ir.ShapeOf(outs[i].Shape...)
				sg.Initializers = append(sg.Initializers, v)
			}
			drop[n] = true
			c.Add("folded constants", 1)
		}
		removeNodes(sg, drop)
	})
	return nil
}

// foldable reports whether n can be evaluated now: a deterministic op with
// a kernel, no nested graphs, and every present input constant.
func foldable(n *ir.Node, interp *exec.Interpreter) bool {
	if nondeterministic[n.Op] || len(nestedGraphs(n)) > 0 || !interp.Supports(n.Domain, n.Op) {
		return false
	}
	for _, v := range n.Inputs {
		if v != nil && v.Const == nil {
			return false
		}
	}
	return true
}

func fitsCap(outs []*ir.Tensor, inElems int) bool {
	for _, t := range outs {
		if t != nil && t.Len() > maxFoldElements && t.Len() > inElems {
			return false
		}
	}
	return true
}

// countOutputs is the number of output slots the node uses.
func countOutputs(n *ir.Node) int {
	last := 0
	for i, v := range n.Outputs {
		if v != nil {
			last = i + 1
		}
	}
	return last
}
