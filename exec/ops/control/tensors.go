package control

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// appendRun appends data[from:from+n] to dst (slices of the same type).
func appendRun(dst reflect.Value, data any, from, n int) reflect.Value {
	return reflect.AppendSlice(dst, reflect.ValueOf(data).Slice(from, from+n))
}

// index returns t[k] along axis: the sub-tensor without that axis.
func index(t *ir.Tensor, axis, k int) *ir.Tensor {
	outer := int(kernel.Product(t.Shape, 0, axis))
	n := int(t.Shape[axis])
	inner := int(kernel.Product(t.Shape, axis+1, t.Rank()))
	data := reflect.MakeSlice(reflect.TypeOf(t.Data), 0, outer*inner)
	for o := 0; o < outer; o++ {
		data = appendRun(data, t.Data, (o*n+k)*inner, inner)
	}
	shape := slices.Delete(slices.Clone(t.Shape), axis, axis+1)
	return &ir.Tensor{DType: t.DType, Shape: shape, Data: data.Interface()}
}

// stack joins tensors of one dtype and shape along a new axis. With no
// tensors, it returns an empty tensor shaped like like's declared type
// (its unknown dims taken as 0).
func stack(ts []*ir.Tensor, axis int, like *ir.Value) (*ir.Tensor, error) {
	if len(ts) == 0 {
		elem := make([]int64, len(like.Shape.Dims))
		for i, d := range like.Shape.Dims {
			if d.Known() {
				elem[i] = d.Size
			}
		}
		if axis > len(elem) {
			axis = len(elem)
		}
		return ir.NewTensor(like.DType, slices.Insert(elem, axis, 0))
	}
	first := ts[0]
	for _, t := range ts[1:] {
		if t.DType != first.DType || !slices.Equal(t.Shape, first.Shape) {
			return nil, fmt.Errorf("iterations produced %v%v and %v%v, which cannot be stacked",
				first.DType, first.Shape, t.DType, t.Shape)
		}
	}
	shape := slices.Insert(slices.Clone(first.Shape), axis, int64(len(ts)))
	n, err := ir.NumElements(shape)
	if err != nil {
		return nil, err
	}
	outer := int(kernel.Product(first.Shape, 0, axis))
	inner := int(kernel.Product(first.Shape, axis, first.Rank()))
	data := reflect.MakeSlice(reflect.TypeOf(first.Data), 0, int(n))
	for o := 0; o < outer; o++ {
		for _, t := range ts {
			data = appendRun(data, t.Data, o*inner, inner)
		}
	}
	return &ir.Tensor{DType: first.DType, Shape: shape, Data: data.Interface()}, nil
}

// graphAttr returns the node's graph attribute name, or an error naming it.
func graphAttr(ctx *kernel.Context, name string) (*ir.Graph, error) {
	a := ctx.Node.Attr(name)
	if a == nil || a.Graph == nil {
		return nil, ctx.Errorf("missing graph attribute %q", name)
	}
	return a.Graph, nil
}

// scalarBool reads a one-element tensor as a condition.
func scalarBool(ctx *kernel.Context, what string, t *ir.Tensor) (bool, error) {
	if t == nil || t.Len() != 1 {
		return false, ctx.Errorf("%s must hold exactly one element, got %v", what, t)
	}
	return t.Bools()[0], nil
}

// allPresent checks that none of the inputs from index first on is omitted.
func allPresent(ctx *kernel.Context, in []*ir.Tensor, first int) error {
	for i := first; i < len(in); i++ {
		if in[i] == nil {
			return ctx.Errorf("input %d is missing", i)
		}
	}
	return nil
}
