package passes

import "github.com/tfc-project/tfc/ir"

// forEachGraph calls f on g and every graph nested in its nodes' attributes.
func forEachGraph(g *ir.Graph, f func(*ir.Graph)) {
	f(g)
	for _, n := range g.Nodes {
		for _, sub := range nestedGraphs(n) {
			forEachGraph(sub, f)
		}
	}
}

// nestedGraphs returns the graphs held by n's attributes.
func nestedGraphs(n *ir.Node) []*ir.Graph {
	var out []*ir.Graph
	for _, a := range n.Attrs {
		if a.Graph != nil {
			out = append(out, a.Graph)
		}
		out = append(out, a.Graphs...)
	}
	return out
}

// replaceUses makes every reader of old (nodes and graph outputs, in g and
// its nested graphs) read new instead.
func replaceUses(g *ir.Graph, old, new *ir.Value) {
	forEachGraph(g, func(sg *ir.Graph) {
		for _, n := range sg.Nodes {
			for i, in := range n.Inputs {
				if in == old {
					n.Inputs[i] = new
				}
			}
		}
		for i, o := range sg.Outputs {
			if o == old {
				sg.Outputs[i] = new
			}
		}
	})
}

// isGraphOutput reports whether v is one of g's outputs.
func isGraphOutput(g *ir.Graph, v *ir.Value) bool {
	for _, o := range g.Outputs {
		if o == v {
			return true
		}
	}
	return false
}

// removeNodes drops the nodes for which drop is true, keeping order.
func removeNodes(g *ir.Graph, drop map[*ir.Node]bool) {
	if len(drop) == 0 {
		return
	}
	kept := g.Nodes[:0]
	for _, n := range g.Nodes {
		if !drop[n] {
			kept = append(kept, n)
		}
	}
	for i := len(kept); i < len(g.Nodes); i++ {
		g.Nodes[i] = nil
	}
	g.Nodes = kept
}
