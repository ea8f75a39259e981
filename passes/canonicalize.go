package passes

import "github.com/tfc-project/tfc/ir"

// canonicalize rewrites ops that function bodies (ONNX's expanded
// Gelu, LayerNormalization, ...) use into the forms the other passes
// know: CastLike to the type its input already has is removed (then the
// constants it wrapped fold), and Sum of two inputs becomes Add (of one,
// it is removed). A node whose output is a graph output stays.
func canonicalize(g *ir.Graph, c Counters) error {
	forEachGraph(g, func(sg *ir.Graph) {
		drop := map[*ir.Node]bool{}
		for _, n := range sg.Nodes {
			if n.Domain != "" || len(n.Outputs) != 1 || n.Outputs[0] == nil || len(n.Inputs) == 0 || n.Inputs[0] == nil {
				continue
			}
			out := n.Outputs[0]
			switch {
			case n.Op == "CastLike" && n.Input(1) != nil && n.Inputs[0].DType == n.Inputs[1].DType &&
				n.Inputs[0].DType != ir.Undefined && !isGraphOutput(sg, out):
				replaceUses(g, out, n.Inputs[0])
				drop[n] = true
				c.Add("removed no-op CastLike", 1)
			case n.Op == "Sum" && len(n.Inputs) == 1 && !isGraphOutput(sg, out):
				replaceUses(g, out, n.Inputs[0])
				drop[n] = true
				c.Add("removed Sum of one", 1)
			case n.Op == "Sum" && len(n.Inputs) == 2 && n.Inputs[1] != nil:
				if v := sinceVersion(g, "Add"); v != 0 {
					n.Op, n.Version = "Add", v
					c.Add("Sum of two to Add", 1)
				}
			}
		}
		removeNodes(sg, drop)
	})
	return nil
}
