package movement

import (
	"fmt"
	"slices"
	"sort"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// concat is Concat: the inputs joined along axis (default 1 before opset 4).
func concat(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	if len(inputs) == 0 {
		return nil, ctx.Errorf("needs at least one input")
	}
	if err := need(ctx, inputs, len(inputs)); err != nil {
		return nil, err
	}
	first := inputs[0]
	r := len(first.Shape)
	def := int64(1)
	if ctx.Node.Version >= 4 {
		def = 0
		if ctx.Node.Attr("axis") == nil {
			return nil, ctx.Errorf("axis is required")
		}
	}
	axis, err := normAxis(ctx, ctx.Node.AttrInt("axis", def), r)
	if err != nil {
		return nil, err
	}
	shape := slices.Clone(first.Shape)
	shape[axis] = 0
	for _, t := range inputs {
		if len(t.Shape) != r {
			return nil, ctx.Errorf("inputs of ranks %d and %d", r, len(t.Shape))
		}
		for d := range t.Shape {
			if d != axis && t.Shape[d] != first.Shape[d] {
				return nil, ctx.Errorf("shapes %v and %v differ off axis %d", first.Shape, t.Shape, axis)
			}
		}
		shape[axis] += t.Shape[axis]
	}
	// Input p starts at start[p] along the axis of the output and at
	// base[p] in the concatenated data.
	start := make([]int64, len(inputs)+1)
	base := make([]int, len(inputs))
	strides := make([][]int64, len(inputs))
	for p, t := range inputs {
		start[p+1] = start[p] + t.Shape[axis]
		if p > 0 {
			base[p] = base[p-1] + inputs[p-1].Len()
		}
		strides[p] = kernel.Strides(t.Shape)
	}
	return build(ctx, shape, func(c []int64) int {
		p := sort.Search(len(inputs), func(p int) bool { return start[p+1] > c[axis] })
		return base[p] + flatIndex(c, strides[p]) - int(start[p]*strides[p][axis])
	}, inputs...)
}

// split is Split: the input cut along axis into the sizes given by the
// split attribute (opsets 1 to 11) or input (1, 13 on), or else into equal
// parts, one per output; from opset 18 num_outputs parts of ceil(dim/n)
// elements, the last one smaller.
func split(ctx *kernel.Context, inputs []*ir.Tensor) ([]*ir.Tensor, error) {
	x := inputs[0]
	axis, err := normAxis(ctx, ctx.Node.AttrInt("axis", 0), len(x.Shape))
	if err != nil {
		return nil, err
	}
	dim := x.Shape[axis]
	sizes, given := ctx.Node.AttrInts("split")
	if v := ctx.Node.Version; v == 1 || v >= 13 {
		if t := input(inputs, 1); t != nil {
			if sizes, err = ints(ctx, t, "split"); err != nil {
				return nil, err
			}
			given = true
		}
	}
	if !given {
		n := ctx.Node.AttrInt("num_outputs", int64(len(ctx.Node.Outputs)))
		if n != int64(len(ctx.Node.Outputs)) {
			return nil, ctx.Errorf("num_outputs %d for %d outputs", n, len(ctx.Node.Outputs))
		}
		if sizes, err = equalParts(dim, n, ctx.Node.Version >= 18); err != nil {
			return nil, ctx.Errorf("%v", err)
		}
	}
	if len(sizes) != len(ctx.Node.Outputs) {
		return nil, ctx.Errorf("%d parts for %d outputs", len(sizes), len(ctx.Node.Outputs))
	}
	total := int64(0)
	for _, s := range sizes {
		if s < 0 {
			return nil, ctx.Errorf("negative split size in %v", sizes)
		}
		total += s
	}
	if total != dim {
		return nil, ctx.Errorf("split %v does not add up to dim %d of shape %v", sizes, dim, x.Shape)
	}
	outs := make([]*ir.Tensor, len(sizes))
	start := int64(0)
	for i, s := range sizes {
		if outs[i], err = sliceAxis(ctx, x, axis, start, s); err != nil {
			return nil, err
		}
		start += s
	}
	return outs, nil
}

// equalParts cuts dim into n parts: equal ones, or when uneven is allowed
// parts of ceil(dim/n) with a smaller last one.
func equalParts(dim, n int64, uneven bool) ([]int64, error) {
	if n <= 0 {
		return nil, fmt.Errorf("cannot split into %d parts", n)
	}
	chunk := dim / n
	if dim%n != 0 {
		if !uneven {
			return nil, fmt.Errorf("dim %d does not split into %d equal parts", dim, n)
		}
		chunk = (dim + n - 1) / n
	}
	sizes := make([]int64, n)
	for i := range sizes {
		sizes[i] = min(chunk, max(dim-int64(i)*chunk, 0))
	}
	return sizes, nil
}

// sliceAxis returns elements [start, start+n) of x along axis.
func sliceAxis(ctx *kernel.Context, x *ir.Tensor, axis int, start, n int64) (*ir.Tensor, error) {
	st := kernel.Strides(x.Shape)
	shape := slices.Clone(x.Shape)
	shape[axis] = n
	return build(ctx, shape, strided(start*st[axis], st), x)
}
