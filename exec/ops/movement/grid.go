package movement

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// gridSpec holds GridSample's options.
type gridSpec struct {
	mode    string // nearest, linear or cubic
	padding string // zeros, border or reflection
	align   bool
}

// gridSample is GridSample: X of shape [N, C, D1..Dr] sampled at the
// normalized positions of grid [N, O1..Or, r] (innermost axis first),
// giving [N, C, O1..Or]. Nearest sampling moves elements of any dtype;
// linear and cubic weigh them in float64.
func gridSample(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x, grid := inputs[0], inputs[1]
	r := len(x.Shape) - 2
	if r < 1 || len(grid.Shape) != r+2 || grid.Shape[0] != x.Shape[0] || grid.Shape[r+1] != int64(r) {
		return nil, ctx.Errorf("grid of shape %v for input of shape %v, want [N, out dims..., %d]", grid.Shape, x.Shape, r)
	}
	if !grid.DType.IsFloat() {
		return nil, ctx.Errorf("grid must be float, got %v", grid.DType)
	}
	gs := &gridSpec{
		mode:    ctx.Node.AttrString("mode", "linear"),
		padding: ctx.Node.AttrString("padding_mode", "zeros"),
		align:   ctx.Node.AttrInt("align_corners", 0) != 0,
	}
	switch gs.mode { // GridSample-16 names
	case "bilinear":
		gs.mode = "linear"
	case "bicubic":
		gs.mode = "cubic"
	}
	if !slices.Contains([]string{"nearest", "linear", "cubic"}, gs.mode) {
		return nil, ctx.Errorf("unknown mode %q", ctx.Node.AttrString("mode", ""))
	}
	if !slices.Contains([]string{"zeros", "border", "reflection"}, gs.padding) {
		return nil, ctx.Errorf("unknown padding_mode %q", gs.padding)
	}
	dims := x.Shape[2:]
	shape := slices.Concat(x.Shape[:2], grid.Shape[1:r+1])
	if _, err := ir.NumElements(shape); err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	// samples[n*positions+o] holds, per spatial axis, the taps of output
	// position o of batch n.
	g := grid.Float64s()
	positions := int(kernel.Product(grid.Shape, 1, r+1))
	samples := make([][][]tap, len(g)/r)
	for p := range samples {
		samples[p] = make([][]tap, r)
		for i := range r {
			d := r - 1 - i // grid lists the innermost axis first
			samples[p][d] = gs.axisTaps(g[p*r+i], dims[d])
		}
	}
	st := kernel.Strides(dims)
	plane := int(kernel.Product(dims, 0, r))
	c := int(x.Shape[1])
	// base and sample give the input offset of the plane and the sample
	// that output element i = (n*C+ch)*positions+o reads.
	base := func(i int) int64 { return int64(i / positions * plane) }
	sample := func(i int) [][]tap { return samples[i/(c*positions)*positions+i%positions] }
	n := int(kernel.Product(shape, 0, len(shape)))
	if gs.mode == "nearest" {
		z, err := zero(ctx, x.DType)
		if err != nil {
			return nil, err
		}
		idx := make([]int, n)
		for i := range idx {
			idx[i] = x.Len()
			if p, ok := single(sample(i), st); ok {
				idx[i] = int(base(i) + p)
			}
		}
		return assemble(ctx, shape, idx, x, z)
	}
	if !x.DType.IsFloat() && !x.DType.IsInt() {
		return nil, ctx.Errorf("%s sampling of dtype %v", gs.mode, x.DType)
	}
	vals := x.Float64s()
	res := make([]float64, n)
	for i := range res {
		res[i] = weigh(sample(i), st, vals, base(i))
	}
	return fromFloats(ctx, x.DType, shape, res)
}

// single returns the offset of the one tap per axis of nearest sampling,
// and false when some axis has none (a zero-padded position).
func single(taps [][]tap, st []int64) (int64, bool) {
	p := int64(0)
	for d, t := range taps {
		if len(t) == 0 {
			return 0, false
		}
		p += t[0].at * st[d]
	}
	return p, true
}

// axisTaps returns the input positions (within the axis of size n) and
// weights that sample normalized coordinate v; positions in the zero
// padding are left out.
func (gs *gridSpec) axisTaps(v float64, n int64) []tap {
	lo, hi := -0.5, float64(n)-0.5
	x := ((v+1)*float64(n) - 1) / 2
	if gs.align {
		lo, hi = 0, float64(n-1)
		x = (v + 1) / 2 * float64(n-1)
	}
	if gs.mode == "nearest" {
		x = math.RoundToEven(x)
	}
	if x < lo || x > hi {
		switch gs.padding {
		case "border":
			x = min(max(x, 0), float64(n-1))
		case "reflection":
			x = reflectInto(x, lo, hi)
		}
	}
	var raw []tap
	x0 := math.Floor(x)
	switch gs.mode {
	case "nearest":
		raw = []tap{{at: toIndex(math.Trunc(x)), w: 1}}
	case "linear":
		raw = []tap{{at: toIndex(x0), w: 1 - (x - x0)}, {at: toIndex(x0) + 1, w: x - x0}}
	case "cubic":
		kern := cubicKernel(-0.75)
		for k := -1.0; k <= 2; k++ {
			raw = append(raw, tap{at: toIndex(x0 + k), w: kern(x - x0 - k)})
		}
	}
	var taps []tap
	for _, t := range raw {
		switch gs.padding {
		case "border":
			t.at = min(max(t.at, 0), n-1)
		case "reflection":
			t.at = min(max(toIndex(math.Trunc(reflectInto(float64(t.at), lo, hi))), 0), n-1)
		}
		if t.at >= 0 && t.at < n {
			taps = append(taps, t)
		}
	}
	return taps
}

// toIndex converts an integral float to an index, mapping NaN and values
// beyond any tensor to -1 (outside every axis).
func toIndex(f float64) int64 {
	if !(f > -float64(ir.MaxElements) && f < float64(ir.MaxElements)) {
		return -1
	}
	return int64(f)
}

// reflectInto reflects x by the borders lo and hi until it lies between
// them.
func reflectInto(x, lo, hi float64) float64 {
	span := hi - lo
	if span <= 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return lo
	}
	var dx float64
	switch {
	case x < lo:
		dx = lo - x
	case x > hi:
		dx = x - hi
	default:
		return x
	}
	k := math.Floor(dx / span)
	rest := dx - k*span
	if (math.Mod(k, 2) == 0) == (x < lo) {
		return lo + rest
	}
	return hi - rest
}

// affineGrid is AffineGrid: for theta [N, r, r+1] (r = 2 or 3) and size
// [N, C, spatial...], the grid [N, spatial..., r] of theta applied to the
// evenly spaced positions in [-1, 1] of every spatial point (innermost
// axis first, as GridSample reads it).
func affineGrid(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	theta := inputs[0]
	size, err := ints(ctx, inputs[1], "size")
	if err != nil {
		return nil, err
	}
	r := len(size) - 2
	if r != 2 && r != 3 || !slices.Equal(theta.Shape, []int64{size[0], int64(r), int64(r + 1)}) {
		return nil, ctx.Errorf("theta of shape %v for size %v, want [N, 2, 3] or [N, 3, 4]", theta.Shape, size)
	}
	if !theta.DType.IsFloat() {
		return nil, ctx.Errorf("theta must be float, got %v", theta.DType)
	}
	spatial := size[2:]
	shape := slices.Concat(size[:1], spatial, []int64{int64(r)})
	if _, err := ir.NumElements(shape); err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	align := ctx.Node.AttrInt("align_corners", 0) != 0
	pos := func(d int, i int64) float64 {
		n := float64(spatial[d])
		if align {
			if spatial[d] == 1 {
				return -1
			}
			return -1 + float64(i)*(2/(n-1))
		}
		return -1 + 1/n + float64(i)*(2/n)
	}
	th := theta.Float64s()
	var res []float64
	point := make([]float64, r+1)
	eachIndex(size[:1], func(n []int64) {
		eachIndex(spatial, func(c []int64) {
			for j := range r {
				point[j] = pos(r-1-j, c[r-1-j])
			}
			point[r] = 1
			for i := range r {
				row := th[(int(n[0])*r+i)*(r+1):]
				v := 0.0
				for j, p := range point {
					v += row[j] * p
				}
				res = append(res, v)
			}
		})
	})
	return fromFloats(ctx, theta.DType, shape, res)
}
