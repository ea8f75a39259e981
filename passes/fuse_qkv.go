package passes

import (
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// packSplits enables the Split case of packQKV. It is correct (GPT-2's
// goldens match), saves a copy of Q, K and V per layer, and lowers GPT-2's
// arena with its lower bound, from 25088 to 21504 bytes, which the offset
// placement reaches (codegen/memplan_place.go).
const packSplits = true

// packQKV ("fuse qkv") hands an Attention its queries, keys and values as
// one packed [B, S, (H + 2·Hkv)·D] tensor (K and V omitted), which the
// kernels address in place:
//
//   - separate projections of one input (BERT, ViT, Whisper's
//     self-attention), Linear(X, Wq, Bq?), Linear(X, Wk, Bk?),
//     Linear(X, Wv, Bv?) or MatMuls by constant matrices, merge into one
//     Linear(X, [Wq Wk Wv], [Bq Bk Bv]) (a missing bias is zeros): one
//     product instead of three;
//   - a Split of one packed projection on the last axis (GPT-2's c_attn)
//     goes, and with it a copy of Q, K and V (packSplits).
//
// Only the fused node reads the projections' outputs. Every output column
// is computed as before, from the same row and column, so only the order
// of float32 sums may change.
func packQKV(g *ir.Graph, c Counters) error {
	forEachGraph(g, func(sg *ir.Graph) {
		uses := g.Uses()
		for i := 0; i < len(sg.Nodes); i++ {
			n := sg.Nodes[i]
			if n.Domain != ir.TfcDomain || n.Op != "Attention" || n.Input(1) == nil || n.Input(2) == nil {
				continue
			}
			if !qkvWidthsFit(n) {
				continue
			}
			if p := splitPacked(sg, n, uses); p != nil && packSplits {
				n.Inputs[0], n.Inputs[1], n.Inputs[2] = p, nil, nil
				n.Inputs = trimInputs(n.Inputs)
				c.Add("packed QKV", 1)
				uses = g.Uses()
				continue
			}
			ps := []*ir.Node{n.Inputs[0].Producer, n.Inputs[1].Producer, n.Inputs[2].Producer}
			if !projectionsOf(sg, n, ps, uses) {
				continue
			}
			merged := mergeGroup(sg, ps)
			if merged == nil {
				continue
			}
			n.Inputs[0], n.Inputs[1], n.Inputs[2] = merged.Outputs[0], nil, nil
			n.Inputs = trimInputs(n.Inputs)
			first := slices.IndexFunc(sg.Nodes, func(x *ir.Node) bool { return slices.Contains(ps, x) })
			sg.Nodes = slices.DeleteFunc(sg.Nodes, func(x *ir.Node) bool { return slices.Contains(ps, x) })
			sg.Nodes = slices.Insert(sg.Nodes, first, merged)
			i = slices.Index(sg.Nodes, n)
			c.Add("merged QKV projections", 1)
			uses = g.Uses()
		}
	})
	return nil
}

// trimInputs drops trailing omitted inputs.
func trimInputs(ins []*ir.Value) []*ir.Value {
	for len(ins) > 0 && ins[len(ins)-1] == nil {
		ins = ins[:len(ins)-1]
	}
	return ins
}

// qkvWidthsFit reports whether Attention n reads 3-D Q, K and V of one
// head size D, [B, S, H·D] and twice [B, S, Hkv·D], with known widths.
func qkvWidthsFit(n *ir.Node) bool {
	nh := n.AttrInt("num_heads", 0)
	nkv := n.AttrInt("kv_num_heads", 0)
	if nkv == 0 {
		nkv = nh
	}
	var w [3]int64
	for i := range 3 {
		d, ok := dimOf(n.Inputs[i], -1)
		if n.Inputs[i].Shape.Rank() != 3 || !ok || len(d.terms) != 0 {
			return false
		}
		w[i] = d.c
	}
	return nh > 0 && nkv > 0 && w[0]%nh == 0 && w[1] == w[2] && w[1]*nh == w[0]*nkv
}

// splitPacked returns P when Q, K and V of n are the three outputs, in
// order, of a Split of P on its last axis that nothing else reads.
func splitPacked(g *ir.Graph, n *ir.Node, uses map[*ir.Value][]*ir.Node) *ir.Value {
	sp := n.Inputs[0].Producer
	if sp == nil || sp.Domain != "" || sp.Op != "Split" || len(sp.Outputs) != 3 {
		return nil
	}
	for i := range 3 {
		if n.Inputs[i] != sp.Outputs[i] || len(uses[sp.Outputs[i]]) != 1 || isGraphOutput(g, sp.Outputs[i]) {
			return nil
		}
	}
	p := sp.Inputs[0]
	axis := sp.AttrInt("axis", 0)
	if p.Shape.Rank() != 3 || axis != -1 && axis != 2 {
		return nil
	}
	return p
}

// projectionsOf reports whether ps, the producers of n's Q, K and V, are
// three distinct projections of one input that only n reads.
func projectionsOf(g *ir.Graph, n *ir.Node, ps []*ir.Node, uses map[*ir.Value][]*ir.Node) bool {
	for i, p := range ps {
		if p == nil || !isProjection(g, p) || p.Inputs[0] != ps[0].Inputs[0] || slices.Contains(ps[:i], p) {
			return false
		}
		if len(uses[p.Outputs[0]]) != 1 || isGraphOutput(g, p.Outputs[0]) {
			return false
		}
	}
	return true
}

// isProjection reports whether n is a Linear, or a MatMul of a rank ≥ 2
// input, by a constant matrix that is no graph input, with a constant
// bias if any.
func isProjection(g *ir.Graph, n *ir.Node) bool {
	if len(n.Outputs) != 1 || n.Outputs[0] == nil || n.Input(0) == nil || n.Inputs[0].Shape.Rank() < 2 {
		return false
	}
	switch {
	case n.Domain == ir.TfcDomain && n.Op == "Linear" && n.AttrString("activation", "none") == "none":
	case n.Domain == "" && n.Op == "MatMul" && len(n.Inputs) == 2:
	default:
		return false
	}
	w, b := n.Input(1), n.Input(2)
	if w == nil || w.Const == nil || w.Const.Rank() != 2 || slices.Contains(g.Inputs, w) {
		return false
	}
	return b == nil || b.Const != nil && b.Const.Rank() == 1 && b.Const.Shape[0] == w.Const.Shape[1] && !slices.Contains(g.Inputs, b)
}

// mergeGroup returns the Linear whose output holds the outputs of
// projections ps side by side, or nil when their weights do not fit
// together.
func mergeGroup(g *ir.Graph, ps []*ir.Node) *ir.Node {
	first := ps[0]
	w0 := first.Inputs[1].Const
	k, dt := w0.Shape[0], w0.DType
	var widths []int64
	var total int64
	hasBias := false
	for _, p := range ps {
		w := p.Inputs[1].Const
		if w.Shape[0] != k || w.DType != dt || p.Outputs[0].DType != first.Outputs[0].DType ||
			p.Outputs[0].Shape.Rank() != first.Outputs[0].Shape.Rank() {
			return nil
		}
		if b := p.Input(2); b != nil {
			if b.Const.DType != dt {
				return nil
			}
			hasBias = true
		}
		widths = append(widths, w.Shape[1])
		total += w.Shape[1]
	}
	wv := make([]float64, 0, k*total)
	cols := make([][]float64, len(ps))
	for i, p := range ps {
		cols[i] = p.Inputs[1].Const.Float64s()
	}
	for r := range k {
		for i, n := range widths {
			wv = append(wv, cols[i][r*n:(r+1)*n]...)
		}
	}
	name := first.Name + "/qkv"
	wt, err := ir.FromFloat64s(dt, []int64{k, total}, wv)
	if err != nil {
		return nil
	}
	wcat := &ir.Value{Name: name + "/weight", DType: dt, Shape: ir.ShapeOf(k, total), Const: wt}
	consts := []*ir.Value{wcat}
	ins := []*ir.Value{first.Inputs[0], wcat}
	if hasBias {
		bv := make([]float64, 0, total)
		for i, p := range ps {
			if b := p.Input(2); b != nil {
				bv = append(bv, b.Const.Float64s()...)
			} else {
				bv = append(bv, make([]float64, widths[i])...)
			}
		}
		bt, err := ir.FromFloat64s(dt, []int64{total}, bv)
		if err != nil {
			return nil
		}
		bcat := &ir.Value{Name: name + "/bias", DType: dt, Shape: ir.ShapeOf(total), Const: bt}
		consts = append(consts, bcat)
		ins = append(ins, bcat)
	}
	g.Initializers = append(g.Initializers, consts...)
	out0 := first.Outputs[0]
	dims := slices.Clone(out0.Shape.Dims)
	dims[len(dims)-1] = ir.Fixed(total)
	lin := &ir.Node{Name: name, Op: "Linear", Domain: ir.TfcDomain, Version: 1, Inputs: ins}
	lin.Outputs = []*ir.Value{{Name: name + "_output", DType: out0.DType, Shape: ir.Shape{Ranked: true, Dims: dims}, Producer: lin}}
	return lin
}
