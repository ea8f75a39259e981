package movement

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// pad is Pad: pads (begin values for every padded axis, then end values;
// negative ones crop) come from the paddings (opset 1) or pads (2) attribute
// or the pads input (11 on), over all axes or, from 18, the axes input.
// Mode constant fills with the value attribute (before 11) or the
// constant_value input (zero when absent); reflect mirrors without
// repeating the edge, edge repeats it, wrap (19) wraps around.
func pad(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	r := len(x.Shape)
	value, err := zero(ctx, x.DType)
	if err != nil {
		return nil, err
	}
	var pads []int64
	axes := make([]int, r)
	for i := range axes {
		axes[i] = i
	}
	if ctx.Node.Version < 11 {
		name := "pads"
		if ctx.Node.Version < 2 {
			name = "paddings"
		}
		pads, _ = ctx.Node.AttrInts(name)
		if value, err = fromFloats(ctx, x.DType, nil, []float64{float64(ctx.Node.AttrFloat("value", 0))}); err != nil {
			return nil, err
		}
	} else {
		if pads, err = ints(ctx, input(inputs, 1), "pads"); err != nil {
			return nil, err
		}
		if v := input(inputs, 2); v != nil && v.Len() > 0 {
			if value, err = assemble(ctx, nil, []int{0}, v); err != nil {
				return nil, err
			}
		}
		if a := input(inputs, 3); a != nil {
			list, err := ints(ctx, a, "axes")
			if err != nil {
				return nil, err
			}
			if axes, err = normAxes(ctx, list, r); err != nil {
				return nil, err
			}
		}
	}
	if len(pads) != 2*len(axes) {
		return nil, ctx.Errorf("%d pads for %d axes", len(pads), len(axes))
	}
	begin := make([]int64, r)
	shape := slices.Clone(x.Shape)
	for i, a := range axes {
		if p, q := pads[i], pads[i+len(axes)]; max(p, q, -p, -q) > ir.MaxElements {
			return nil, ctx.Errorf("pads %v exceed %d", pads, ir.MaxElements)
		}
		begin[a] = pads[i]
		shape[a] += pads[i] + pads[i+len(axes)]
		if shape[a] < 0 {
			return nil, ctx.Errorf("pads %v crop more than dim %d of shape %v", pads, a, x.Shape)
		}
	}
	mode := ctx.Node.AttrString("mode", "constant")
	var fold func(i, n int64) int64
	switch mode {
	case "constant":
	case "edge":
		fold = func(i, n int64) int64 { return min(max(i, 0), n-1) }
	case "reflect":
		fold = reflect
	case "wrap":
		fold = func(i, n int64) int64 { return (i%n + n) % n }
	default:
		return nil, ctx.Errorf("unknown mode %q", mode)
	}
	if fold != nil {
		for d, n := range x.Shape {
			if n == 0 && shape[d] > 0 {
				return nil, ctx.Errorf("cannot pad empty axis %d in %s mode", d, mode)
			}
		}
	}
	return window(ctx, x, shape, begin, fold, value)
}

// window returns a tensor of the given shape whose element c is x at
// c-begin; where that falls outside x, fold maps the coordinate back into
// the dim, or with fold nil the element is value's only element.
func window(ctx *kernel.Context, x *ir.Tensor, shape, begin []int64, fold func(i, n int64) int64, value *ir.Tensor) (*ir.Tensor, error) {
	st := kernel.Strides(x.Shape)
	outside := x.Len() // the index of value after x's data
	return build(ctx, shape, func(c []int64) int {
		p := int64(0)
		for d, v := range c {
			i := v - begin[d]
			if i < 0 || i >= x.Shape[d] {
				if fold == nil {
					return outside
				}
				i = fold(i, x.Shape[d])
			}
			p += i * st[d]
		}
		return int(p)
	}, x, value)
}

// reflect mirrors an index outside [0, n) back into it without repeating
// the edge element (numpy's reflect mode).
func reflect(i, n int64) int64 {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	i = (i%period + period) % period
	if i >= n {
		i = period - i
	}
	return i
}

// centerCropPad is CenterCropPad: every listed axis (all by default) is
// cropped or zero-padded to the target size around its center; the extra
// odd element of a crop or pad goes to the end.
func centerCropPad(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	target, err := ints(ctx, inputs[1], "shape")
	if err != nil {
		return nil, err
	}
	r := len(x.Shape)
	axes := make([]int, r)
	for i := range axes {
		axes[i] = i
	}
	if list, ok := ctx.Node.AttrInts("axes"); ok {
		if axes, err = normAxes(ctx, list, r); err != nil {
			return nil, err
		}
	}
	if len(target) != len(axes) {
		return nil, ctx.Errorf("%d sizes for %d axes", len(target), len(axes))
	}
	shape := slices.Clone(x.Shape)
	begin := make([]int64, r)
	for i, a := range axes {
		if target[i] < 0 {
			return nil, ctx.Errorf("negative size in %v", target)
		}
		shape[a] = target[i]
		if d := x.Shape[a] - target[i]; d > 0 {
			begin[a] = -(d / 2)
		} else {
			begin[a] = -d / 2
		}
	}
	z, err := zero(ctx, x.DType)
	if err != nil {
		return nil, err
	}
	return window(ctx, x, shape, begin, nil, z)
}
