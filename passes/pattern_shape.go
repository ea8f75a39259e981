package passes

import (
	"maps"
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// dimKey names one dimension of a value for equality tests: a symbolic
// dim_param, or the (value, axis) it reduces to after following ops that
// pass the dimension through unchanged.
type dimKey struct {
	param string
	v     *ir.Value
	axis  int
}

// symInt is an integer known as c + Σ k·dim: enough to prove facts such as
// "this Slice starts at key length − query length" from Shape chains.
type symInt struct {
	c     int64
	terms map[dimKey]int64
}

func known(c int64) symInt { return symInt{c: c} }

func (a symInt) equal(b symInt) bool {
	return a.c == b.c && maps.Equal(a.terms, b.terms)
}

// isConst reports whether a is the constant c.
func (a symInt) isConst(c int64) bool { return len(a.terms) == 0 && a.c == c }

// nonNegative reports whether a is certainly ≥ 0: a known non-negative
// number or a single dimension.
func (a symInt) nonNegative() bool {
	if len(a.terms) == 0 {
		return a.c >= 0
	}
	for _, k := range a.terms {
		if k < 0 {
			return false
		}
	}
	return a.c >= 0
}

// plus returns a + k·b.
func (a symInt) plus(b symInt, k int64) symInt {
	out := symInt{c: a.c + k*b.c, terms: maps.Clone(a.terms)}
	for d, x := range b.terms {
		if out.terms == nil {
			out.terms = map[dimKey]int64{}
		}
		out.terms[d] += k * x
		if out.terms[d] == 0 {
			delete(out.terms, d)
		}
	}
	return out
}

// times returns k·a.
func (a symInt) times(k int64) symInt { return symInt{}.plus(a, k) }

// dimOf returns dimension axis of v (negative counts from the end) as a
// symInt, or false when v's rank is unknown or axis is out of range.
func dimOf(v *ir.Value, axis int) (symInt, bool) {
	r := v.Shape.Rank()
	if axis < 0 {
		axis += r
	}
	if r < 0 || axis < 0 || axis >= r {
		return symInt{}, false
	}
	for {
		d := v.Shape.Dims[axis]
		switch {
		case d.Known():
			return known(d.Size), true
		case d.Param != "":
			return symInt{terms: map[dimKey]int64{{param: d.Param}: 1}}, true
		}
		next, nextAxis := passThrough(v, axis)
		if next == nil {
			return symInt{terms: map[dimKey]int64{{v: v, axis: axis}: 1}}, true
		}
		v, axis = next, nextAxis
	}
}

// passThrough returns the input value and axis that dimension axis of v
// copies, when v's producer certainly keeps that dimension.
func passThrough(v *ir.Value, axis int) (*ir.Value, int) {
	n := v.Producer
	if n == nil || len(n.Inputs) == 0 || n.Inputs[0] == nil {
		return nil, 0
	}
	in := n.Inputs[0]
	if n.Domain == ir.TfcDomain {
		switch n.Op {
		case "LayerNorm", "SkipLayerNorm", "RMSNorm", "Gelu", "BiasGelu", "RotaryEmbedding":
			return in, axis
		case "Linear": // every dimension but the last
			if r := v.Shape.Rank(); axis < r-1 && in.Shape.Rank() == r {
				return in, axis
			}
		}
		return nil, 0
	}
	if n.Domain != "" {
		return nil, 0
	}
	switch n.Op {
	case "Add", "Sub", "Mul", "Div": // by a constant vector: every dimension but the last
		r := v.Shape.Rank()
		for slot, c := range n.Inputs {
			if x := n.Input(1 - slot); c != nil && c.Const != nil && len(c.Const.Shape) <= 1 && x != nil && x.Shape.Rank() == r && axis < r-1 {
				return x, axis
			}
		}
	case "MatMul": // by a matrix: every dimension but the last
		if r := v.Shape.Rank(); n.Input(1) != nil && n.Inputs[1].Shape.Rank() == 2 && axis < r-1 && in.Shape.Rank() == r {
			return in, axis
		}
	case "Transpose":
		if perm, ok := n.AttrInts("perm"); ok && axis < len(perm) {
			return in, int(perm[axis])
		}
	case "Reshape":
		if t, ok := constInts(n.Input(1)); ok && axis < len(t) && t[axis] == 0 && n.AttrInt("allowzero", 0) == 0 {
			return in, axis
		}
	case "Concat", "Split":
		a := int(n.AttrInt("axis", 0))
		if a < 0 {
			a += v.Shape.Rank()
		}
		if a != axis && in.Shape.Rank() == v.Shape.Rank() {
			return in, axis
		}
	case "Cast", "Neg", "Softmax", "Identity":
		return in, axis
	}
	return nil, 0
}

// symVal is the tracked content of a small rank-0 or rank-1 integer value.
type symVal struct {
	scalar bool
	elems  []symInt
}

// symbolic evaluates small integer tensors computed from shapes (Shape,
// Gather, Slice, Squeeze, Unsqueeze, Concat, Cast, Add, Sub, Mul by a
// constant, and torch's Where(Equal(s, -1), 1, s) for expand), recording
// the nodes it walked in m.soft so the fusion may remove them when nothing
// else reads them.
func (m *matcher) symbolic(v *ir.Value) (symVal, bool) {
	if v == nil {
		return symVal{}, false
	}
	if t := v.Const; t != nil {
		if !t.DType.IsInt() || len(t.Shape) > 1 || t.Len() > maxShapeElems {
			return symVal{}, false
		}
		sv := symVal{scalar: len(t.Shape) == 0}
		for _, x := range t.Int64s() {
			sv.elems = append(sv.elems, known(x))
		}
		return sv, true
	}
	n := v.Producer
	if n == nil || n.Domain != "" || v != n.Outputs[0] {
		return symVal{}, false
	}
	sv, ok := m.symbolicOp(n)
	if ok {
		m.soft = append(m.soft, n)
	}
	return sv, ok && len(sv.elems) <= maxShapeElems
}

func (m *matcher) symbolicOp(n *ir.Node) (symVal, bool) {
	in := func(i int) (symVal, bool) { return m.symbolic(n.Input(i)) }
	switch n.Op {
	case "Shape":
		x := n.Inputs[0]
		r := x.Shape.Rank()
		if r < 0 {
			return symVal{}, false
		}
		if x.Producer != nil { // may be left with no reader but this Shape
			m.soft = append(m.soft, x.Producer)
		}
		clamp := func(k int64) int { return int(min(max(k+int64(r)*b2i(k < 0), 0), int64(r))) }
		var sv symVal
		for i := clamp(n.AttrInt("start", 0)); i < clamp(n.AttrInt("end", int64(r))); i++ {
			d, _ := dimOf(x, i)
			sv.elems = append(sv.elems, d)
		}
		return sv, true
	case "Gather":
		data, ok1 := in(0)
		idx, ok2 := in(1)
		if !ok1 || !ok2 || data.scalar || n.AttrInt("axis", 0) != 0 {
			return symVal{}, false
		}
		out := symVal{scalar: idx.scalar}
		for _, e := range idx.elems {
			k, ok := constIndex(e, len(data.elems))
			if !ok {
				return symVal{}, false
			}
			out.elems = append(out.elems, data.elems[k])
		}
		return out, true
	case "Slice":
		return m.symbolicSlice(n)
	case "Squeeze", "Unsqueeze", "Identity", "Cast", "Reshape":
		x, ok := in(0)
		if !ok || (n.Op == "Cast" && !n.Outputs[0].DType.IsInt()) {
			return symVal{}, false
		}
		switch n.Op {
		case "Squeeze":
			if x.scalar || len(x.elems) != 1 {
				return symVal{}, false
			}
			x.scalar = true
		case "Unsqueeze":
			if !x.scalar {
				return symVal{}, false
			}
			x.scalar = false
		case "Reshape":
			if n.Outputs[0].Shape.Rank() != 1 {
				return symVal{}, false
			}
			x.scalar = false
		}
		return x, true
	case "Concat":
		var out symVal
		for i := range n.Inputs {
			x, ok := in(i)
			if !ok || x.scalar {
				return symVal{}, false
			}
			out.elems = append(out.elems, x.elems...)
		}
		return out, true
	case "Add", "Sub", "Mul":
		a, ok1 := in(0)
		b, ok2 := in(1)
		if !ok1 || !ok2 {
			return symVal{}, false
		}
		return elementwise(n.Op, a, b)
	case "Where":
		return m.symbolicWhere(n)
	}
	return symVal{}, false
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// constIndex returns the known index e into a list of length n.
func constIndex(e symInt, n int) (int, bool) {
	if len(e.terms) != 0 {
		return 0, false
	}
	k := e.c
	if k < 0 {
		k += int64(n)
	}
	return int(k), k >= 0 && k < int64(n)
}

// symbolicSlice evaluates a Slice of a 1-D tracked value with constant
// bounds and step 1.
func (m *matcher) symbolicSlice(n *ir.Node) (symVal, bool) {
	data, ok := m.symbolic(n.Input(0))
	if !ok || data.scalar {
		return symVal{}, false
	}
	bound := func(i int) (int64, bool) {
		v, ok := constInts(n.Input(i))
		return firstOf(v), ok && len(v) == 1
	}
	start, ok1 := bound(1)
	end, ok2 := bound(2)
	if !ok1 || !ok2 {
		return symVal{}, false
	}
	if axes, ok := constInts(n.Input(3)); n.Input(3) != nil && (!ok || len(axes) != 1 || (axes[0] != 0 && axes[0] != -1)) {
		return symVal{}, false
	}
	if steps, ok := constInts(n.Input(4)); n.Input(4) != nil && (!ok || len(steps) != 1 || steps[0] != 1) {
		return symVal{}, false
	}
	l := int64(len(data.elems))
	clamp := func(k int64) int64 {
		if k < 0 {
			k += l
		}
		return min(max(k, 0), l)
	}
	s, e := clamp(start), clamp(end)
	if e < s {
		e = s
	}
	return symVal{elems: data.elems[s:e]}, true
}

func firstOf(v []int64) int64 {
	if len(v) == 0 {
		return 0
	}
	return v[0]
}

// elementwise applies Add, Sub or Mul (one side constant) with scalar
// broadcasting.
func elementwise(op string, a, b symVal) (symVal, bool) {
	n := max(len(a.elems), len(b.elems))
	if (len(a.elems) != n && len(a.elems) != 1) || (len(b.elems) != n && len(b.elems) != 1) {
		return symVal{}, false
	}
	out := symVal{scalar: a.scalar && b.scalar}
	for i := range n {
		x, y := a.elems[min(i, len(a.elems)-1)], b.elems[min(i, len(b.elems)-1)]
		switch {
		case op == "Add":
			out.elems = append(out.elems, x.plus(y, 1))
		case op == "Sub":
			out.elems = append(out.elems, x.plus(y, -1))
		case len(y.terms) == 0:
			out.elems = append(out.elems, x.times(y.c))
		case len(x.terms) == 0:
			out.elems = append(out.elems, y.times(x.c))
		default:
			return symVal{}, false
		}
	}
	return out, true
}

// symbolicWhere evaluates torch's expand idiom Where(Equal(s, c), y, s)
// where no element of s can equal its c (s non-negative, c negative): s.
func (m *matcher) symbolicWhere(n *ir.Node) (symVal, bool) {
	eq := n.Inputs[0].Producer
	if eq == nil || eq.Op != "Equal" || eq.Domain != "" || eq.Inputs[0] != n.Inputs[2] {
		return symVal{}, false
	}
	s, ok1 := m.symbolic(eq.Inputs[0])
	c, ok2 := m.symbolic(eq.Inputs[1])
	if !ok1 || !ok2 || (len(c.elems) != len(s.elems) && len(c.elems) != 1) {
		return symVal{}, false
	}
	for i, e := range s.elems {
		ce := c.elems[min(i, len(c.elems)-1)]
		if !e.nonNegative() || len(ce.terms) != 0 || ce.c >= 0 {
			return symVal{}, false
		}
	}
	m.soft = append(m.soft, eq)
	return s, true
}

// sameInts reports whether the tracked value of v is exactly want.
func (m *matcher) sameInts(v *ir.Value, want ...symInt) bool {
	sv, ok := m.symbolic(v)
	return ok && len(sv.elems) == len(want) && slices.EqualFunc(sv.elems, want, symInt.equal)
}
