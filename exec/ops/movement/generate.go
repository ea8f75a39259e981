package movement

import (
	"fmt"
	"math"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// constantOfShape is ConstantOfShape: a tensor of the given shape filled
// with the one-element value attribute (float32 zero by default).
func constantOfShape(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	shape, err := ints(ctx, inputs[0], "shape")
	if err != nil {
		return nil, err
	}
	value := ir.Scalar(ir.Float32, 0)
	if a := ctx.Node.Attr("value"); a != nil {
		if a.Tensor == nil || a.Tensor.Len() != 1 {
			return nil, ctx.Errorf("value must be a one-element tensor")
		}
		value = a.Tensor
	}
	return fillWith(ctx, value, shape)
}

// fillWith returns a tensor of the given shape whose every element is the
// first element of value.
func fillWith(ctx *kernel.Context, value *ir.Tensor, shape []int64) (*ir.Tensor, error) {
	n, err := ir.NumElements(shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return assemble(ctx, shape, make([]int, n), value)
}

// rangeOp is Range: start, start+delta, ... up to limit (exclusive).
// Integers are computed exactly; floats as start + i*delta in float32
// (float64 for double; float16/bfloat16 in their own precision when
// stash_type is 0 at opset 27).
func rangeOp(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	for i, name := range []string{"start", "limit", "delta"} {
		if inputs[i].Len() != 1 || inputs[i].DType != inputs[0].DType {
			return nil, ctx.Errorf("%s must be a scalar of dtype %v, got %v%v", name, inputs[0].DType, inputs[i].DType, inputs[i].Shape)
		}
	}
	dt := inputs[0].DType
	if dt.IsInt() {
		start, limit, delta := inputs[0].Int64s()[0], inputs[1].Int64s()[0], inputs[2].Int64s()[0]
		n, err := intRangeLen(start, limit, delta)
		if err != nil {
			return nil, ctx.Errorf("%v", err)
		}
		vals := make([]int64, n)
		for i := range vals {
			vals[i] = start + int64(i)*delta
		}
		return ir.FromInt64s(dt, []int64{n}, vals)
	}
	if !dt.IsFloat() {
		return nil, ctx.Errorf("dtype %v is not numeric", dt)
	}
	start, limit, delta := inputs[0].Float64s()[0], inputs[1].Float64s()[0], inputs[2].Float64s()[0]
	if delta == 0 || math.IsNaN(start+limit+delta) {
		return nil, ctx.Errorf("cannot range from %v to %v by %v", start, limit, delta)
	}
	count := max(math.Ceil((limit-start)/delta), 0)
	if count > float64(ir.MaxElements) {
		return nil, ctx.Errorf("range from %v to %v by %v has more than %d elements", start, limit, delta, ir.MaxElements)
	}
	round := roundTo(ir.Float32)
	switch {
	case dt == ir.Float64:
		round = roundTo(ir.Float64)
	case ctx.Node.Version >= 27 && ctx.Node.AttrInt("stash_type", 1) == 0:
		round = roundTo(dt)
	}
	vals := make([]float64, int(count))
	for i := range vals {
		vals[i] = round(round(start) + round(round(float64(i))*round(delta)))
	}
	return fromFloats(ctx, dt, []int64{int64(len(vals))}, vals)
}

// intRangeLen is the element count of an integer range, computed without
// overflow.
func intRangeLen(start, limit, delta int64) (int64, error) {
	var span, step uint64
	switch {
	case delta > 0 && limit > start:
		span, step = uint64(limit)-uint64(start), uint64(delta)
	case delta < 0 && limit < start:
		span, step = uint64(start)-uint64(limit), -uint64(delta)
	case delta == 0:
		return 0, fmt.Errorf("range with delta 0")
	default:
		return 0, nil
	}
	n := (span-1)/step + 1
	if n > uint64(ir.MaxElements) {
		return 0, fmt.Errorf("range from %d to %d by %d has more than %d elements", start, limit, delta, ir.MaxElements)
	}
	return int64(n), nil
}

// roundTo returns the function rounding a float64 to the nearest value of
// the float dtype dt.
func roundTo(dt ir.DType) func(float64) float64 {
	if dt == ir.Float64 {
		return func(v float64) float64 { return v }
	}
	return func(v float64) float64 {
		t, _ := ir.FromFloat64s(dt, nil, []float64{v})
		return t.Float64s()[0]
	}
}

// trilu is Trilu: the upper (j-i >= k) or lower (j-i <= k) triangle of
// the last two dims, zero elsewhere.
func trilu(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	r := len(x.Shape)
	if r < 2 {
		return nil, ctx.Errorf("input of rank %d, want at least 2", r)
	}
	k := int64(0)
	if t := input(inputs, 1); t != nil {
		var err error
		if k, err = scalarInt(ctx, t, "k"); err != nil {
			return nil, err
		}
	}
	upper := ctx.Node.AttrInt("upper", 1) != 0
	z, err := zero(ctx, x.DType)
	if err != nil {
		return nil, err
	}
	st := kernel.Strides(x.Shape)
	return build(ctx, x.Shape, func(c []int64) int {
		d := c[r-1] - c[r-2]
		if upper && d < k || !upper && d > k {
			return x.Len()
		}
		return flatIndex(c, st)
	}, x, z)
}

// eyeLike is EyeLike: a matrix of the input's shape with ones where
// j-i == k, of the dtype attribute or the input's dtype.
func eyeLike(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	if len(x.Shape) != 2 {
		return nil, ctx.Errorf("input of shape %v, want a matrix", x.Shape)
	}
	dt := ir.DType(ctx.Node.AttrInt("dtype", int64(x.DType)))
	k := ctx.Node.AttrInt("k", 0)
	rows, cols := x.Shape[0], x.Shape[1]
	vals := make([]float64, x.Len())
	if k > -rows && k < cols {
		for i := max(0, -k); i < rows && i+k < cols; i++ {
			vals[i*cols+i+k] = 1
		}
	}
	return fromFloats(ctx, dt, x.Shape, vals)
}

// oneHot is OneHot: an output of one more dim (at axis, of size depth)
// holding values[1] where the dim's coordinate equals the index (negative
// ones counting from depth) and values[0] elsewhere, also for indices out
// of range.
func oneHot(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	ind, depthT, values := inputs[0], inputs[1], inputs[2]
	if depthT.Len() != 1 || values.Len() != 2 {
		return nil, ctx.Errorf("depth must hold one value and values two, got shapes %v and %v", depthT.Shape, values.Shape)
	}
	depth := depthT.Int64s()[0]
	if depth < 1 {
		return nil, ctx.Errorf("depth %d, want at least 1", depth)
	}
	r := len(ind.Shape)
	axis, err := normAxis(ctx, ctx.Node.AttrInt("axis", -1), r+1)
	if err != nil {
		return nil, err
	}
	shape := make([]int64, 0, r+1)
	shape = append(append(append(shape, ind.Shape[:axis]...), depth), ind.Shape[axis:]...)
	at := ind.Int64s()
	for i, v := range at {
		if v < 0 {
			at[i] = v + depth
		}
	}
	indSt := kernel.Strides(ind.Shape)
	return build(ctx, shape, func(c []int64) int {
		p := flatIndex(c[:axis], indSt[:axis]) + flatIndex(c[axis+1:], indSt[axis:])
		if at[p] == c[axis] {
			return 1
		}
		return 0
	}, values)
}
