package movement

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// blocks reads the blocksize attribute and checks that x is 4-D.
func blocks(ctx *kernel.Context, x *ir.Tensor) (int64, error) {
	b := ctx.Node.AttrInt("blocksize", 0)
	if b < 1 || b > 1<<17 { // a block of b² elements fits ir.MaxElements
		return 0, ctx.Errorf("blocksize %d, want 1 to %d", b, 1<<17)
	}
	if len(x.Shape) != 4 {
		return 0, ctx.Errorf("input of shape %v, want [N, C, H, W]", x.Shape)
	}
	return b, nil
}

// depthToSpace is DepthToSpace: [N, C, H, W] to [N, C/b², H·b, W·b].
// Output (n, c, h·b+i, w·b+j) comes from channel (i·b+j)·C/b² + c in DCR
// mode (the default) and c·b² + i·b + j in CRD mode.
func depthToSpace(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	b, err := blocks(ctx, x)
	if err != nil {
		return nil, err
	}
	if x.Shape[1]%(b*b) != 0 {
		return nil, ctx.Errorf("channels %d not divisible by blocksize² %d", x.Shape[1], b*b)
	}
	crd := ctx.Node.AttrString("mode", "DCR") == "CRD"
	c := x.Shape[1] / (b * b)
	shape := []int64{x.Shape[0], c, x.Shape[2] * b, x.Shape[3] * b}
	st := kernel.Strides(x.Shape)
	return build(ctx, shape, func(o []int64) int {
		i, j := o[2]%b, o[3]%b
		ch := (i*b+j)*c + o[1]
		if crd {
			ch = o[1]*b*b + i*b + j
		}
		return flatIndex([]int64{o[0], ch, o[2] / b, o[3] / b}, st)
	}, x)
}

// spaceToDepth is SpaceToDepth, the inverse of DCR DepthToSpace:
// [N, C, H, W] to [N, C·b², H/b, W/b].
func spaceToDepth(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	b, err := blocks(ctx, x)
	if err != nil {
		return nil, err
	}
	if x.Shape[2]%b != 0 || x.Shape[3]%b != 0 {
		return nil, ctx.Errorf("spatial dims of %v not divisible by blocksize %d", x.Shape, b)
	}
	c := x.Shape[1]
	shape := []int64{x.Shape[0], c * b * b, x.Shape[2] / b, x.Shape[3] / b}
	st := kernel.Strides(x.Shape)
	return build(ctx, shape, func(o []int64) int {
		i, j := o[1]/(b*c), o[1]/c%b
		return flatIndex([]int64{o[0], o[1] % c, o[2]*b + i, o[3]*b + j}, st)
	}, x)
}

// compress is Compress: the slices along axis (of the flattened input
// when axis is absent) whose condition entry is true; a condition shorter
// than the dim counts as false beyond its end.
func compress(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x, cond := inputs[0], inputs[1]
	if cond.DType != ir.Bool || len(cond.Shape) != 1 {
		return nil, ctx.Errorf("condition must be a 1-D bool tensor, got %v%v", cond.DType, cond.Shape)
	}
	axis := 0
	if a := ctx.Node.Attr("axis"); a != nil {
		var err error
		if axis, err = normAxis(ctx, a.Int, len(x.Shape)); err != nil {
			return nil, err
		}
	} else {
		x = &ir.Tensor{DType: x.DType, Shape: []int64{int64(x.Len())}, Data: x.Data}
	}
	var keep []int64
	for i, v := range cond.Data.([]bool) {
		if v {
			if int64(i) >= x.Shape[axis] {
				return nil, ctx.Errorf("condition selects index %d of a dim of %d", i, x.Shape[axis])
			}
			keep = append(keep, int64(i))
		}
	}
	shape := slices.Clone(x.Shape)
	shape[axis] = int64(len(keep))
	st := kernel.Strides(x.Shape)
	return build(ctx, shape, func(c []int64) int {
		return flatIndex(c, st) + int((keep[c[axis]]-c[axis])*st[axis])
	}, x)
}

// nonZero is NonZero: the coordinates of the non-zero elements (non-empty
// strings, true bools) as an int64 [rank, count] tensor, in row-major order.
func nonZero(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	var flat []int64
	for i, v := range nonZeros(x) {
		if v {
			flat = append(flat, int64(i))
		}
	}
	r, n := len(x.Shape), len(flat)
	st := kernel.Strides(x.Shape)
	out := make([]int64, r*n)
	for k, f := range flat {
		for d := range r {
			out[d*n+k] = f / st[d]
			f %= st[d]
		}
	}
	return &ir.Tensor{DType: ir.Int64, Shape: []int64{int64(r), int64(n)}, Data: out}, nil
}

// nonZeros says which elements of t are non-zero (for strings: non-empty).
func nonZeros(t *ir.Tensor) []bool {
	set := make([]bool, t.Len())
	switch d := t.Data.(type) {
	case []string:
		for i, v := range d {
			set[i] = v != ""
		}
	case []complex64:
		for i, v := range d {
			set[i] = v != 0
		}
	case []complex128:
		for i, v := range d {
			set[i] = v != 0
		}
	default:
		for i, v := range t.Float64s() {
			set[i] = v != 0
		}
	}
	return set
}

// reverseSequence is ReverseSequence: for every batch entry b, the first
// sequence_lens[b] elements along the time axis in reverse order, the rest
// unchanged.
func reverseSequence(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	lens, err := ints(ctx, inputs[1], "sequence_lens")
	if err != nil {
		return nil, err
	}
	r := len(x.Shape)
	if r < 2 {
		return nil, ctx.Errorf("input of rank %d, want at least 2", r)
	}
	timeAxis, err := normAxis(ctx, ctx.Node.AttrInt("time_axis", 0), r)
	if err != nil {
		return nil, err
	}
	batchAxis, err := normAxis(ctx, ctx.Node.AttrInt("batch_axis", 1), r)
	if err != nil {
		return nil, err
	}
	if timeAxis == batchAxis || int64(len(lens)) != x.Shape[batchAxis] {
		return nil, ctx.Errorf("time axis %d, batch axis %d and %d sequence lengths for shape %v",
			timeAxis, batchAxis, len(lens), x.Shape)
	}
	for _, n := range lens {
		if n < 0 || n > x.Shape[timeAxis] {
			return nil, ctx.Errorf("sequence length %d outside [0, %d]", n, x.Shape[timeAxis])
		}
	}
	st := kernel.Strides(x.Shape)
	return build(ctx, x.Shape, func(c []int64) int {
		p := flatIndex(c, st)
		if n, t := lens[c[batchAxis]], c[timeAxis]; t < n {
			p += int((n - 1 - 2*t) * st[timeAxis])
		}
		return p
	}, x)
}
