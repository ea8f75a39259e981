package passes

import (
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// attentionFusion matches scaled dot-product attention as torch exports
// it (BERT, ViT, GPT-2 with and without a KV cache, Llama, Whisper,
// torch.nn.MultiheadAttention):
//
//	MatMul(Cast?(Softmax(mask(scale(MatMul(Qh, Kt))))), Vh)
//
// followed by the head merge Reshape(Transpose(·, 0213), [0|B, 0|S, H·D])
// when Q comes in as [B, S, H·D]. The operands take one of three forms
// (headsOf, keysOf):
//
//   - a head split Transpose(Reshape(x, [0|B, 0|S|-1, H, D]), 0213) of a
//     3-D x (perm 0231 for the keys), which the Attention reads as x;
//   - any [B, H, S, D] value with known H and D (after rotary embedding,
//     a KV-cache Concat; keys as Transpose(K, 0132)), read as is; K and V
//     may be repeated for grouped-query attention
//     (Reshape(Expand(Unsqueeze(K, 2)))), which becomes kv_num_heads;
//   - torch.nn.MultiheadAttention's batch-merged split
//     Transpose(Reshape(x, [0|S, B·H, D]), 102) of a sequence-first x
//     [S, B, H·D] (perm 120 for the keys), which the fused node reads
//     through Transpose(x, 102) and whose output it transposes back.
//
// The scale is the product of the constant factors on the scores, on Q
// and on Kᵀ (Whisper and torch scale Q before the product, ONNX's
// Attention function both Q and Kᵀ by √scale). The mask is none, an
// additive bias, a causal mask the matcher proves (causalMask), which
// becomes causal=1, or, in the batch-merged form, torch's key padding mask
// Where(Reshape(Expand(m, [1, H, 1, 1]), [B·H, 1, S]), -inf, 0), which
// becomes the bias Where(m, -inf, 0) of shape [B, 1, 1, S].
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
	sc := scoresOf(m, probs.Inputs[0])
	if sc == nil {
		return nil
	}
	qs, q := queryOf(m, sc.qk.Inputs[0])
	ks, kt := scaledKeys(m, sc.qk.Inputs[1])
	k := keysOf(m, kt)
	v := headsOf(m, pv.Inputs[1])
	if q == nil || k == nil || v == nil {
		return nil
	}
	scale := sc.scale * qs * ks
	if scale == 0 {
		return m.fail("the scale is zero")
	}
	if k.h != v.h || q.d != k.d || q.h%k.h != 0 {
		return m.fail("head counts or sizes disagree: Q %d×%d, K %d×%d, V %d×%d", q.h, q.d, k.h, k.d, v.h, v.d)
	}
	if q.seqFirst != k.seqFirst || q.seqFirst != v.seqFirst {
		return m.fail("Q, K and V mix the batch-merged heads of torch's MultiheadAttention with other forms")
	}
	if sc.causal != nil && !sc.causal(m, q.seqLen(), k.seqLen()) {
		return m.fail("the mask is not causal for these query and key lengths")
	}
	attrs := map[string]*ir.Attr{"num_heads": intAttr(q.h), "scale": floatAttr(scale)}
	if k.h != q.h {
		attrs["kv_num_heads"] = intAttr(k.h)
	}
	if sc.causal != nil {
		attrs["causal"] = intAttr(1)
	}
	if q.seqFirst {
		return seqFirstAttention(m, pv, sc, attrs, q, k, v)
	}
	if sc.bias != nil && sc.bias.Shape.Rank() > 4 {
		return m.fail("the mask %q has rank above 4", sc.bias.Name)
	}
	out := pv.Outputs[0] // Q's layout: [B, H, S, D] ...
	var flat *ir.Value
	if q.x.Shape.Rank() == 3 { // ... or [B, S, H·D], after the head merge
		if out, flat = mergedHeads(m, pv, q, q.h*v.d); out == nil {
			return nil
		}
	}
	ins := []*ir.Value{q.x, k.x, v.x}
	if sc.bias != nil {
		ins = append(ins, sc.bias)
	}
	if flat == nil {
		return &ir.Node{Name: pv.Name + "/Attention", Op: "Attention", Domain: ir.TfcDomain, Version: 1,
			Inputs: ins, Outputs: []*ir.Value{out}, Attrs: attrs}
	}
	// The head merge also flattened [B, S] for a projection: the Attention
	// gives [B, S, H·D] and a Reshape flattens it.
	y := m.newNode(pv.Name+"/Attention", "Attention", attrs, out.DType,
		shapeOf(dimAt(q.x, 0), dimAt(q.x, 1), ir.Fixed(q.h*v.d)), ins...)
	y.Producer.Domain, y.Producer.Version = ir.TfcDomain, 1
	return &ir.Node{Name: pv.Name + "/Attention/Reshape", Op: "Reshape", Inputs: []*ir.Value{y, flat}, Outputs: []*ir.Value{out}}
}}

// seqFirstAttention builds the fused nodes of torch's batch-merged form:
// Q, K and V (sequence-first [S, B, H·D]) are transposed to [B, S, H·D]
// for the Attention, whose output goes back through Transpose(·, 102) and
// Reshape(·, [0, -1, D]) to the [S, B·H, D] value that the attention's
// Transpose(pv, 102) computed (torch then flattens it for out_proj).
func seqFirstAttention(m *matcher, pv *ir.Node, sc *scores, attrs map[string]*ir.Attr, q, k, v *heads) *ir.Node {
	tr := m.child(pv, "Transpose")
	if tr == nil || !hasPerm(tr, 1, 0, 2) {
		return m.fail("want Transpose(perm 1,0,2) after the batch-merged attention")
	}
	var bias *ir.Value
	if sc.bias != nil {
		if bias = keyPaddingBias(m, sc.bias, q); bias == nil {
			return nil
		}
	}
	name := pv.Name + "/Attention"
	batchFirst := func(x *ir.Value, h, d int64, what string) *ir.Value {
		return m.newNode(name+"/Transpose"+what, "Transpose", map[string]*ir.Attr{"perm": permAttr(1, 0, 2)},
			x.DType, shapeOf(dimAt(x, 1), dimAt(x, 0), ir.Fixed(h*d)), x)
	}
	var ins []*ir.Value
	if p := packedSlices(m, q, k, v); p != nil { // one Transpose of the packed projection
		ins = []*ir.Value{batchFirst(p, q.h+2*k.h, q.d, "QKV"), nil, nil}
	} else {
		ins = []*ir.Value{batchFirst(q.x, q.h, q.d, "Q"), batchFirst(k.x, k.h, k.d, "K"), batchFirst(v.x, v.h, v.d, "V")}
	}
	if bias != nil {
		ins = append(ins, bias)
	}
	ins = trimInputs(ins)
	b, s := dimAt(q.x, 1), dimAt(q.x, 0)
	y := m.newNode(name, "Attention", attrs, pv.Outputs[0].DType, shapeOf(b, s, ir.Fixed(q.h*v.d)), ins...)
	y.Producer.Domain, y.Producer.Version = ir.TfcDomain, 1
	yt := m.newNode(name+"/Transpose", "Transpose", map[string]*ir.Attr{"perm": permAttr(1, 0, 2)},
		y.DType, shapeOf(s, b, ir.Fixed(q.h*v.d)), y)
	target := m.newConst(name+"/shape", ir.Int64, []int64{3}, []int64{0, -1, v.d})
	out := tr.Outputs[0]
	return &ir.Node{Name: name + "/Reshape", Op: "Reshape", Inputs: []*ir.Value{yt, target}, Outputs: []*ir.Value{out}}
}

// packedSlices returns P when Q, K and V are its consecutive slices on
// the last axis, [0, H·D), [H·D, (H + Hkv)·D) and [(H + Hkv)·D, (H + 2·Hkv)·D),
// covering all of it (torch's packed in-projection); the Slices go when
// nothing else reads them.
func packedSlices(m *matcher, q, k, v *heads) *ir.Value {
	var p *ir.Value
	ok := m.try(true, func(pm *matcher) bool {
		at := int64(0)
		for _, o := range []*heads{q, k, v} {
			sl := pm.producer(o.x, "the projection", "Slice")
			if sl == nil || p != nil && sl.Inputs[0] != p || !sliceOnAxis3(sl) {
				return false
			}
			p = sl.Inputs[0]
			start, ok1 := constInts(sl.Input(1))
			end, ok2 := constInts(sl.Input(2))
			if !ok1 || !ok2 || len(start) != 1 || len(end) != 1 || start[0] != at || end[0] != at+o.h*o.d {
				return false
			}
			at = end[0]
		}
		return p.Shape.Rank() == 3 && hasWidth(p, at)
	})
	if !ok {
		m.reason = ""
		return nil
	}
	return p
}

// sliceOnAxis3 reports whether Slice n cuts only the last axis of a 3-D
// input with step 1.
func sliceOnAxis3(n *ir.Node) bool {
	axes, ok := constInts(n.Input(3))
	if n.Inputs[0].Shape.Rank() != 3 || !ok || len(axes) != 1 || axes[0] != 2 && axes[0] != -1 {
		return false
	}
	steps, ok := constInts(n.Input(4))
	return n.Input(4) == nil || ok && len(steps) == 1 && steps[0] == 1
}

// newNode appends a new node of the default domain to m.extra (its
// version is resolved when the fusion is applied) and returns its one
// output, of the given type and shape.
func (m *matcher) newNode(name, op string, attrs map[string]*ir.Attr, dt ir.DType, shape ir.Shape, ins ...*ir.Value) *ir.Value {
	n := &ir.Node{Name: name, Op: op, Inputs: ins, Attrs: attrs}
	out := &ir.Value{Name: name + "_output", DType: dt, Shape: shape, Producer: n}
	n.Outputs = []*ir.Value{out}
	m.extra = append(m.extra, n)
	return out
}

// newConst adds a new initializer to m.consts and returns it.
func (m *matcher) newConst(name string, dt ir.DType, shape []int64, vals any) *ir.Value {
	var t *ir.Tensor
	switch x := vals.(type) {
	case []int64:
		t, _ = ir.FromInt64s(dt, shape, x)
	case []float64:
		t, _ = ir.FromFloat64s(dt, shape, x)
	}
	v := &ir.Value{Name: name, DType: dt, Shape: ir.ShapeOf(shape...), Const: t}
	m.consts = append(m.consts, v)
	return v
}

func permAttr(vals ...int64) *ir.Attr { return &ir.Attr{Kind: ir.AttrInts, Ints: vals} }

// dimAt is dimension axis of v's shape (unknown when v's rank is).
func dimAt(v *ir.Value, axis int) ir.Dim {
	if axis < v.Shape.Rank() {
		return v.Shape.Dims[axis]
	}
	return ir.UnknownDim
}

func shapeOf(dims ...ir.Dim) ir.Shape { return ir.Shape{Ranked: true, Dims: dims} }

// mergedHeads matches the head merge after the attention's last MatMul,
// Reshape(Transpose(pv, 0213), [0|B, 0|S, width]), both read by nothing
// else, and returns the merged output. Over static shapes the merge may
// also flatten [B, S] for a projection (two Reshapes merged into one,
// target [B·S, width]): then it also returns that target.
func mergedHeads(m *matcher, pv *ir.Node, q *heads, width int64) (out, flat *ir.Value) {
	tr := m.child(pv, "Transpose")
	if tr == nil || !hasPerm(tr, 0, 2, 1, 3) {
		m.fail("want Transpose(perm 0,2,1,3) after the attention")
		return nil, nil
	}
	merge := m.child(tr, "Reshape")
	if merge == nil {
		return nil, nil
	}
	target, ok := m.symbolic(merge.Input(1))
	keeps := func(axis int) bool { // a dimension of the output, or of Q
		return copiesDim(target.elems[axis], tr.Outputs[0], axis) || copiesDim(target.elems[axis], q.x, axis)
	}
	switch {
	case ok && len(target.elems) == 3 && keeps(0) && keeps(1) && (target.elems[2].isConst(width) || target.elems[2].isConst(-1)):
		return merge.Outputs[0], nil
	case ok && len(target.elems) == 2 && flattensBatch(target.elems, tr.Outputs[0], width):
		return merge.Outputs[0], merge.Inputs[1]
	}
	m.fail("the merge %s's target is not [0, 0, %d] (or [0, 0, -1], or [B·S, %d])", merge.Describe(), width, width)
	return nil, nil
}

// flattensBatch reports whether the 2-D Reshape target t of x [B, S, H, D]
// is [B·S, width] with B and S known (or one of them -1).
func flattensBatch(t []symInt, x *ir.Value, width int64) bool {
	b, ok1 := dimOf(x, 0)
	s, ok2 := dimOf(x, 1)
	if !ok1 || !ok2 || len(b.terms) > 0 || len(s.terms) > 0 {
		return false
	}
	rows := b.c * s.c
	return t[0].isConst(rows) && (t[1].isConst(width) || t[1].isConst(-1)) || t[0].isConst(-1) && t[1].isConst(width)
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

// heads is an attention operand as the fused node reads it: x is
// [B, S, H·D], [B, H, S, D] or, when seqFirst, [S, B, H·D].
type heads struct {
	x        *ir.Value
	h, d     int64
	seqFirst bool
}

// seqLen is the sequence length of the operand.
func (o *heads) seqLen() symInt {
	axis := 1
	switch {
	case o.seqFirst:
		axis = 0
	case o.x.Shape.Rank() == 4:
		axis = 2
	}
	d, _ := dimOf(o.x, axis)
	return d
}

// scores is what lies between the query-key product and the Softmax.
type scores struct {
	qk     *ir.Node
	scale  float64
	bias   *ir.Value   // additive mask, if any
	causal causalCheck // the check of a causal mask, if any
}

// scoresOf walks from the Softmax input down to the query-key MatMul
// through constant scalings (Mul, Div) and at most one mask: an Add of a
// bias, of constant zeros (dropped), of a causal mask (triluCausalMask,
// arangeCausalMask, or constCausalMask once folded to a constant), or
// Where(causal condition, scores, very negative) (slicedCausalMask). A
// scaling above the mask would scale the mask too and ends the match.
func scoresOf(m *matcher, x *ir.Value) *scores {
	sc := &scores{scale: 1}
	masked, scaled := false, false
	for {
		n := m.producer(x, "the scores", "MatMul", "Mul", "Div", "Add", "Where")
		if n == nil {
			return nil
		}
		switch n.Op {
		case "MatMul":
			sc.qk = n
			return sc
		case "Mul", "Div":
			c, rest, ok := scaling(n)
			if !ok {
				m.fail("%s does not scale by a constant scalar", n.Describe())
				return nil
			}
			sc.scale *= c
			scaled, x = true, rest
			continue
		}
		if masked || scaled {
			m.fail("%s: a second mask, or a mask under a scaling", n.Describe())
			return nil
		}
		masked = true
		if n.Op == "Where" {
			if !veryNegative(n.Input(2)) {
				m.fail("%s does not fill with a very negative constant", n.Describe())
				return nil
			}
			if sc.causal = constCausalCondition(n.Inputs[0]); sc.causal == nil &&
				!m.try(true, func(p *matcher) bool { sc.causal = slicedCausalMask(p, n.Inputs[0]); return sc.causal != nil }) {
				return nil
			}
			x = n.Inputs[1]
			continue
		}
		slot := slices.IndexFunc(n.Inputs, isScoreChain)
		if slot < 0 || len(n.Inputs) != 2 {
			m.fail("no input of %s is the scaled query-key product", n.Describe())
			return nil
		}
		x = n.Inputs[slot]
		mask := n.Inputs[1-slot]
		if mask.Const != nil && zeroBias(n, x) {
			continue // ONNX's Attention function adds zeros when it has no mask
		}
		if m.try(true, func(p *matcher) bool { sc.causal = causalMask(p, mask); return sc.causal != nil }) {
			continue
		}
		m.reason = ""
		if sc.causal = constCausalMask(n, x); sc.causal != nil {
			continue
		}
		sc.bias = mask
	}
}

// scaling returns the constant factor of a scalar Mul or Div node and the
// other input.
func scaling(n *ir.Node) (float64, *ir.Value, bool) {
	if len(n.Inputs) != 2 || n.Inputs[0] == nil || n.Inputs[1] == nil {
		return 0, nil, false
	}
	if c, ok := scalar(n.Inputs[1]); ok && c != 0 {
		if n.Op == "Div" {
			c = 1 / c
		}
		return c, n.Inputs[0], true
	}
	if c, ok := scalar(n.Inputs[0]); ok && n.Op == "Mul" {
		return c, n.Inputs[1], true
	}
	return 0, nil, false
}

// isScoreChain reports whether v is a MatMul output, possibly scaled by
// constants.
func isScoreChain(v *ir.Value) bool {
	for v != nil && v.Producer != nil && v.Producer.Domain == "" {
		switch v.Producer.Op {
		case "MatMul":
			return true
		case "Mul", "Div":
			_, rest, ok := scaling(v.Producer)
			if !ok {
				return false
			}
			v = rest
		default:
			return false
		}
	}
	return false
}

// queryOf matches the query operand: headsOf, with constant scalings
// before or after the head split taken off. It returns their product.
func queryOf(m *matcher, v *ir.Value) (float64, *heads) {
	s, v := takeScalings(m, v)
	q := headsOf(m, v)
	if q == nil || q.x.Producer == nil || q.x.Shape.Rank() == 4 && !q.seqFirst {
		return s, q
	}
	for {
		n := q.x.Producer
		if n == nil || n.Domain != "" || (n.Op != "Mul" && n.Op != "Div") || len(m.uses[q.x]) != 1 {
			return s, q
		}
		c, rest, ok := scaling(n)
		if !ok || rest.Shape.Rank() != 3 {
			return s, q
		}
		m.nodes = append(m.nodes, n)
		s, q.x = s*c, rest
	}
}

// headsOf matches a per-head [B, H, S, D] operand (after undoing a
// grouped-query repeat) in one of the forms of attentionFusion.
func headsOf(m *matcher, v *ir.Value) *heads {
	if v == nil {
		return nil
	}
	v = unrepeat(m, v)
	var o *heads
	prev := m.reason
	if m.try(false, func(p *matcher) bool {
		tr := p.producer(v, "the heads", "Transpose")
		switch {
		case tr != nil && hasPerm(tr, 0, 2, 1, 3):
			o = splitHeads(p, tr)
		case tr != nil && hasPerm(tr, 1, 0, 2):
			o = splitMergedBatch(p, tr)
		}
		return o != nil
	}) {
		return o
	}
	m.reason = prev
	hd, ok1 := dimOf(v, 1)
	dd, ok2 := dimOf(v, 3)
	if v.Shape.Rank() != 4 || !ok1 || !ok2 || len(hd.terms) != 0 || len(dd.terms) != 0 {
		m.fail("%q is neither split into heads nor [B, H, S, D] with known H and D", v.Name)
		return nil
	}
	return &heads{x: v, h: hd.c, d: dd.c}
}

// takeScalings matches the constant scalings (Mul or Div by a scalar)
// that compute v, and returns their product and the value they scale.
func takeScalings(m *matcher, v *ir.Value) (float64, *ir.Value) {
	s := 1.0
	for v != nil && v.Producer != nil && v.Producer.Domain == "" && (v.Producer.Op == "Mul" || v.Producer.Op == "Div") {
		c, rest, ok := scaling(v.Producer)
		if !ok {
			break
		}
		m.nodes = append(m.nodes, v.Producer)
		s, v = s*c, rest
	}
	return s, v
}

// scaledKeys takes constant scalings off the transposed keys (ONNX's
// Attention function scales Kᵀ by √scale) and returns their product and
// the key Transpose.
func scaledKeys(m *matcher, v *ir.Value) (float64, *ir.Node) {
	s, v := takeScalings(m, v)
	return s, m.producer(v, "the transposed keys", "Transpose")
}

// keysOf matches the transposed keys: a head split with perm 0231, a
// batch-merged split with perm 120, or Transpose(K, 0132) of [B, H, S, D]
// keys.
func keysOf(m *matcher, tr *ir.Node) *heads {
	switch {
	case tr == nil:
		return nil
	case hasPerm(tr, 0, 2, 3, 1):
		return splitHeads(m, tr)
	case hasPerm(tr, 1, 2, 0):
		return splitMergedBatch(m, tr)
	case hasPerm(tr, 0, 1, 3, 2):
		return headsOf(m, tr.Inputs[0])
	}
	m.fail("%s is not a key transpose (perm 0,2,3,1, 1,2,0 or 0,1,3,2)", tr.Describe())
	return nil
}

// splitHeads matches Reshape(x, [0|B, 0|S|-1, H, D]) before tr and
// returns the 3-D x, H and D.
func splitHeads(m *matcher, tr *ir.Node) *heads {
	r := m.parent(tr, 0, "Reshape")
	if r == nil {
		return nil
	}
	t, ok := m.symbolic(r.Input(1))
	x := r.Inputs[0]
	if ok && len(t.elems) == 4 && t.elems[3].isConst(-1) && len(t.elems[2].terms) == 0 && t.elems[2].c > 0 {
		// [B, S, H, -1] (ONNX's Attention function): D from the width.
		if w, ok2 := dimOf(x, -1); ok2 && len(w.terms) == 0 && w.c > 0 && w.c%t.elems[2].c == 0 {
			t.elems[3] = known(w.c / t.elems[2].c)
		}
	}
	if !ok || len(t.elems) != 4 || x.Shape.Rank() != 3 || !copiesDim(t.elems[0], x, 0) ||
		len(t.elems[2].terms) != 0 || len(t.elems[3].terms) != 0 || t.elems[2].c <= 0 || t.elems[3].c <= 0 {
		m.fail("%s does not split [B, S, H·D] into [0, 0, H, D]", r.Describe())
		return nil
	}
	h, d := t.elems[2].c, t.elems[3].c
	if !copiesDim(t.elems[1], x, 1) && !(t.elems[1].isConst(-1) && !t.elems[0].isConst(-1) && hasWidth(x, h*d)) {
		m.fail("%s does not keep the sequence axis", r.Describe())
		return nil
	}
	return &heads{x: x, h: h, d: d}
}

// hasWidth reports whether the last dimension of x is known to be w.
func hasWidth(x *ir.Value, w int64) bool {
	d, ok := dimOf(x, -1)
	return ok && d.isConst(w)
}

// splitMergedBatch matches torch.nn.MultiheadAttention's head split
// before tr: Reshape(x, [0|S, B·H, D]) of a sequence-first x [S, B, H·D].
func splitMergedBatch(m *matcher, tr *ir.Node) *heads {
	r := m.parent(tr, 0, "Reshape")
	if r == nil {
		return nil
	}
	t, ok := m.symbolic(r.Input(1))
	x := r.Inputs[0]
	if !ok || len(t.elems) != 3 || x.Shape.Rank() != 3 || !copiesDim(t.elems[0], x, 0) ||
		len(t.elems[2].terms) != 0 || t.elems[2].c <= 0 {
		m.fail("%s does not split [S, B, H·D] into [0, B·H, D]", r.Describe())
		return nil
	}
	d := t.elems[2].c
	b, _ := dimOf(x, 1)
	h, ok := ratio(t.elems[1], b)
	if !ok {
		if w, ok2 := dimOf(x, 2); ok2 && len(w.terms) == 0 && w.c%d == 0 && t.elems[1].isConst(-1) {
			h, ok = w.c/d, true
		}
	}
	if !ok || h <= 0 {
		m.fail("%s does not merge the batch with the heads", r.Describe())
		return nil
	}
	return &heads{x: x, h: h, d: d, seqFirst: true}
}

// ratio returns k when a = k·b for an integer k.
func ratio(a, b symInt) (int64, bool) {
	if len(b.terms) == 0 {
		if b.c == 0 || len(a.terms) != 0 || a.c%b.c != 0 {
			return 0, false
		}
		return a.c / b.c, true
	}
	for key, cb := range b.terms {
		ca := a.terms[key]
		if ca%cb != 0 {
			return 0, false
		}
		k := ca / cb
		return k, a.equal(b.times(k))
	}
	return 0, false
}

// unrepeat undoes Llama's repeat_kv,
// Reshape(Expand(Unsqueeze(x, 2), [B, Hkv, n, S, D]), [B, Hkv·n, S, D]),
// returning x (whose head count becomes kv_num_heads); otherwise v.
func unrepeat(m *matcher, v *ir.Value) *ir.Value {
	x, prev := v, m.reason
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
	m.reason = prev
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
