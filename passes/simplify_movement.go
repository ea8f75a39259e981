package passes

import (
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// simplifyMovement removes data movement that does nothing or undoes
// itself: Cast to the type its input already has, Transpose of a
// Transpose (composed into one; an identity permutation disappears), and
// Reshape of a Reshape (the outer reads the inner's input; exact, since
// Reshape keeps the element order). A node whose output is a graph output
// stays, so output names stay.
func simplifyMovement(g *ir.Graph, c Counters) error {
	forEachGraph(g, func(sg *ir.Graph) {
		drop := map[*ir.Node]bool{}
		for _, n := range sg.Nodes {
			if n.Domain != "" || len(n.Inputs) == 0 || n.Inputs[0] == nil || len(n.Outputs) == 0 || n.Outputs[0] == nil {
				continue
			}
			in := n.Inputs[0]
			switch n.Op {
			case "Cast":
				if in.DType == n.Outputs[0].DType && in.DType != ir.Undefined && !isGraphOutput(sg, n.Outputs[0]) {
					replaceUses(g, n.Outputs[0], in)
					drop[n] = true
					c.Add("removed no-op Cast", 1)
				}
			case "Transpose":
				composeTransposes(g, sg, n, drop, c)
			case "Reshape":
				if p := in.Producer; p != nil && p.Domain == "" && p.Op == "Reshape" && !hasZeroTarget(n) {
					n.Inputs[0] = p.Inputs[0]
					c.Add("merged Reshapes", 1)
				}
			}
		}
		removeNodes(sg, drop)
	})
	return nil
}

// composeTransposes makes Transpose n read the input of a Transpose it
// reads, with the composed permutation, and bypasses n when that is the
// identity.
func composeTransposes(g, sg *ir.Graph, n *ir.Node, drop map[*ir.Node]bool, c Counters) {
	outer, ok := n.AttrInts("perm")
	if !ok {
		return
	}
	if p := n.Inputs[0].Producer; p != nil && p.Domain == "" && p.Op == "Transpose" {
		inner, ok := p.AttrInts("perm")
		if !ok || len(inner) != len(outer) {
			return
		}
		perm := make([]int64, len(outer))
		for i, a := range outer {
			if a < 0 || a >= int64(len(inner)) {
				return
			}
			perm[i] = inner[a]
		}
		n.Inputs[0] = p.Inputs[0]
		n.Attrs["perm"] = &ir.Attr{Kind: ir.AttrInts, Ints: perm}
		outer = perm
		c.Add("composed Transposes", 1)
	}
	identity := true
	for i, a := range outer {
		identity = identity && a == int64(i)
	}
	if identity && len(outer) > 0 && !isGraphOutput(sg, n.Outputs[0]) {
		replaceUses(g, n.Outputs[0], n.Inputs[0])
		drop[n] = true
		c.Add("removed identity Transposes", 1)
	}
}

// hasZeroTarget reports whether Reshape n may copy a dimension of its input
// (a 0 in a target that is not constant or holds 0 without allowzero),
// which would read the inner Reshape's output shape.
func hasZeroTarget(n *ir.Node) bool {
	t, ok := constInts(n.Input(1))
	return !ok || (n.AttrInt("allowzero", 0) == 0 && slices.Contains(t, 0))
}
