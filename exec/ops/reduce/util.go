package reduce

import (
	"cmp"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// axisView splits a shape around one axis: element (o, k, i) of the
// [outer, n, inner] view sits at flat index (o*n+k)*inner+i.
type axisView struct {
	outer, n, inner int
}

// viewAround returns the view of shape around axis (already normalized).
func viewAround(shape []int64, axis int) axisView {
	return axisView{
		outer: int(kernel.Product(shape, 0, axis)),
		n:     int(shape[axis]),
		inner: int(kernel.Product(shape, axis+1, len(shape))),
	}
}

// at returns the flat index of element (o, k, i).
func (v axisView) at(o, k, i int) int { return (o*v.n+k)*v.inner + i }

// lines calls f once for every line along the axis, with the flat index of
// the line's first element; the line's elements follow at step v.inner.
func (v axisView) lines(f func(base int)) {
	for o := 0; o < v.outer; o++ {
		for i := 0; i < v.inner; i++ {
			f(v.at(o, 0, i))
		}
	}
}

// orderOf returns a three-way comparison of the flat elements i and j of t
// in the natural order of its dtype (floats by value, NaN first; unsigned
// integers unsigned; strings bytewise).
func orderOf(t *ir.Tensor) func(i, j int) int {
	switch d := t.Data.(type) {
	case []string:
		return func(i, j int) int { return cmp.Compare(d[i], d[j]) }
	case []uint64:
		return func(i, j int) int { return cmp.Compare(d[i], d[j]) }
	}
	if t.DType.IsFloat() {
		f := t.Float64s()
		return func(i, j int) int { return cmp.Compare(f[i], f[j]) }
	}
	v := t.Int64s()
	return func(i, j int) int { return cmp.Compare(v[i], v[j]) }
}

// intArith is integer arithmetic on int64 bit patterns for one dtype:
// unsigned types compare and divide unsigned, and lo/hi are the dtype's
// smallest and largest values (as bit patterns).
type intArith struct {
	unsigned bool
	lo, hi   int64
}

// intBits is the width of each integer dtype (bool counts as 1-bit unsigned).
var intBits = map[ir.DType]uint{
	ir.Int8: 8, ir.Int16: 16, ir.Int32: 32, ir.Int64: 64, ir.Int4: 4, ir.Int2: 2,
	ir.Uint8: 8, ir.Uint16: 16, ir.Uint32: 32, ir.Uint64: 64, ir.Uint4: 4, ir.Uint2: 2, ir.Bool: 1,
}

// arithOf returns the integer arithmetic of dt, and false when dt is not an
// integer (or bool) type.
func arithOf(dt ir.DType) (intArith, bool) {
	bits, ok := intBits[dt]
	if !ok {
		return intArith{}, false
	}
	if dt.IsSigned() {
		return intArith{lo: -1 << (bits - 1), hi: 1<<(bits-1) - 1}, true
	}
	return intArith{unsigned: true, hi: int64(^uint64(0) >> (64 - bits))}, true
}

func (ar intArith) less(a, b int64) bool {
	if ar.unsigned {
		return uint64(a) < uint64(b)
	}
	return a < b
}

func (ar intArith) abs(a int64) int64 {
	if ar.unsigned || a >= 0 {
		return a
	}
	return -a
}

// div divides, giving 0 for a zero divisor (the mean of nothing).
func (ar intArith) div(a, n int64) int64 {
	switch {
	case n == 0:
		return 0
	case ar.unsigned:
		return int64(uint64(a) / uint64(n))
	}
	return a / n
}

func (ar intArith) float(a int64) float64 {
	if ar.unsigned {
		return float64(uint64(a))
	}
	return float64(a)
}

// readAxis reads an axis given as a one-element integer tensor (CumSum's
// axis input) and normalizes it against rank.
func readAxis(ctx *kernel.Context, t *ir.Tensor, rank int) (int, error) {
	if t == nil || t.Len() != 1 || !t.DType.IsInt() {
		return 0, ctx.Errorf("axis must be a one-element integer tensor")
	}
	a, err := kernel.NormAxis(t.Int64s()[0], rank)
	if err != nil {
		return 0, ctx.Errorf("%v", err)
	}
	return a, nil
}
