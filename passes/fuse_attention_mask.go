package passes

import (
	"github.com/tfc-project/tfc/ir"
)

// The masks attentionFusion recognizes: causal masks it proves (they
// become causal=1) and torch's key padding mask (remapped to a 4-D bias).

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

// causalMask proves an additive causal mask: Llama's Trilu form or
// Whisper's arange comparison.
func causalMask(m *matcher, mask *ir.Value) causalCheck {
	var c causalCheck
	if m.try(false, func(p *matcher) bool { c = triluCausalMask(p, mask); return c != nil }) {
		return c
	}
	m.reason = ""
	if m.try(false, func(p *matcher) bool { c = arangeCausalMask(p, mask); return c != nil }) {
		return c
	}
	return nil
}

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

// leadingOnes matches a [1, 1, Sq, Sk] mask made by two Unsqueezes (or
// one with two axes) of a 2-D value, and returns that value.
func leadingOnes(m *matcher, mask *ir.Value) *ir.Value {
	if mask == nil || mask.Shape.Rank() != 4 {
		m.fail("the mask is not 4-D")
		return nil
	}
	for i := range 2 {
		if d, ok := dimOf(mask, i); !ok || !d.isConst(1) {
			m.fail("the mask's leading dimensions are not 1")
			return nil
		}
	}
	v := mask
	for v.Shape.Rank() > 2 {
		u := m.producer(v, "the mask", "Unsqueeze")
		if u == nil {
			return nil
		}
		v = u.Inputs[0]
	}
	if v.Shape.Rank() != 2 {
		m.fail("the mask does not come from a 2-D value")
		return nil
	}
	return v
}

// triluCausalMask proves Llama's additive mask:
// Unsqueeze(Unsqueeze(Trilu(ConstantOfShape([S, S], very negative), k=1, upper=1)))
// of the [S, S] scores (queries and keys of the same length).
func triluCausalMask(m *matcher, mask *ir.Value) causalCheck {
	tri := m.producer(leadingOnes(m, mask), "the 2-D mask", "Trilu")
	cos := m.parent(tri, 0, "ConstantOfShape")
	if cos == nil || tri.AttrInt("upper", 0) != 1 || !m.sameInts(tri.Input(1), known(1)) {
		m.fail("want Trilu(ConstantOfShape, k=1, upper=1)")
		return nil
	}
	if !veryNegativeFill(cos) {
		m.fail("%s does not fill with a very negative constant", cos.Describe())
		return nil
	}
	return func(m *matcher, sq, sk symInt) bool {
		return sq.equal(sk) && m.sameInts(cos.Inputs[0], sq, sk)
	}
}

// veryNegativeFill reports whether ConstantOfShape n fills with a very
// negative constant.
func veryNegativeFill(n *ir.Node) bool {
	fill := n.Attrs["value"]
	return fill != nil && fill.Tensor != nil && veryNegative(&ir.Value{Const: fill.Tensor})
}

// arangeCausalMask proves Whisper's (Hugging Face's _make_causal_mask)
// additive mask, unsqueezed to [1, 1, S, S]:
//
//	Where(Less(Range(0, S, 1), Reshape(Add(Range(0, S, 1), 1), [S, 1])), 0, ConstantOfShape([S, S], very negative))
//
// which is 0 where key j ≤ query i and very negative elsewhere.
func arangeCausalMask(m *matcher, mask *ir.Value) causalCheck {
	w := m.producer(leadingOnes(m, mask), "the 2-D mask", "Where")
	if w == nil {
		return nil
	}
	if !isScalar(w.Input(1), 0) && !(w.Input(1) != nil && w.Input(1).Const != nil && allZero(w.Input(1).Const)) {
		m.fail("%s does not keep with 0", w.Describe())
		return nil
	}
	var fillShape *ir.Value
	if !veryNegative(w.Input(2)) {
		cos := m.parent(w, 2, "ConstantOfShape")
		if cos == nil || !veryNegativeFill(cos) {
			m.fail("%s does not fill with a very negative constant", w.Describe())
			return nil
		}
		fillShape = cos.Inputs[0]
	}
	less := m.parent(w, 0, "Less")
	if less == nil {
		return nil
	}
	cols := rangeLimit(m, less.Inputs[0])
	rowShape := m.producer(less.Inputs[1], "the rows of the comparison", "Reshape", "Unsqueeze")
	add := m.parent(rowShape, 0, "Add")
	if cols == nil || add == nil {
		return nil
	}
	var rows *ir.Value
	for slot := range 2 {
		if isScalar(add.Input(1-slot), 1) {
			rows = rangeLimit(m, add.Inputs[slot])
			break
		}
	}
	if rows == nil {
		m.fail("want the rows as Range(0, S, 1) + 1")
		return nil
	}
	return func(m *matcher, sq, sk symInt) bool {
		if !sq.equal(sk) || !m.sameInts(cols, sk) || !m.sameInts(rows, sq) {
			return false
		}
		if rowShape.Op == "Reshape" && !m.sameInts(rowShape.Input(1), sq, known(1)) &&
			!m.sameInts(rowShape.Input(1), known(-1), known(1)) && !m.sameInts(rowShape.Input(1), known(0), known(1)) {
			return false
		}
		if rowShape.Op == "Unsqueeze" && !m.sameInts(rowShape.Input(1), known(1)) && !m.sameInts(rowShape.Input(1), known(-1)) {
			return false
		}
		return fillShape == nil || m.sameInts(fillShape, sq, sk)
	}
}

// rangeLimit matches Range(0, limit, 1) and returns limit.
func rangeLimit(m *matcher, v *ir.Value) *ir.Value {
	r := m.producer(v, "the positions", "Range")
	if r == nil {
		return nil
	}
	if !isScalar(r.Input(0), 0) || !isScalar(r.Input(2), 1) {
		m.fail("%s is not Range(0, S, 1)", r.Describe())
		return nil
	}
	return r.Inputs[1]
}

func allZero(t *ir.Tensor) bool {
	for _, x := range t.Float64s() {
		if x != 0 {
			return false
		}
	}
	return true
}

// keyPaddingBias remaps torch.nn.MultiheadAttention's key padding mask,
// an additive [B·H, 1, Sk] mask over the batch-merged scores,
//
//	Mul?(Where(Reshape(Expand?(pad, [1, H, 1, 1]), [B·H, 1, Sk]), very negative, 0), 1)
//
// with pad a bool [B, 1|H, 1, Sk], to the bias Where(pad, very negative,
// 0) that broadcasts to the fused node's [B, H, Sq, Sk] scores. The new
// Where goes to m.extra.
func keyPaddingBias(m *matcher, mask *ir.Value, q *heads) *ir.Value {
	if mask.Producer != nil && mask.Producer.Op == "Mul" && mask.Producer.Domain == "" {
		c, rest, ok := scaling(mask.Producer)
		if !ok || c != 1 {
			m.fail("%s scales the key padding mask", mask.Producer.Describe())
			return nil
		}
		m.nodes = append(m.nodes, mask.Producer)
		mask = rest
	}
	w := m.producer(mask, "the batch-merged mask", "Where")
	if w == nil {
		return nil
	}
	fill := w.Input(1)
	if !veryNegative(fill) {
		m.fail("%s does not mask with a very negative constant", w.Describe())
		return nil
	}
	if !isScalar(w.Input(2), 0) {
		cos := m.parent(w, 2, "ConstantOfShape")
		if cos == nil {
			return nil
		}
		if z := cos.Attrs["value"]; z != nil && (z.Tensor == nil || !allZero(z.Tensor)) {
			m.fail("%s does not fill with 0", cos.Describe())
			return nil
		}
		m.symbolic(cos.Inputs[0]) // its shape chain goes with it when unread
	}
	r := m.parent(w, 0, "Reshape")
	if r == nil {
		return nil
	}
	pad := r.Inputs[0]
	h := int64(1)
	if e := pad.Producer; e != nil && e.Op == "Expand" && e.Domain == "" {
		if !m.sameInts(e.Input(1), known(1), known(q.h), known(1), known(1)) {
			m.fail("%s does not repeat the mask over the heads", e.Describe())
			return nil
		}
		m.nodes = append(m.nodes, e)
		pad, h = e.Inputs[0], q.h
	}
	if pad.DType != ir.Bool || pad.Shape.Rank() != 4 {
		m.fail("the key padding mask %q is not a 4-D bool", pad.Name)
		return nil
	}
	var dims [4]symInt
	for i := range 4 {
		dims[i], _ = dimOf(pad, i)
	}
	b, _ := dimOf(q.x, 1)
	if !dims[1].isConst(1) && !dims[1].isConst(q.h) || h*dims[1].c != q.h || !dims[2].isConst(1) || !dims[0].equal(b) {
		m.fail("the key padding mask %q is not [B, 1|H, 1, S]", pad.Name)
		return nil
	}
	if !m.sameInts(r.Input(1), b.times(q.h), known(1), dims[3]) {
		m.fail("%s does not merge the mask's batch and heads", r.Describe())
		return nil
	}
	zero := m.newConst(w.Name+"/zero", fill.DType, nil, []float64{0})
	// torch reshapes a [B, S] mask to [B, 1, 1, S] with a target computed
	// from the keys' shape; the bias starts from the 2-D mask instead, so
	// that the keys' head split may go.
	if u := pad.Producer; h == q.h && u != nil && u.Op == "Reshape" && u.Domain == "" && u.Inputs[0].Shape.Rank() == 2 {
		x2 := u.Inputs[0]
		d0, _ := dimOf(x2, 0)
		d1, _ := dimOf(x2, 1)
		if m.try(true, func(p *matcher) bool {
			return p.sameInts(u.Input(1), d0, known(1), known(1), d1) && p.producer(pad, "the mask", "Reshape") != nil
		}) {
			bias := m.newNode(w.Name+"/bias", "Where", nil, fill.DType, x2.Shape, x2, fill, zero)
			axes := m.newConst(w.Name+"/axes", ir.Int64, []int64{2}, []int64{1, 2})
			return m.newNode(w.Name+"/bias4", "Unsqueeze", nil, fill.DType,
				shapeOf(dimAt(x2, 0), ir.Fixed(1), ir.Fixed(1), dimAt(x2, 1)), bias, axes)
		}
		m.reason = ""
	}
	return m.newNode(w.Name+"/bias", "Where", nil, fill.DType, pad.Shape, pad, fill, zero)
}

// zeroBias reports whether the Add n adds a constant of zeros to the
// scores x without broadcasting them to a larger shape.
func zeroBias(n *ir.Node, x *ir.Value) bool {
	mask := n.Inputs[0]
	if mask == x {
		mask = n.Inputs[1]
	}
	return mask.Const != nil && allZero(mask.Const) && n.Outputs[0].Shape.Equal(x.Shape) && x.Shape.Rank() <= 4
}

// constCausalMask proves a constant additive causal mask, what constant
// folding makes of a Trilu or comparison mask over static shapes: the
// mask of the Add n of the scores x is 0 where tfc's causal attention
// keeps a score and very negative where it drops one (constCausal), and
// does not broadcast the scores.
func constCausalMask(n *ir.Node, x *ir.Value) causalCheck {
	mask := n.Inputs[0]
	if mask == x {
		mask = n.Inputs[1]
	}
	t := mask.Const
	if t == nil || !t.DType.IsFloat() || len(t.Shape) > x.Shape.Rank() || !n.Outputs[0].Shape.Equal(x.Shape) {
		return nil
	}
	return constCausal(t, func(v float64) bool { return v == 0 }, func(v float64) bool { return v <= -1e30 })
}

// constCausalCondition proves a constant causal Where condition, what
// constant folding makes of GPT-2's sliced buffer over static shapes:
// true where a score is kept, false where it is filled (constCausal).
func constCausalCondition(cond *ir.Value) causalCheck {
	t := cond.Const
	if t == nil || t.DType != ir.Bool {
		return nil
	}
	return constCausal(t, func(v float64) bool { return v != 0 }, func(v float64) bool { return v == 0 })
}

// constCausal reports whether the constant t is a causal mask over
// [1, …, 1, Sq, Sk] (Sq ≤ Sk): kept where key j ≤ i + Sk − Sq (tfc's
// bottom-right alignment), dropped elsewhere. Its check then wants
// queries of length Sq and keys of length Sk.
func constCausal(t *ir.Tensor, kept, dropped func(float64) bool) causalCheck {
	r := len(t.Shape)
	if r < 2 {
		return nil
	}
	for _, d := range t.Shape[:r-2] {
		if d != 1 {
			return nil
		}
	}
	sq, sk := t.Shape[r-2], t.Shape[r-1]
	if sq > sk {
		return nil
	}
	vals := t.Float64s()
	for i := range sq {
		for j := range sk {
			v := vals[i*sk+j]
			if j <= i+sk-sq && !kept(v) || j > i+sk-sq && !dropped(v) {
				return nil
			}
		}
	}
	return func(_ *matcher, q, k symInt) bool { return q.isConst(sq) && k.isConst(sk) }
}
