package passes

import (
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// attentionFusion matches scaled dot-product attention as torch exports
// it (BERT, ViT, GPT-2 with and without a KV cache, Llama):
//
//	Reshape(Transpose(MatMul(Cast?(Softmax(mask(Div|Mul(MatMul(Qh, Kt), c)))), Vh), 0213), [0|B, 0|S, H·D])
//
// Qh is Transpose(Reshape(q, [0, 0, H, D]), 0213) (q becomes a 3-D input)
// or any [B, H, S, D] value (e.g. after rotary embedding). Kt is
// Transpose(Reshape(k, [0, 0, H, D]), 0231) or Transpose(K, 0132) of a
// [B, Hkv, S, D] value K, such as a KV-cache Concat; Vh likewise without
// the last transpose. K and V may be repeated for grouped-query attention
// (Reshape(Expand(Unsqueeze(K, 2)))), which becomes kv_num_heads. The mask
// is none, an additive bias, or a causal mask the matcher proves
// (causalMask), which becomes causal=1.
var attentionFusion = fusion{name: "Attention", anchor: "MatMul", match: func(m *matcher, pv *ir.Node) *ir.Node {
	probs := m.parent(pv, 0, "Softmax", "Cast")
	if probs != nil && probs.Op == "Cast" {
		if probs.Inputs[0].DType != probs.Outputs[0].DType {
			return m.fail("%s changes the type of the probabilities", probs.Describe())
		}
		probs = m.parent(probs, 0, "Softmax")
	}
	if probs == nil || !lastAxisAttr(probs) {
		return m.fail("want MatMul(Softmax over the last axis, V)")
	}
	scores, mask, causal := attentionMask(m, probs.Inputs[0])
	if scores == nil {
		return nil
	}
	c, ok := scalar(scores.Input(1))
	if !ok || c == 0 {
		return m.fail("want scores scaled by a constant")
	}
	scale := c
	if scores.Op == "Div" {
		scale = 1 / c
	}
	qk := m.parent(scores, 0, "MatMul")
	if qk == nil {
		return nil
	}
	q, nh, d := headsOf(m, qk.Inputs[0])
	k, nkv, dk := keysOf(m, m.parent(qk, 1, "Transpose"))
	v, nv, dv := headsOf(m, pv.Inputs[1])
	if q == nil || k == nil || v == nil {
		return nil
	}
	if nkv != nv || d != dk || nh%nkv != 0 {
		return m.fail("head counts or sizes disagree: Q %d×%d, K %d×%d, V %d×%d", nh, d, nkv, dk, nv, dv)
	}
	out := pv.Outputs[0]     // Q's layout: [B, H, S, D] ...
	if q.Shape.Rank() == 3 { // ... or [B, S, H·D], after the head merge
		if out = mergedHeads(m, pv, nh*dv); out == nil {
			return nil
		}
	}
	if causal != nil && !causal(m, seqLen(q), seqLen(k)) {
		return m.fail("the mask is not causal for these query and key lengths")
	}
	attrs := map[string]*ir.Attr{"num_heads": intAttr(nh), "scale": floatAttr(scale)}
	if nkv != nh {
		attrs["kv_num_heads"] = intAttr(nkv)
	}
	if causal != nil {
		attrs["causal"] = intAttr(1)
	}
	ins := []*ir.Value{q, k, v}
	if mask != nil {
		ins = append(ins, mask)
	}
	return &ir.Node{Name: pv.Name + "/Attention", Op: "Attention", Domain: ir.TfcDomain, Version: 1,
		Inputs: ins, Outputs: []*ir.Value{out}, Attrs: attrs}
}}

// mergedHeads matches the head merge after the attention's last MatMul,
// Reshape(Transpose(pv, 0213), [0|B, 0|S, width]), both read by nothing
// else, and returns the merged output.
func mergedHeads(m *matcher, pv *ir.Node, width int64) *ir.Value {
	tr := m.child(pv, "Transpose")
	if tr == nil || !hasPerm(tr, 0, 2, 1, 3) {
		m.fail("want Transpose(perm 0,2,1,3) after the attention")
		return nil
	}
	merge := m.child(tr, "Reshape")
	if merge == nil {
		return nil
	}
	target, ok := m.symbolic(merge.Input(1))
	if !ok || len(target.elems) != 3 || !copiesDim(target.elems[0], tr.Outputs[0], 0) ||
		!copiesDim(target.elems[1], tr.Outputs[0], 1) || !target.elems[2].isConst(width) {
		m.fail("the merge %s's target is not [0, 0, %d]", merge.Describe(), width)
		return nil
	}
	return merge.Outputs[0]
}

// copiesDim reports whether Reshape target element e keeps dimension axis
// of x: 0 (copy) or the same size.
func copiesDim(e symInt, x *ir.Value, axis int) bool {
	if e.isConst(0) {
		return true
	}
	d, ok := dimOf(x, axis)
	return ok && d.equal(e)
}

// seqLen is the sequence length of a 3-D [B, S, H·D] or 4-D [B, H, S, D]
// attention input.
func seqLen(v *ir.Value) symInt {
	axis := 1
	if v.Shape.Rank() == 4 {
		axis = 2
	}
	d, _ := dimOf(v, axis)
	return d
}

// attentionMask matches what lies between the scaled scores and the
// Softmax: nothing, Add(scores, bias), Add(scores, causal mask) or
// Where(causal condition, scores, very negative). It returns the scaling
// node, the additive bias (nil if none) and, for a causal mask, the check
// of the mask against the query and key lengths.
func attentionMask(m *matcher, x *ir.Value) (*ir.Node, *ir.Value, causalCheck) {
	n := m.producer(x, "the Softmax input", "Add", "Div", "Mul", "Where")
	switch {
	case n == nil:
		return nil, nil, nil
	case n.Op == "Div" || n.Op == "Mul":
		return n, nil, nil
	case n.Op == "Where":
		if !veryNegative(n.Input(2)) {
			m.fail("%s does not fill with a very negative constant", n.Describe())
			return nil, nil, nil
		}
		var causal causalCheck
		if !m.try(true, func(p *matcher) bool { causal = slicedCausalMask(p, n.Inputs[0]); return causal != nil }) {
			return nil, nil, nil
		}
		return m.parent(n, 1, "Div", "Mul"), nil, causal
	}
	s, mask := m.either(n, "Div", "Mul")
	if s == nil {
		return nil, nil, nil
	}
	var causal causalCheck
	if m.try(true, func(p *matcher) bool { causal = triluCausalMask(p, mask); return causal != nil }) {
		return s, nil, causal
	}
	m.reason = ""
	return s, mask, nil
}

// veryNegative reports whether v is a constant scalar fill so negative
// (torch's finfo.min, or −inf) that exp of it relative to any unmasked
// score is exactly zero, so masking with it equals causal masking.
func veryNegative(v *ir.Value) bool {
	x, ok := scalar(v)
	return ok && x <= -1e30
}

// causalCheck proves, on the given matcher, that a causal mask fits
// queries of length sq and keys of length sk.
type causalCheck func(m *matcher, sq, sk symInt) bool

// slicedCausalMask proves GPT-2's mask: a constant lower-triangular bool
// buffer cut to the bottom-right [Sq, Sk] corner,
// Slice(Slice(buffer, Sk−Sq, Sk, axis 2), 0, Sk, axis 3).
func slicedCausalMask(m *matcher, cond *ir.Value) causalCheck {
	cols := m.producer(cond, "the Where condition", "Slice")
	rows := m.parent(cols, 0, "Slice")
	if rows == nil {
		return nil
	}
	buf := rows.Inputs[0].Const
	if buf == nil || buf.DType != ir.Bool || len(buf.Shape) != 4 || buf.Shape[0] != 1 || buf.Shape[1] != 1 || !lowerTriangular(buf) {
		m.fail("%s does not cut a constant lower-triangular [1, 1, N, N] bool buffer", rows.Describe())
		return nil
	}
	if !sliceOnAxis(rows, 2) || !sliceOnAxis(cols, 3) {
		m.fail("want Slices on axes 2 and 3 with step 1")
		return nil
	}
	return func(m *matcher, sq, sk symInt) bool {
		return m.sameInts(rows.Input(1), sk.plus(sq, -1)) && m.sameInts(rows.Input(2), sk) &&
			m.sameInts(cols.Input(1), known(0)) && m.sameInts(cols.Input(2), sk)
	}
}

// sliceOnAxis reports whether Slice n cuts only axis (of a 4-D input)
// with step 1.
func sliceOnAxis(n *ir.Node, axis int64) bool {
	axes, ok := constInts(n.Input(3))
	if !ok || len(axes) != 1 || (axes[0] != axis && axes[0] != axis-4) {
		return false
	}
	steps, ok := constInts(n.Input(4))
	return n.Input(4) == nil || ok && len(steps) == 1 && steps[0] == 1
}

// lowerTriangular reports whether the last two axes of the square bool
// tensor t hold true exactly on and below the diagonal.
func lowerTriangular(t *ir.Tensor) bool {
	r := len(t.Shape)
	n := t.Shape[r-1]
	if t.Shape[r-2] != n {
		return false
	}
	vals := t.Bools()
	for i := range int(n) {
		for j := range int(n) {
			if vals[i*int(n)+j] != (j <= i) {
				return false
			}
		}
	}
	return true
}

// triluCausalMask proves Llama's additive mask:
// Unsqueeze(Unsqueeze(Trilu(ConstantOfShape([S, S], very negative), k=1, upper=1)))
// of the [S, S] scores (queries and keys of the same length).
func triluCausalMask(m *matcher, mask *ir.Value) causalCheck {
	if mask == nil || mask.Shape.Rank() != 4 {
		return nil
	}
	u := m.parent(m.producer(mask, "the mask", "Unsqueeze"), 0, "Unsqueeze")
	tri := m.parent(u, 0, "Trilu")
	cos := m.parent(tri, 0, "ConstantOfShape")
	if cos == nil || tri.AttrInt("upper", 0) != 1 || !m.sameInts(tri.Input(1), known(1)) {
		m.fail("want Trilu(ConstantOfShape, k=1, upper=1)")
		return nil
	}
	fill := cos.Attrs["value"]
	if fill == nil || fill.Tensor == nil || !veryNegative(&ir.Value{Const: fill.Tensor}) {
		m.fail("%s does not fill with a very negative constant", cos.Describe())
		return nil
	}
	if d, ok := dimOf(mask, 0); !ok || !d.isConst(1) {
		return nil
	}
	if d, ok := dimOf(mask, 1); !ok || !d.isConst(1) {
		return nil
	}
	return func(m *matcher, sq, sk symInt) bool {
		return sq.equal(sk) && m.sameInts(cos.Inputs[0], sq, sk)
	}
}

// headsOf matches a per-head [B, H, S, D] operand (after undoing a
// grouped-query repeat): Transpose(Reshape(x, [0, 0, H, D]), 0213) gives
// the 3-D x, anything else of rank 4 with known H and D is used as is. It
// returns the value, H and D.
func headsOf(m *matcher, v *ir.Value) (*ir.Value, int64, int64) {
	if v == nil {
		return nil, 0, 0
	}
	v = unrepeat(m, v)
	var x *ir.Value
	var h, d int64
	if m.try(false, func(p *matcher) bool {
		tr := p.producer(v, "the heads", "Transpose")
		if tr == nil || !hasPerm(tr, 0, 2, 1, 3) {
			return false
		}
		x, h, d = splitHeads(p, tr)
		return x != nil
	}) {
		return x, h, d
	}
	m.reason = ""
	hd, ok1 := dimOf(v, 1)
	dd, ok2 := dimOf(v, 3)
	if v.Shape.Rank() != 4 || !ok1 || !ok2 || len(hd.terms) != 0 || len(dd.terms) != 0 {
		m.fail("%q is neither split into heads nor [B, H, S, D] with known H and D", v.Name)
		return nil, 0, 0
	}
	return v, hd.c, dd.c
}

// keysOf matches the transposed keys: a head split with perm 0231, or
// Transpose(K, 0132) of [B, H, S, D] keys.
func keysOf(m *matcher, tr *ir.Node) (*ir.Value, int64, int64) {
	if tr == nil {
		return nil, 0, 0
	}
	if hasPerm(tr, 0, 2, 3, 1) {
		x, h, d := splitHeads(m, tr)
		return x, h, d
	}
	if !hasPerm(tr, 0, 1, 3, 2) {
		m.fail("%s is not a key transpose (perm 0,2,3,1 or 0,1,3,2)", tr.Describe())
		return nil, 0, 0
	}
	return headsOf(m, tr.Inputs[0])
}

// splitHeads matches Reshape(x, [0, 0, H, D]) before tr and returns the
// 3-D x, H and D.
func splitHeads(m *matcher, tr *ir.Node) (*ir.Value, int64, int64) {
	r := m.parent(tr, 0, "Reshape")
	if r == nil {
		return nil, 0, 0
	}
	t, ok := m.symbolic(r.Input(1))
	x := r.Inputs[0]
	if !ok || len(t.elems) != 4 || x.Shape.Rank() != 3 || !copiesDim(t.elems[0], x, 0) || !copiesDim(t.elems[1], x, 1) ||
		len(t.elems[2].terms) != 0 || len(t.elems[3].terms) != 0 || t.elems[2].c <= 0 || t.elems[3].c <= 0 {
		m.fail("%s does not split [B, S, H·D] into [0, 0, H, D]", r.Describe())
		return nil, 0, 0
	}
	return x, t.elems[2].c, t.elems[3].c
}

// unrepeat undoes Llama's repeat_kv,
// Reshape(Expand(Unsqueeze(x, 2), [B, Hkv, n, S, D]), [B, Hkv·n, S, D]),
// returning x (whose head count becomes kv_num_heads); otherwise v.
func unrepeat(m *matcher, v *ir.Value) *ir.Value {
	x := v
	m.try(false, func(p *matcher) bool {
		r := p.producer(v, "the repeated heads", "Reshape")
		un := p.parent(p.parent(r, 0, "Expand"), 0, "Unsqueeze")
		if un == nil || !p.sameInts(un.Input(1), known(2)) || un.Inputs[0].Shape.Rank() != 4 {
			return false
		}
		in := un.Inputs[0]
		var dims []symInt
		for i := range 4 {
			d, _ := dimOf(in, i)
			dims = append(dims, d)
		}
		shape, ok := p.symbolic(r.Inputs[0].Producer.Input(1))
		if !ok || len(shape.elems) != 5 || len(shape.elems[2].terms) != 0 || len(dims[1].terms) != 0 {
			return false
		}
		rep := shape.elems[2].c
		if !slices.EqualFunc(shape.elems, []symInt{dims[0], dims[1], known(rep), dims[2], dims[3]}, symInt.equal) ||
			!p.sameInts(r.Input(1), dims[0], known(dims[1].c*rep), dims[2], dims[3]) {
			return false
		}
		x = in
		return true
	})
	m.reason = ""
	return x
}

func hasPerm(n *ir.Node, perm ...int64) bool {
	p, ok := n.AttrInts("perm")
	return ok && slices.Equal(p, perm)
}

// lastAxisAttr reports whether n's axis attribute (default -1, as Softmax
// from opset 13) names the last axis.
func lastAxisAttr(n *ir.Node) bool {
	a := n.AttrInt("axis", -1)
	r := n.Inputs[0].Shape.Rank()
	return a == -1 || (r > 0 && a == int64(r-1))
}
