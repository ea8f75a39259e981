package passes

import (
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// simplifySqueeze removes an Unsqueeze followed by a Squeeze of the same
// axes, and a Squeeze followed by an Unsqueeze of the same axes (both
// give back the input unchanged), and merges an Unsqueeze of an Unsqueeze
// into one. Axes come from the attribute (before opset 13) or a constant
// input; negative axes need the input's rank. A node whose output is a
// graph output stays, so output names stay.
func simplifySqueeze(g *ir.Graph, c Counters) error {
	nm := newValueNamer(g)
	forEachGraph(g, func(sg *ir.Graph) {
		drop := map[*ir.Node]bool{}
		for _, n := range sg.Nodes {
			if n.Domain != "" || (n.Op != "Squeeze" && n.Op != "Unsqueeze") || len(n.Inputs) == 0 || n.Inputs[0] == nil {
				continue
			}
			p := n.Inputs[0].Producer
			if p == nil || p.Domain != "" || (p.Op != "Squeeze" && p.Op != "Unsqueeze") || p.Inputs[0] == nil {
				continue
			}
			outer, inner := squeezeAxes(n), squeezeAxes(p)
			if outer == nil || inner == nil {
				continue
			}
			x := p.Inputs[0]
			switch {
			case p.Op != n.Op: // a pair that undoes itself
				if slices.Equal(outer, inner) && !isGraphOutput(sg, n.Outputs[0]) {
					replaceUses(g, n.Outputs[0], x)
					drop[n] = true
					c.Add("removed Unsqueeze/Squeeze pairs", 1)
				}
			case n.Op == "Unsqueeze":
				merged := mergeUnsqueezeAxes(inner, outer, n.Outputs[0].Shape.Rank())
				if merged == nil || !setSqueezeAxes(nm, sg, n, merged) {
					continue
				}
				n.Inputs[0] = x
				c.Add("merged Unsqueezes", 1)
			}
		}
		removeNodes(sg, drop)
	})
	return nil
}

// squeezeAxes returns the sorted, non-negative axes of a Squeeze or
// Unsqueeze, or nil when they are not constant, are absent (Squeeze of
// every 1), or are negative where the rank they count from is unknown.
// Squeeze counts from its input's rank, Unsqueeze from its output's.
func squeezeAxes(n *ir.Node) []int64 {
	axes, ok := n.AttrInts("axes")
	if !ok && n.Input(1) != nil {
		axes, ok = constInts(n.Input(1))
	}
	if !ok || len(axes) == 0 {
		return nil
	}
	r := n.Inputs[0].Shape.Rank()
	if n.Op == "Unsqueeze" {
		r = n.Outputs[0].Shape.Rank()
		if in := n.Inputs[0].Shape.Rank(); in >= 0 {
			r = in + len(axes)
		}
	}
	out := make([]int64, len(axes))
	for i, a := range axes {
		if a < 0 {
			if r < 0 {
				return nil
			}
			a += int64(r)
		}
		if a < 0 || (r >= 0 && a >= int64(r)) {
			return nil
		}
		out[i] = a
	}
	slices.Sort(out)
	if len(slices.Compact(slices.Clone(out))) != len(out) {
		return nil
	}
	return out
}

// mergeUnsqueezeAxes returns the axes of one Unsqueeze doing the work of
// Unsqueeze(Unsqueeze(x, inner), outer), both sorted and non-negative:
// the outer's axes, and the inner's mapped onto the positions of the
// final output that the outer did not insert. rank is the final rank
// (-1 when unknown, then the mapping needs no more than the axes).
func mergeUnsqueezeAxes(inner, outer []int64, rank int) []int64 {
	need := int64(0)
	for _, a := range inner {
		need = max(need, a+1)
	}
	var kept []int64 // positions of the final output that the outer did not insert
	for pos := int64(0); int64(len(kept)) < need; pos++ {
		if rank >= 0 && pos >= int64(rank) {
			return nil
		}
		if !slices.Contains(outer, pos) {
			kept = append(kept, pos)
		}
	}
	merged := slices.Clone(outer)
	for _, a := range inner {
		merged = append(merged, kept[a])
	}
	slices.Sort(merged)
	return merged
}

// setSqueezeAxes makes n's axes axes, in the attribute or a new constant
// input as n's version takes them.
func setSqueezeAxes(nm *valueNamer, sg *ir.Graph, n *ir.Node, axes []int64) bool {
	if _, ok := n.AttrInts("axes"); ok {
		setAttr(n, "axes", &ir.Attr{Kind: ir.AttrInts, Ints: axes})
		return true
	}
	if len(n.Inputs) < 2 {
		return false
	}
	t, err := ir.FromInt64s(ir.Int64, []int64{int64(len(axes))}, axes)
	if err != nil {
		return false
	}
	n.Inputs[1] = nm.constant(sg, n.Outputs[0].Name+"_axes", t)
	return true
}
