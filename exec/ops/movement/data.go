package movement

import (
	"fmt"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// assemble builds a tensor of the given shape, of the dtype of parts,
// whose i-th flat element is element idx[i] of the flat concatenation of
// parts' data; the parts must share one dtype. This one helper moves the
// elements of every op of the package, for every dtype, strings and bools
// included.
func assemble(ctx *kernel.Context, shape []int64, idx []int, parts ...*ir.Tensor) (*ir.Tensor, error) {
	dt := parts[0].DType
	for _, p := range parts {
		if p.DType != dt {
			return nil, ctx.Errorf("dtype %v mixed with %v", p.DType, dt)
		}
	}
	out, err := ir.NewTensor(dt, shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	if out.Len() != len(idx) {
		return nil, ctx.Errorf("internal: %d source indices for shape %v", len(idx), shape)
	}
	switch d := out.Data.(type) {
	case []float32:
		fill(d, idx, parts)
	case []float64:
		fill(d, idx, parts)
	case []uint16:
		fill(d, idx, parts)
	case []int8:
		fill(d, idx, parts)
	case []int16:
		fill(d, idx, parts)
	case []int32:
		fill(d, idx, parts)
	case []int64:
		fill(d, idx, parts)
	case []uint8:
		fill(d, idx, parts)
	case []uint32:
		fill(d, idx, parts)
	case []uint64:
		fill(d, idx, parts)
	case []bool:
		fill(d, idx, parts)
	case []string:
		fill(d, idx, parts)
	case []complex64:
		fill(d, idx, parts)
	case []complex128:
		fill(d, idx, parts)
	default:
		return nil, ctx.Errorf("cannot move elements of dtype %v", dt)
	}
	return out, nil
}

// fill sets dst[i] to element idx[i] of the concatenated data of parts.
func fill[T any](dst []T, idx []int, parts []*ir.Tensor) {
	var all []T
	if len(parts) == 1 {
		all = parts[0].Data.([]T)
	} else {
		for _, p := range parts {
			all = append(all, p.Data.([]T)...)
		}
	}
	for i, s := range idx {
		dst[i] = all[s]
	}
}

// build builds a tensor of the given shape, of the dtype of parts, whose
// element at multi-index coord is element src(coord) of the flat
// concatenation of parts' data (see assemble). coord is reused between
// calls and must not be kept.
func build(ctx *kernel.Context, shape []int64, src func(coord []int64) int, parts ...*ir.Tensor) (*ir.Tensor, error) {
	idx, err := mapIndices(shape, src)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return assemble(ctx, shape, idx, parts...)
}

// mapIndices returns, for every element of a tensor of shape out in
// row-major order, src(coord) where coord is the element's multi-index.
// coord is reused between calls and must not be kept.
func mapIndices(out []int64, src func(coord []int64) int) ([]int, error) {
	n, err := ir.NumElements(out)
	if err != nil {
		return nil, err
	}
	idx := make([]int, 0, n)
	eachIndex(out, func(c []int64) { idx = append(idx, src(c)) })
	return idx, nil
}

// eachIndex calls f with the multi-index of every element of a tensor of
// the given (already size-checked) shape, in row-major order. The slice is
// reused between calls and must not be kept.
func eachIndex(shape []int64, f func(coord []int64)) {
	for _, d := range shape {
		if d == 0 {
			return
		}
	}
	coord := make([]int64, len(shape))
	for {
		f(coord)
		d := len(shape) - 1
		for ; d >= 0; d-- {
			coord[d]++
			if coord[d] < shape[d] {
				break
			}
			coord[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// strided returns the source of a strided view: element coord comes from
// offset + sum(coord[d]*strides[d]).
func strided(offset int64, strides []int64) func(coord []int64) int {
	return func(coord []int64) int { return int(offset) + flatIndex(coord, strides) }
}

// flatIndex returns the row-major flat index of coord in a tensor with the
// given strides.
func flatIndex(coord, strides []int64) int {
	p := int64(0)
	for d, c := range coord {
		p += c * strides[d]
	}
	return int(p)
}

// ints reads an integer tensor (int32 or int64, as the index and shape
// inputs of ONNX are) as int64 values; what names the input in errors.
// The result may share t's data and must not be modified.
func ints(ctx *kernel.Context, t *ir.Tensor, what string) ([]int64, error) {
	if t == nil {
		return nil, ctx.Errorf("%s is missing", what)
	}
	switch d := t.Data.(type) {
	case []int64:
		return d, nil
	case []int32:
		return t.Int64s(), nil
	}
	return nil, ctx.Errorf("%s must be int32 or int64, got %v", what, t.DType)
}

// scalarInt reads a one-element integer tensor.
func scalarInt(ctx *kernel.Context, t *ir.Tensor, what string) (int64, error) {
	v, err := ints(ctx, t, what)
	if err != nil {
		return 0, err
	}
	if len(v) != 1 {
		return 0, ctx.Errorf("%s must hold one value, got shape %v", what, t.Shape)
	}
	return v[0], nil
}

// wrapIndex resolves a possibly negative index into [0, dim).
func wrapIndex(i, dim int64) (int64, error) {
	if i < -dim || i >= dim {
		return 0, fmt.Errorf("index %d out of range [%d, %d)", i, -dim, dim)
	}
	if i < 0 {
		i += dim
	}
	return i, nil
}

// normAxis resolves a possibly negative axis against rank, naming the node
// on error.
func normAxis(ctx *kernel.Context, axis int64, rank int) (int, error) {
	a, err := kernel.NormAxis(axis, rank)
	if err != nil {
		return 0, ctx.Errorf("%v", err)
	}
	return a, nil
}

// normAxes resolves a list of possibly negative axes against rank.
func normAxes(ctx *kernel.Context, axes []int64, rank int) ([]int, error) {
	a, err := kernel.NormAxes(axes, rank)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return a, nil
}

// input returns inputs[i], or nil when the slot is absent.
func input(inputs []*ir.Tensor, i int) *ir.Tensor {
	if i < len(inputs) {
		return inputs[i]
	}
	return nil
}

// need checks that the first n inputs are present.
func need(ctx *kernel.Context, inputs []*ir.Tensor, n int) error {
	for i := 0; i < n; i++ {
		if input(inputs, i) == nil {
			return ctx.Errorf("input %d is missing", i)
		}
	}
	return nil
}

// reshaped is t.Reshaped with the error naming the node.
func reshaped(ctx *kernel.Context, t *ir.Tensor, shape []int64) (*ir.Tensor, error) {
	out, err := t.Reshaped(shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return out, nil
}

// needs wraps a kernel so that it first checks that its first n inputs
// are present.
func needs(n int, f kernel.Func) kernel.Func {
	return func(ctx *kernel.Context, inputs []*ir.Tensor) ([]*ir.Tensor, error) {
		if err := need(ctx, inputs, n); err != nil {
			return nil, err
		}
		return f(ctx, inputs)
	}
}

// checked is needs for a kernel with one output.
func checked(n int, f func(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error)) kernel.Func {
	return needs(n, kernel.Single(f))
}

// indices reads an index tensor (int32 or int64) and resolves each value,
// possibly negative, into [0, dim(i)) where i is the value's flat
// position; an index out of range is an error.
func indices(ctx *kernel.Context, t *ir.Tensor, what string, dim func(i int) int64) ([]int64, error) {
	v, err := ints(ctx, t, what)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(v))
	for i, x := range v {
		if out[i], err = wrapIndex(x, dim(i)); err != nil {
			return nil, ctx.Errorf("%s: %v", what, err)
		}
	}
	return out, nil
}

// zero returns a scalar zero of dtype dt (false, "").
func zero(ctx *kernel.Context, dt ir.DType) (*ir.Tensor, error) {
	t, err := ir.NewTensor(dt, nil)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return t, nil
}

// fromFloats is ir.FromFloat64s with the error naming the node.
func fromFloats(ctx *kernel.Context, dt ir.DType, shape []int64, vals []float64) (*ir.Tensor, error) {
	t, err := ir.FromFloat64s(dt, shape, vals)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return t, nil
}
