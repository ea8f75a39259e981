package movement

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// gather is Gather: slices of data along axis picked by indices; the
// output shape is data.shape[:axis] + indices.shape + data.shape[axis+1:].
func gather(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	data, ind := inputs[0], inputs[1]
	r, q := len(data.Shape), len(ind.Shape)
	axis, err := normAxis(ctx, ctx.Node.AttrInt("axis", 0), r)
	if err != nil {
		return nil, err
	}
	at, err := indices(ctx, ind, "indices", func(int) int64 { return data.Shape[axis] })
	if err != nil {
		return nil, err
	}
	shape := slices.Concat(data.Shape[:axis], ind.Shape, data.Shape[axis+1:])
	st := kernel.Strides(data.Shape)
	indSt := kernel.Strides(ind.Shape)
	return build(ctx, shape, func(c []int64) int {
		k := at[flatIndex(c[axis:axis+q], indSt)]
		return flatIndex(c[:axis], st[:axis]) + int(k*st[axis]) + flatIndex(c[axis+q:], st[axis+1:])
	}, data)
}

// gatherElements is GatherElements: output element c is data at c with
// its axis coordinate replaced by indices[c].
func gatherElements(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	data, ind := inputs[0], inputs[1]
	axis, err := elementsAxis(ctx, data, ind, "indices")
	if err != nil {
		return nil, err
	}
	at, err := indices(ctx, ind, "indices", func(int) int64 { return data.Shape[axis] })
	if err != nil {
		return nil, err
	}
	return build(ctx, ind.Shape, elementsSource(ind.Shape, kernel.Strides(data.Shape), axis, at), data)
}

// elementsAxis checks the indices of GatherElements/ScatterElements
// against data: same rank, no larger than data off the axis. It returns
// the normalized axis.
func elementsAxis(ctx *kernel.Context, data, ind *ir.Tensor, what string) (int, error) {
	axis, err := normAxis(ctx, ctx.Node.AttrInt("axis", 0), len(data.Shape))
	if err != nil {
		return 0, err
	}
	if len(ind.Shape) != len(data.Shape) {
		return 0, ctx.Errorf("%s of shape %v for data of shape %v: ranks differ", what, ind.Shape, data.Shape)
	}
	for d := range ind.Shape {
		if d != axis && ind.Shape[d] > data.Shape[d] {
			return 0, ctx.Errorf("%s of shape %v exceed data of shape %v on axis %d", what, ind.Shape, data.Shape, d)
		}
	}
	return axis, nil
}

// elementsSource maps a position c of an indices tensor of the given shape
// to the flat index in data (of strides st) of c with its axis coordinate
// replaced by the resolved index at[c].
func elementsSource(shape, st []int64, axis int, at []int64) func(c []int64) int {
	indSt := kernel.Strides(shape)
	return func(c []int64) int {
		return flatIndex(c, st) + int((at[flatIndex(c, indSt)]-c[axis])*st[axis])
	}
}

// ndIndex describes the index tuples of GatherND/ScatterND: indices of
// shape [b..., m..., k] address slices of data of shape [b..., k dims,
// slice...] where the first batch dims are shared.
type ndIndex struct {
	batch int     // batch_dims
	k     int     // tuple length
	at    []int64 // resolved tuple entries, k per tuple
	// tuples is indices.shape[:q-1]; slice is data.shape[batch+k:].
	tuples, slice []int64
}

// readND checks and resolves the indices of GatherND/ScatterND.
func readND(ctx *kernel.Context, data, ind *ir.Tensor, batch int) (*ndIndex, error) {
	r, q := len(data.Shape), len(ind.Shape)
	if q < 1 || batch < 0 || batch >= q || batch > r {
		return nil, ctx.Errorf("batch_dims %d for data of shape %v and indices of shape %v", batch, data.Shape, ind.Shape)
	}
	k := int(ind.Shape[q-1])
	if k < 1 || batch+k > r {
		return nil, ctx.Errorf("index tuples of length %d for data of shape %v (batch_dims %d)", k, data.Shape, batch)
	}
	if !slices.Equal(data.Shape[:batch], ind.Shape[:batch]) {
		return nil, ctx.Errorf("batch dims of data %v and indices %v differ", data.Shape, ind.Shape)
	}
	at, err := indices(ctx, ind, "indices", func(i int) int64 { return data.Shape[batch+i%k] })
	if err != nil {
		return nil, err
	}
	return &ndIndex{batch: batch, k: k, at: at, tuples: ind.Shape[:q-1], slice: data.Shape[batch+k:]}, nil
}

// source returns the flat index in data (of strides st) of element s of
// the slice addressed by tuple t (flat position in tuples).
func (nd *ndIndex) source(st []int64, t int, tupleCoord []int64, s []int64) int {
	p := flatIndex(tupleCoord[:nd.batch], st[:nd.batch])
	for j, v := range nd.at[t*nd.k : (t+1)*nd.k] {
		p += int(v * st[nd.batch+j])
	}
	return p + flatIndex(s, st[nd.batch+nd.k:])
}

// gatherND is GatherND: output [tuples..., slice...] holds the slices of
// data addressed by the index tuples.
func gatherND(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	data, ind := inputs[0], inputs[1]
	nd, err := readND(ctx, data, ind, int(ctx.Node.AttrInt("batch_dims", 0)))
	if err != nil {
		return nil, err
	}
	shape := slices.Concat(nd.tuples, nd.slice)
	st := kernel.Strides(data.Shape)
	tupleSt := kernel.Strides(nd.tuples)
	q := len(nd.tuples)
	return build(ctx, shape, func(c []int64) int {
		return nd.source(st, flatIndex(c[:q], tupleSt), c[:q], c[q:])
	}, data)
}
