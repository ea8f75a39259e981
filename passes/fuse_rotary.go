package passes

import "github.com/tfc-project/tfc/ir"

// rotaryFusion matches rotary position embedding as Llama exports it,
//
//	Add(Mul(x, cos), Mul(Concat(Neg(Slice(x, D/2 … D)), Slice(x, 0 … D/2)), sin))
//
// with the Slices and the Concat on the last axis, into
// RotaryEmbedding(x, cos, sin); cos and sin must broadcast to x's shape.
var rotaryFusion = fusion{name: "RotaryEmbedding", anchor: "Add", match: func(m *matcher, add *ir.Node) *ir.Node {
	rotMul, other := m.eitherIf(add, readsOp("Concat"), "Mul")
	if rotMul == nil {
		return nil
	}
	plain := m.producer(other, "the other addend", "Mul")
	cat, sin := m.eitherIf(rotMul, nil, "Concat")
	if plain == nil || cat == nil || len(cat.Inputs) != 2 || !lastAxisAttr(cat) {
		return m.fail("want Mul(Concat(..., axis -1), sin)")
	}
	neg := m.parent(cat, 0, "Neg")
	hi := m.parent(neg, 0, "Slice")
	lo := m.parent(cat, 1, "Slice")
	if hi == nil || lo == nil || hi.Inputs[0] != lo.Inputs[0] {
		return m.fail("want Concat(Neg(Slice(x)), Slice(x)) of one x")
	}
	x := lo.Inputs[0]
	var cos *ir.Value
	switch x {
	case plain.Inputs[0]:
		cos = plain.Inputs[1]
	case plain.Inputs[1]:
		cos = plain.Inputs[0]
	default:
		return m.fail("%s does not multiply the rotated x", plain.Describe())
	}
	r := x.Shape.Rank()
	last, ok := dimOf(x, -1)
	if r < 1 || !ok || len(last.terms) != 0 || last.c%2 != 0 {
		return m.fail("x's last dimension is not known and even")
	}
	h := last.c / 2
	if !lastAxisSlice(lo, r, 0, h, h) || !lastAxisSlice(hi, r, h, last.c, last.c) {
		return m.fail("the Slices do not cut the halves of the last axis")
	}
	if !broadcastsTo(cos, x) || !broadcastsTo(sin, x) {
		return m.fail("cos or sin does not broadcast to x's shape")
	}
	return fusedNode("RotaryEmbedding", add, nil, x, cos, sin)
}}

// readsOp returns a condition: one of n's inputs is computed by op.
func readsOp(op string) func(n *ir.Node) bool {
	return func(n *ir.Node) bool {
		for _, v := range n.Inputs {
			if v != nil && v.Producer != nil && v.Producer.Op == op {
				return true
			}
		}
		return false
	}
}

// lastAxisSlice reports whether Slice n of a rank-r input cuts [start,
// end) of its last axis with step 1, where an end ≥ size means size.
func lastAxisSlice(n *ir.Node, r int, start, end, size int64) bool {
	s, ok1 := constInts(n.Input(1))
	e, ok2 := constInts(n.Input(2))
	a, ok3 := constInts(n.Input(3))
	if !ok1 || !ok2 || !ok3 || len(s) != 1 || len(e) != 1 || len(a) != 1 || (a[0] != -1 && a[0] != int64(r-1)) {
		return false
	}
	if st, ok := constInts(n.Input(4)); n.Input(4) != nil && (!ok || len(st) != 1 || st[0] != 1) {
		return false
	}
	return s[0] == start && (e[0] == end || end == size && e[0] >= size)
}

// broadcastsTo reports whether v broadcasts to x's shape without growing
// it: no higher rank, and each dim 1 or the same as x's.
func broadcastsTo(v, x *ir.Value) bool {
	rv, rx := v.Shape.Rank(), x.Shape.Rank()
	if rv < 0 || rx < 0 || rv > rx {
		return false
	}
	for i := range rv {
		a, ok1 := dimOf(v, i)
		b, ok2 := dimOf(x, i+rx-rv)
		if !ok1 || !ok2 || !(a.isConst(1) || a.equal(b)) {
			return false
		}
	}
	return true
}
