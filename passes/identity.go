package passes

import (
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// removeIdentities bypasses Identity nodes and inference-mode Dropout whose
// mask output is unused: readers of the output read the input instead. A
// node whose output is a graph output is kept, so output names stay,
// except an Identity whose input is an output of a node of the same graph
// read by nothing else: that node then computes the graph output itself.
func removeIdentities(g *ir.Graph, c Counters) error {
	uses := g.Uses()
	forEachGraph(g, func(sg *ir.Graph) {
		drop := map[*ir.Node]bool{}
		for _, n := range sg.Nodes {
			if !isPassThrough(n, uses) || n.Inputs[0] == nil {
				continue
			}
			if isGraphOutput(sg, n.Outputs[0]) {
				if renameOutput(sg, n, uses) {
					drop[n] = true
					c.Add("removed "+n.Op, 1)
				}
				continue
			}
			replaceUses(g, n.Outputs[0], n.Inputs[0])
			drop[n] = true
			c.Add("removed "+n.Op, 1)
		}
		removeNodes(sg, drop)
	})
	return nil
}

// isPassThrough reports whether n copies its first input to its first
// output and nothing else is observable.
func isPassThrough(n *ir.Node, uses map[*ir.Value][]*ir.Node) bool {
	if n.Domain != "" || len(n.Inputs) == 0 || len(n.Outputs) == 0 || n.Outputs[0] == nil {
		return false
	}
	switch n.Op {
	case "Identity":
		return true
	case "Dropout":
		if len(n.Outputs) > 1 && n.Outputs[1] != nil && len(uses[n.Outputs[1]]) > 0 {
			return false
		}
		// From opset 12 a training_mode input may switch dropout on.
		if tm := n.Input(2); tm != nil {
			return tm.Const != nil && !anyTrue(tm.Const)
		}
		return n.Version >= 7 || n.AttrInt("is_test", 0) == 1
	}
	return false
}

func anyTrue(t *ir.Tensor) bool {
	for _, b := range t.Bools() {
		if b {
			return true
		}
	}
	return false
}

// renameOutput makes the producer of Identity n's input write n's output
// (a graph output) in its place, when that input is computed in sg, read
// by n only and no graph output itself.
func renameOutput(sg *ir.Graph, n *ir.Node, uses map[*ir.Value][]*ir.Node) bool {
	v := n.Inputs[0]
	p := v.Producer
	if n.Op != "Identity" || p == nil || v.Const != nil || len(uses[v]) != 1 || isGraphOutput(sg, v) ||
		!slices.Contains(sg.Nodes, p) {
		return false
	}
	i := slices.Index(p.Outputs, v)
	if i < 0 {
		return false
	}
	out := n.Outputs[0]
	p.Outputs[i], out.Producer = out, p
	return true
}
