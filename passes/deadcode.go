package passes

import "github.com/tfc-project/tfc/ir"

// deadCode removes nodes none of whose outputs reach a graph output, in g
// and in nested graphs, and initializers nothing reads.
func deadCode(g *ir.Graph, c Counters) error {
	forEachGraph(g, func(sg *ir.Graph) {
		c.Add("removed nodes", deadCodeIn(sg))
	})
	live := map[*ir.Value]bool{}
	g.Walk(func(_ *ir.Graph, n *ir.Node) {
		for _, in := range n.Inputs {
			live[in] = true
		}
	})
	for _, o := range g.Outputs {
		live[o] = true
	}
	inputs := map[*ir.Value]bool{}
	for _, in := range g.Inputs {
		inputs[in] = true
	}
	kept := g.Initializers[:0]
	for _, v := range g.Initializers {
		if live[v] || inputs[v] {
			kept = append(kept, v)
		} else {
			c.Add("removed initializers", 1)
		}
	}
	g.Initializers = kept
	return nil
}

// deadCodeIn removes g's dead nodes and returns how many it removed. A node
// is live if an output is a graph output or read by a live node (reads from
// inside a live node's nested graphs count).
func deadCodeIn(g *ir.Graph) int {
	live := map[*ir.Value]bool{}
	for _, o := range g.Outputs {
		live[o] = true
	}
	drop := map[*ir.Node]bool{}
	for i := len(g.Nodes) - 1; i >= 0; i-- {
		n := g.Nodes[i]
		used := false
		for _, o := range n.Outputs {
			if o != nil && live[o] {
				used = true
			}
		}
		if !used {
			drop[n] = true
			continue
		}
		for _, in := range n.Inputs {
			live[in] = true
		}
		for _, sub := range nestedGraphs(n) {
			sub.Walk(func(_ *ir.Graph, inner *ir.Node) {
				for _, in := range inner.Inputs {
					live[in] = true
				}
			})
			forEachGraph(sub, func(sg *ir.Graph) {
				for _, o := range sg.Outputs {
					live[o] = true
				}
			})
		}
	}
	removeNodes(g, drop)
	return len(drop)
}
