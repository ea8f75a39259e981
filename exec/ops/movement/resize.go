package movement

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// resizeSpec is a Resize/Upsample call made uniform across versions: the
// per-axis scale and output size over all axes of the input, and the
// sampling options.
type resizeSpec struct {
	scales    []float64
	out       []int64
	roi       []float64 // start for every axis, then end; nil when absent
	mode      string    // nearest, linear or cubic
	transform string    // coordinate_transformation_mode
	nearest   string    // nearest_mode, or "simple" before opset 11
	cubicA    float64
	exclude   bool
	antialias bool
	extrapol  float64
}

// resize is Resize at every opset: the scales input (opset 10) or roi,
// scales and sizes inputs (11 on) with the axes and keep_aspect_ratio_policy
// attributes (18 on).
func resize(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	n := ctx.Node
	if n.Version < 11 {
		scales, err := floats(ctx, input(inputs, 1), "scales")
		if err != nil {
			return nil, err
		}
		return legacyResize(ctx, x, scales)
	}
	sp := &resizeSpec{
		mode:      n.AttrString("mode", "nearest"),
		transform: n.AttrString("coordinate_transformation_mode", "half_pixel"),
		nearest:   n.AttrString("nearest_mode", "round_prefer_floor"),
		cubicA:    float64(n.AttrFloat("cubic_coeff_a", -0.75)),
		exclude:   n.AttrInt("exclude_outside", 0) != 0,
		antialias: n.AttrInt("antialias", 0) != 0,
		extrapol:  float64(n.AttrFloat("extrapolation_value", 0)),
	}
	r := len(x.Shape)
	axes := make([]int, r)
	for i := range axes {
		axes[i] = i
	}
	if list, ok := n.AttrInts("axes"); ok {
		var err error
		if axes, err = normAxes(ctx, list, r); err != nil {
			return nil, err
		}
	}
	if err := sp.sizes(ctx, x.Shape, axes, input(inputs, 2), input(inputs, 3)); err != nil {
		return nil, err
	}
	if roi := input(inputs, 1); roi != nil && roi.Len() > 0 && sp.transform == "tf_crop_and_resize" {
		vals := roi.Float64s()
		if len(vals) != 2*len(axes) {
			return nil, ctx.Errorf("roi of %d values for %d axes", len(vals), len(axes))
		}
		sp.roi = make([]float64, 2*r)
		for i := range r {
			sp.roi[r+i] = 1
		}
		for i, a := range axes {
			sp.roi[a], sp.roi[r+a] = vals[i], vals[len(axes)+i]
		}
	}
	return sp.run(ctx, x)
}

// upsample is Upsample: nearest or linear resizing by scales given as an
// attribute (opset 7) or input (9 on), sampling like Resize-10.
func upsample(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	switch v := ctx.Node.Version; {
	case v < 7:
		return nil, ctx.Errorf("Upsample-%d (height_scale/width_scale attributes) is not supported", v)
	case v < 9:
		attr, _ := ctx.Node.AttrFloats("scales")
		scales := make([]float64, len(attr))
		for i, s := range attr {
			scales[i] = float64(s)
		}
		return legacyResize(ctx, x, scales)
	}
	scales, err := floats(ctx, input(inputs, 1), "scales")
	if err != nil {
		return nil, err
	}
	return legacyResize(ctx, x, scales)
}

// legacyResize is Resize-10 and Upsample: output dims floor(dim*scale),
// asymmetric coordinates, nearest rounding down (up when downsampling).
func legacyResize(ctx *kernel.Context, x *ir.Tensor, scales []float64) (*ir.Tensor, error) {
	mode := ctx.Node.AttrString("mode", "nearest")
	if mode == "bilinear" {
		mode = "linear"
	}
	sp := &resizeSpec{mode: mode, transform: "asymmetric", nearest: "simple", cubicA: -0.75}
	if len(scales) != len(x.Shape) {
		return nil, ctx.Errorf("%d scales for rank %d", len(scales), len(x.Shape))
	}
	sp.scales = scales
	if err := sp.outFromScales(ctx, x.Shape); err != nil {
		return nil, err
	}
	return sp.run(ctx, x)
}

// floats reads a float tensor input that must be present.
func floats(ctx *kernel.Context, t *ir.Tensor, what string) ([]float64, error) {
	if t == nil || !t.DType.IsFloat() {
		return nil, ctx.Errorf("%s must be a float tensor", what)
	}
	return t.Float64s(), nil
}

// sizes fills the scales and output dims from the scales or sizes input
// (given for axes), applying keep_aspect_ratio_policy to sizes.
func (sp *resizeSpec) sizes(ctx *kernel.Context, shape []int64, axes []int, scalesT, sizesT *ir.Tensor) error {
	r := len(shape)
	sp.scales = make([]float64, r)
	sp.out = slices.Clone(shape)
	for i := range sp.scales {
		sp.scales[i] = 1
	}
	if sizesT != nil && sizesT.Len() > 0 {
		if scalesT != nil && scalesT.Len() > 0 {
			return ctx.Errorf("both scales and sizes are given")
		}
		sizes, err := ints(ctx, sizesT, "sizes")
		if err != nil {
			return err
		}
		if len(sizes) != len(axes) {
			return ctx.Errorf("%d sizes for %d axes", len(sizes), len(axes))
		}
		policy := ctx.Node.AttrString("keep_aspect_ratio_policy", "stretch")
		ratio := math.Inf(1)
		if policy == "not_smaller" {
			ratio = 0
		}
		for i, a := range axes {
			if sizes[i] < 0 || sizes[i] > ir.MaxElements || shape[a] == 0 && (sizes[i] != 0 || policy != "stretch") {
				return ctx.Errorf("cannot resize dim %d of size %d to %d", a, shape[a], sizes[i])
			}
			sp.out[a] = sizes[i]
			sp.scales[a] = float64(sizes[i]) / float64(max(shape[a], 1))
			switch policy {
			case "not_larger":
				ratio = min(ratio, sp.scales[a])
			case "not_smaller":
				ratio = max(ratio, sp.scales[a])
			case "stretch":
			default:
				return ctx.Errorf("unknown keep_aspect_ratio_policy %q", policy)
			}
		}
		if policy != "stretch" {
			for _, a := range axes {
				sp.scales[a] = ratio
				v := math.Floor(ratio*float64(shape[a]) + 0.5)
				if v > float64(ir.MaxElements) {
					return ctx.Errorf("size %v of dim %d exceeds %d", v, a, ir.MaxElements)
				}
				sp.out[a] = int64(v)
			}
		}
		return nil
	}
	scales, err := floats(ctx, scalesT, "scales (or sizes)")
	if err != nil {
		return err
	}
	if len(scales) != len(axes) {
		return ctx.Errorf("%d scales for %d axes", len(scales), len(axes))
	}
	for i, a := range axes {
		sp.scales[a] = scales[i]
	}
	return sp.outFromScales(ctx, shape)
}

// outFromScales sets the output dims to floor(dim*scale).
func (sp *resizeSpec) outFromScales(ctx *kernel.Context, shape []int64) error {
	sp.out = make([]int64, len(shape))
	for d, s := range sp.scales {
		v := math.Floor(s * float64(shape[d]))
		if !(s > 0) || v > float64(ir.MaxElements) {
			return ctx.Errorf("invalid scale %v for dim %d", s, shape[d])
		}
		sp.out[d] = int64(v)
	}
	return nil
}

// tap is one input position an output coordinate reads, with its weight.
type tap struct {
	at int64
	w  float64
}

// axisTaps returns, for every output coordinate along axis d, the input
// positions it reads (clamped into the axis) with their weights, and
// whether it falls outside the input (tf_crop_and_resize only).
func (sp *resizeSpec) axisTaps(d int, in int64) ([][]tap, []bool) {
	out := sp.out[d]
	taps := make([][]tap, out)
	outside := make([]bool, out)
	for o := range out {
		xo, off := sp.source(d, float64(o), in)
		outside[o] = off
		if sp.mode == "nearest" {
			taps[o] = []tap{{at: min(max(sp.round(xo, d), 0), in-1), w: 1}}
			continue
		}
		taps[o] = sp.filter(xo, d, in)
	}
	return taps, outside
}

// source maps output coordinate x along axis d to the input coordinate.
func (sp *resizeSpec) source(d int, x float64, in int64) (xo float64, outside bool) {
	scale, length := sp.scales[d], float64(in)
	width := scale * length // the output width, possibly fractional
	switch sp.transform {
	case "align_corners":
		if width == 1 {
			return 0, false
		}
		return x * (length - 1) / (width - 1), false
	case "asymmetric":
		return x / scale, false
	case "tf_crop_and_resize":
		start, end := 0.0, 1.0
		if sp.roi != nil {
			start, end = sp.roi[d], sp.roi[len(sp.scales)+d]
		}
		if sp.out[d] == 1 {
			xo = (end - start) * (length - 1) / 2
		} else {
			xo = x * (end - start) * (length - 1) / float64(sp.out[d]-1)
		}
		xo += start * (length - 1)
		return xo, xo < 0 || xo > length-1
	case "pytorch_half_pixel":
		if width == 1 {
			return -0.5, false
		}
	case "half_pixel_symmetric":
		adjustment := float64(sp.out[d]) / width
		return length/2*(1-adjustment) + (x+0.5)/scale - 0.5, false
	}
	return (x+0.5)/scale - 0.5, false
}

// round picks the nearest input position for xo by nearest_mode.
func (sp *resizeSpec) round(xo float64, d int) int64 {
	fl := math.Floor(xo)
	frac := xo - fl
	switch sp.nearest {
	case "simple":
		if sp.scales[d] < 1 {
			return int64(math.Ceil(xo))
		}
		return int64(math.Trunc(xo))
	case "floor":
		return int64(fl)
	case "ceil":
		return int64(math.Ceil(xo))
	case "round_prefer_ceil":
		if frac >= 0.5 {
			return int64(fl) + 1
		}
		return int64(fl)
	}
	if frac > 0.5 {
		return int64(fl) + 1
	}
	return int64(fl)
}

// filter returns the linear or cubic taps around xo: positions from the
// one left of xo (strictly, so the fraction is in (0, 1]) outward, with
// the filter stretched by 1/scale when antialiasing a downscale; weights
// are normalized to sum 1, after dropping those outside the input under
// exclude_outside. Positions beyond the input clamp to its edge.
func (sp *resizeSpec) filter(xo float64, d int, in int64) []tap {
	radius, kern := 1.0, linearKernel
	if sp.mode == "cubic" {
		radius, kern = 2, cubicKernel(sp.cubicA)
	}
	s := 1.0
	if sp.antialias {
		s = min(sp.scales[d], 1)
	}
	base := math.Ceil(xo) - 1
	ratio := xo - base
	start := int64(math.Floor(-radius/s)) + 1
	var taps []tap
	sum := 0.0
	for i := start; i < 2-start; i++ {
		at := int64(base) + i
		w := kern(s * (float64(i) - ratio))
		if sp.exclude && (at < 0 || at >= in) {
			w = 0
		}
		sum += w
		taps = append(taps, tap{at: min(max(at, 0), in-1), w: w})
	}
	if sum != 0 {
		for i := range taps {
			taps[i].w /= sum
		}
	}
	return taps
}

// run resizes x: nearest moves elements (any dtype); linear and cubic
// weigh them in float64.
func (sp *resizeSpec) run(ctx *kernel.Context, x *ir.Tensor) (*ir.Tensor, error) {
	switch sp.mode {
	case "nearest", "linear", "cubic":
	default:
		return nil, ctx.Errorf("unknown mode %q", sp.mode)
	}
	n, err := ir.NumElements(sp.out)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	if n == 0 { // nothing to sample (and a long axis of an empty output needs no taps)
		return assemble(ctx, sp.out, nil, x)
	}
	r := len(x.Shape)
	taps := make([][][]tap, r)
	outside := make([][]bool, r)
	for d, in := range x.Shape {
		if in == 0 && sp.out[d] > 0 {
			return nil, ctx.Errorf("cannot resize empty dim %d to %d", d, sp.out[d])
		}
		taps[d], outside[d] = sp.axisTaps(d, in)
	}
	off := func(c []int64) bool {
		for d, v := range c {
			if outside[d][v] {
				return true
			}
		}
		return false
	}
	st := kernel.Strides(x.Shape)
	extra, err := fromFloats(ctx, x.DType, nil, []float64{sp.extrapol})
	if err != nil {
		return nil, err
	}
	if sp.mode == "nearest" {
		return build(ctx, sp.out, func(c []int64) int {
			if off(c) {
				return x.Len()
			}
			p := int64(0)
			for d, v := range c {
				p += taps[d][v][0].at * st[d]
			}
			return int(p)
		}, x, extra)
	}
	if !x.DType.IsFloat() && !x.DType.IsInt() {
		return nil, ctx.Errorf("%s resizing of dtype %v", sp.mode, x.DType)
	}
	vals := x.Float64s()
	var res []float64
	at := make([][]tap, r)
	eachIndex(sp.out, func(c []int64) {
		if off(c) {
			res = append(res, sp.extrapol)
			return
		}
		for d, v := range c {
			at[d] = taps[d][v]
		}
		res = append(res, weigh(at, st, vals, 0))
	})
	return fromFloats(ctx, x.DType, sp.out, res)
}

// linearKernel is the triangle filter of linear interpolation.
func linearKernel(x float64) float64 { return max(0, 1-math.Abs(x)) }

// cubicKernel returns Keys' cubic convolution filter with coefficient a.
func cubicKernel(a float64) func(float64) float64 {
	return func(x float64) float64 {
		x = math.Abs(x)
		switch {
		case x <= 1:
			return ((a+2)*x-(a+3))*x*x + 1
		case x < 2:
			return ((a*x-5*a)*x+8*a)*x - 4*a
		}
		return 0
	}
}

// weigh is a separable filter: the sum over one tap per axis of the
// product of the taps' weights times vals at offset p + sum(at*st), the
// inner axes summed first.
func weigh(taps [][]tap, st []int64, vals []float64, p int64) float64 {
	if len(taps) == 0 {
		return vals[p]
	}
	sum := 0.0
	for _, t := range taps[0] {
		if t.w != 0 {
			sum += t.w * weigh(taps[1:], st[1:], vals, p+t.at*st[0])
		}
	}
	return sum
}
