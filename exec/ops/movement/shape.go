package movement

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// identity returns its input unchanged (kernels never mutate, so the
// tensor itself can be shared).
func identity(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	return inputs[0], nil
}

// dropout is Dropout. Before opset 12 the runtime is in inference mode and
// the output is the input. From 12 the training_mode input selects a
// random dropout, scaled by 1/(1-ratio), drawn from an MT19937 generator
// (numpy's) seeded by the seed attribute; with ratio 0 or not training
// nothing is dropped. The mask output is bool from opset 10, the input's
// dtype before.
func dropout(ctx *kernel.Context, inputs []*ir.Tensor) ([]*ir.Tensor, error) {
	x := inputs[0]
	training, ratio := false, 0.5
	if ctx.Node.Version >= 12 {
		if r := input(inputs, 1); r != nil {
			if r.Len() != 1 {
				return nil, ctx.Errorf("ratio must be a scalar, got shape %v", r.Shape)
			}
			ratio = r.Float64s()[0]
		}
		if tm := input(inputs, 2); tm != nil {
			if tm.Len() != 1 {
				return nil, ctx.Errorf("training_mode must be a scalar, got shape %v", tm.Shape)
			}
			training = tm.Bools()[0]
		}
	}
	if ratio < 0 || ratio >= 1 {
		return nil, ctx.Errorf("ratio %v outside [0, 1)", ratio)
	}
	keep := make([]bool, x.Len())
	for i := range keep {
		keep[i] = true
	}
	y := x
	if training && ratio > 0 {
		rng := newMT19937(uint32(ctx.Node.AttrInt("seed", 0)))
		vals := x.Float64s()
		scale := 1 / (1 - ratio)
		for i := range keep {
			keep[i] = rng.float64() >= ratio
			if keep[i] {
				vals[i] *= scale
			} else {
				vals[i] = 0
			}
		}
		var err error
		if y, err = fromFloats(ctx, x.DType, x.Shape, vals); err != nil {
			return nil, err
		}
	}
	if len(ctx.Node.Outputs) < 2 {
		return []*ir.Tensor{y}, nil
	}
	mask := &ir.Tensor{DType: ir.Bool, Shape: slices.Clone(x.Shape), Data: keep}
	if ctx.Node.Version < 10 {
		ones := make([]float64, len(keep))
		for i := range ones {
			ones[i] = 1
		}
		var err error
		if mask, err = fromFloats(ctx, x.DType, x.Shape, ones); err != nil {
			return nil, err
		}
	}
	return []*ir.Tensor{y, mask}, nil
}

// reshape is Reshape: the target shape comes from the shape attribute
// (opset 1) or the shape input; 0 copies the input's dim unless allowzero
// is set (opset 14), and one -1 takes what is left.
func reshape(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	var target []int64
	if ctx.Node.Version < 5 {
		target, _ = ctx.Node.AttrInts("shape")
	} else {
		var err error
		if target, err = ints(ctx, input(inputs, 1), "shape"); err != nil {
			return nil, err
		}
	}
	allowZero := ctx.Node.AttrInt("allowzero", 0) != 0
	out := slices.Clone(target)
	infer := -1
	known := int64(1)
	for i, d := range out {
		switch {
		case d == 0 && !allowZero:
			if i >= len(x.Shape) {
				return nil, ctx.Errorf("shape %v copies dim %d of a rank-%d input", target, i, len(x.Shape))
			}
			out[i] = x.Shape[i]
		case d == -1:
			if infer >= 0 {
				return nil, ctx.Errorf("shape %v has more than one -1", target)
			}
			infer = i
			continue
		case d < 0:
			return nil, ctx.Errorf("invalid dim %d in shape %v", d, target)
		}
		known *= out[i]
	}
	if infer >= 0 {
		n := int64(x.Len())
		if known == 0 || n%known != 0 {
			return nil, ctx.Errorf("cannot reshape %v to %v", x.Shape, target)
		}
		out[infer] = n / known
	}
	return reshaped(ctx, x, out)
}

// flatten is Flatten: [d0..d(axis-1), d(axis)..] becomes a matrix.
func flatten(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	r := len(x.Shape)
	axis := ctx.Node.AttrInt("axis", 1)
	if axis < 0 {
		axis += int64(r)
	}
	if axis < 0 || axis > int64(r) {
		return nil, ctx.Errorf("axis %d out of range for rank %d", ctx.Node.AttrInt("axis", 1), r)
	}
	a := int(axis)
	return reshaped(ctx, x, []int64{kernel.Product(x.Shape, 0, a), kernel.Product(x.Shape, a, r)})
}

// axesOf reads the axes of Squeeze/Unsqueeze: an attribute before opset
// 13, the optional input 1 from 13. ok is false when none are given.
func axesOf(ctx *kernel.Context, inputs []*ir.Tensor) (axes []int64, ok bool, err error) {
	if ctx.Node.Version < 13 {
		axes, ok = ctx.Node.AttrInts("axes")
		return axes, ok, nil
	}
	t := input(inputs, 1)
	if t == nil {
		return nil, false, nil
	}
	axes, err = ints(ctx, t, "axes")
	return axes, err == nil, err
}

// squeeze is Squeeze: it drops the given size-1 axes, or every size-1 axis
// when none are given.
func squeeze(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	axes, given, err := axesOf(ctx, inputs)
	if err != nil {
		return nil, err
	}
	drop := make([]bool, len(x.Shape))
	if given {
		norm, err := normAxes(ctx, axes, len(x.Shape))
		if err != nil {
			return nil, err
		}
		for _, a := range norm {
			if x.Shape[a] != 1 {
				return nil, ctx.Errorf("cannot squeeze axis %d of size %d (shape %v)", a, x.Shape[a], x.Shape)
			}
			drop[a] = true
		}
	} else {
		for i, d := range x.Shape {
			drop[i] = d == 1
		}
	}
	var out []int64
	for i, d := range x.Shape {
		if !drop[i] {
			out = append(out, d)
		}
	}
	return reshaped(ctx, x, out)
}

// unsqueeze is Unsqueeze: it inserts size-1 axes at the given positions of
// the output.
func unsqueeze(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	axes, given, err := axesOf(ctx, inputs)
	if err != nil {
		return nil, err
	}
	if !given {
		return nil, ctx.Errorf("axes are required")
	}
	r := len(x.Shape) + len(axes)
	norm, err := normAxes(ctx, axes, r)
	if err != nil {
		return nil, err
	}
	out := make([]int64, r)
	for _, a := range norm {
		out[a] = 1
	}
	next := 0
	for i := range out {
		if out[i] == 0 {
			out[i] = x.Shape[next]
			next++
		}
	}
	return reshaped(ctx, x, out)
}

// shapeOf is Shape: the input's dims as int64, sliced by start and end
// (opset 15), which clamp to the rank.
func shapeOf(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	r := int64(len(x.Shape))
	clamp := func(v int64) int64 {
		if v < 0 {
			v += r
		}
		return min(max(v, 0), r)
	}
	start := clamp(ctx.Node.AttrInt("start", 0))
	end := clamp(ctx.Node.AttrInt("end", r))
	dims := slices.Clone(x.Shape[start:max(start, end)])
	return &ir.Tensor{DType: ir.Int64, Shape: []int64{int64(len(dims))}, Data: dims}, nil
}

// size is Size: the element count as an int64 scalar.
func size(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	return &ir.Tensor{DType: ir.Int64, Shape: []int64{}, Data: []int64{int64(inputs[0].Len())}}, nil
}

// transpose is Transpose: output dim i is input dim perm[i]; perm defaults
// to reversing the dims.
func transpose(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	r := len(x.Shape)
	perm, ok := ctx.Node.AttrInts("perm")
	if !ok {
		perm = make([]int64, r)
		for i := range perm {
			perm[i] = int64(r - 1 - i)
		}
	}
	if len(perm) != r {
		return nil, ctx.Errorf("perm %v does not match rank %d", perm, r)
	}
	p, err := normAxes(ctx, perm, r)
	if err != nil {
		return nil, err
	}
	in := kernel.Strides(x.Shape)
	shape := make([]int64, r)
	st := make([]int64, r)
	for i, a := range p {
		shape[i] = x.Shape[a]
		st[i] = in[a]
	}
	return build(ctx, shape, strided(0, st), x)
}
