package passes

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tfc-project/tfc/ir"
)

// maxCSEConstElements bounds the constants compared by value.
const maxCSEConstElements = 64

// eliminateCommonSubexpressions merges nodes that compute the same op with
// the same attributes on the same inputs, and small constants with equal
// contents (within one graph, never graph inputs), keeping the first of each.
func eliminateCommonSubexpressions(g *ir.Graph, c Counters) error {
	forEachGraph(g, func(sg *ir.Graph) {
		overridable := map[*ir.Value]bool{}
		for _, in := range sg.Inputs {
			overridable[in] = true
		}
		consts := map[string]*ir.Value{}
		seen := map[string]*ir.Node{}
		drop := map[*ir.Node]bool{}
		for _, n := range sg.Nodes {
			for i, v := range n.Inputs {
				if v == nil || v.Const == nil || overridable[v] || v.Const.Len() > maxCSEConstElements {
					continue
				}
				key := v.Const.String() + fmt.Sprint(v.Const.Data)
				if first, ok := consts[key]; ok && first != v {
					n.Inputs[i] = first
					c.Add("merged constants", 1)
				} else if !ok {
					consts[key] = v
				}
			}
			key, ok := nodeKey(n)
			if !ok {
				continue
			}
			first, dup := seen[key]
			if !dup {
				seen[key] = n
				continue
			}
			if outputsAreGraphOutputs(sg, n) {
				continue
			}
			for i, v := range n.Outputs {
				if v != nil {
					replaceUses(g, v, first.Outputs[i])
				}
			}
			drop[n] = true
			c.Add("merged nodes", 1)
		}
		removeNodes(sg, drop)
	})
	return nil
}

func outputsAreGraphOutputs(g *ir.Graph, n *ir.Node) bool {
	for _, v := range n.Outputs {
		if v != nil && isGraphOutput(g, v) {
			return true
		}
	}
	return false
}

// nodeKey identifies what a node computes; ok is false for nodes that must
// not be merged (nested graphs, nondeterministic ops).
func nodeKey(n *ir.Node) (string, bool) {
	if nondeterministic[n.Op] || len(nestedGraphs(n)) > 0 {
		return "", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%d|%d|", n.Domain, n.Op, n.Version, len(n.Outputs))
	for _, in := range n.Inputs {
		fmt.Fprintf(&b, "%p,", in)
	}
	names := make([]string, 0, len(n.Attrs))
	for name := range n.Attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		a := n.Attrs[name]
		fmt.Fprintf(&b, "|%s=%d:%v:%v:%q:%v:%v:%q", name, a.Kind, a.Float, a.Int, a.String, a.Floats, a.Ints, a.Strings)
		if a.Tensor != nil {
			fmt.Fprintf(&b, ":%v:%v", a.Tensor.Shape, a.Tensor.Data)
		}
	}
	return b.String(), true
}
