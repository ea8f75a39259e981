package nn

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// pooling is the window geometry of a pool over X [N, C, D1, ...]: planes
// is N*C, inN and outN the spatial sizes of input and output, kn the
// kernel size, and taps the input positions of every output's window.
type pooling struct {
	out                     []int64
	taps                    []int
	planes, inN, outN, kern int
}

// poolOf reads the pool attributes of the node for input x.
func poolOf(ctx *kernel.Context, x *ir.Tensor) (*pooling, error) {
	if err := checkRank(ctx, x, "X", 3); err != nil {
		return nil, err
	}
	k, ok := ctx.Node.AttrInts("kernel_shape")
	if !ok {
		return nil, ctx.Errorf("kernel_shape is required")
	}
	g, err := slidingGrid(ctx.Node, x.Shape[2:], k, ctx.Node.AttrInt("ceil_mode", 0) != 0)
	if err != nil {
		return nil, ctx.Errorf("X %v: %v", x.Shape, err)
	}
	taps, err := g.taps()
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	p := &pooling{out: append([]int64{x.Shape[0], x.Shape[1]}, g.from...), taps: taps,
		planes: int(x.Shape[0] * x.Shape[1]), inN: int(kernel.Product(x.Shape, 2, x.Rank())),
		outN: int(kernel.Product(g.from, 0, len(g.from))), kern: int(kernel.Product(k, 0, len(k)))}
	if err := checkSizes(ctx, p.out); err != nil {
		return nil, err
	}
	return p, nil
}

// each calls f for every output element (flat index e) with the plane of
// the input it pools and its window's taps.
func (p *pooling) each(vals []float64, f func(e int, plane []float64, taps []int)) {
	for pl := 0; pl < p.planes; pl++ {
		plane := vals[pl*p.inN : (pl+1)*p.inN]
		for o := 0; o < p.outN; o++ {
			f(pl*p.outN+o, plane, p.taps[o*p.kern:(o+1)*p.kern])
		}
	}
}

// maxPool is MaxPool (all versions): the largest element of every window,
// and optionally its flat index in X (spatial dims in row-major order, or
// column-major with storage_order 1).
func maxPool(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	x := in[0]
	p, err := poolOf(ctx, x)
	if err != nil {
		return nil, err
	}
	y, arg := make([]float64, p.planes*p.outN), make([]int, p.planes*p.outN)
	p.each(x.Float64s(), func(e int, plane []float64, taps []int) {
		y[e], arg[e] = math.Inf(-1), -1
		for _, t := range taps {
			if t >= 0 && (arg[e] < 0 || plane[t] > y[e]) {
				y[e], arg[e] = plane[t], t
			}
		}
	})
	outs := outputSlots(ctx, 2)
	if outs[0], err = fromFloats(ctx, x.DType, p.out, y); err != nil {
		return nil, err
	}
	if wanted(ctx, 1) {
		spatial := x.Shape[2:]
		colMajor := ctx.Node.AttrInt("storage_order", 0) != 0
		idx := make([]int64, len(arg))
		for e, t := range arg {
			if colMajor {
				t = transposeIndex(t, spatial)
			}
			idx[e] = int64(e/p.outN*p.inN + t)
		}
		if outs[1], err = ir.FromInt64s(ir.Int64, p.out, idx); err != nil {
			return nil, ctx.Errorf("%v", err)
		}
	}
	return outs, nil
}

// transposeIndex turns a row-major flat index into dims into the
// column-major one of the same element.
func transposeIndex(t int, dims []int64) int {
	out, step := 0, 1
	for i, s := range kernel.Strides(dims) {
		out += t / int(s) % int(dims[i]) * step
		step *= int(dims[i])
	}
	return out
}

// A windowFold folds one window into a value: plane holds an (n, c) plane
// of the input, taps the window's positions in it (onPad and pastPad
// marking positions off the input).
type windowFold func(plane []float64, taps []int) float64

// averageFold is AveragePool's: the mean over the input elements of the
// window, or with count_include_pad over the padded window (positions
// beyond the padding never count).
func averageFold(n *ir.Node) windowFold {
	withPad := n.AttrInt("count_include_pad", 0) != 0
	return func(plane []float64, taps []int) float64 {
		s, cnt := 0.0, 0
		for _, t := range taps {
			if t >= 0 {
				s += plane[t]
			}
			if t >= 0 || withPad && t == onPad {
				cnt++
			}
		}
		return s / float64(cnt)
	}
}

// lpFold is LpPool's: the p-norm of the window's input elements, p an int
// attribute from opset 2 and a float in opset 1 (default 2).
func lpFold(n *ir.Node) windowFold {
	p := float64(n.AttrInt("p", 2))
	if a := n.Attr("p"); a != nil && a.Kind == ir.AttrFloat {
		p = float64(a.Float)
	}
	return func(plane []float64, taps []int) float64 {
		s := 0.0
		for _, t := range taps {
			if t >= 0 {
				s += math.Pow(math.Abs(plane[t]), p)
			}
		}
		return math.Pow(s, 1/p)
	}
}

// maxFold is GlobalMaxPool's: the largest element.
func maxFold(*ir.Node) windowFold {
	return func(plane []float64, taps []int) float64 {
		m := math.Inf(-1)
		for _, t := range taps {
			m = math.Max(m, plane[t])
		}
		return m
	}
}

// pooled makes AveragePool and LpPool (all versions) from their fold.
func pooled(fold func(*ir.Node) windowFold) kernel.Func {
	return kernel.Single(func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		if err := floatInputs(ctx, in[0]); err != nil {
			return nil, err
		}
		p, err := poolOf(ctx, in[0])
		if err != nil {
			return nil, err
		}
		return p.run(ctx, in[0], fold(ctx.Node))
	})
}

// global makes GlobalAveragePool, GlobalMaxPool and GlobalLpPool: the
// whole spatial extent of every (n, c) plane is one window.
func global(fold func(*ir.Node) windowFold) kernel.Func {
	return kernel.Single(func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		x := in[0]
		if err := floatInputs(ctx, x); err != nil {
			return nil, err
		}
		if err := checkRank(ctx, x, "X", 3); err != nil {
			return nil, err
		}
		p := &pooling{out: slices.Clone(x.Shape), planes: int(x.Shape[0] * x.Shape[1]),
			inN: int(kernel.Product(x.Shape, 2, x.Rank())), outN: 1}
		for i := 2; i < len(p.out); i++ {
			p.out[i] = 1
		}
		p.kern = p.inN
		for t := 0; t < p.inN; t++ {
			p.taps = append(p.taps, t)
		}
		return p.run(ctx, x, fold(ctx.Node))
	})
}

// run folds every window of x.
func (p *pooling) run(ctx *kernel.Context, x *ir.Tensor, f windowFold) (*ir.Tensor, error) {
	y := make([]float64, p.planes*p.outN)
	p.each(x.Float64s(), func(e int, plane []float64, taps []int) { y[e] = f(plane, taps) })
	return fromFloats(ctx, x.DType, p.out, y)
}

// maxUnpool is MaxUnpool (all versions): a zero tensor of the unpooled
// shape with every X element placed at its index from I. The indices are
// flat in the shape the pool geometry implies (the pool's input); with
// output_shape, each lands at the same coordinates in that shape.
func maxUnpool(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, idx, outShape := in[0], in[1], optional(in, 2)
	if err := floatInputs(ctx, x); err != nil {
		return nil, err
	}
	if err := checkRank(ctx, x, "X", 3); err != nil {
		return nil, err
	}
	if !slices.Equal(idx.Shape, x.Shape) {
		return nil, ctx.Errorf("I has shape %v, X %v", idx.Shape, x.Shape)
	}
	r := x.Rank() - 2
	k, ok := ctx.Node.AttrInts("kernel_shape")
	strides, _, pads, err := windowAttrs(ctx.Node, r)
	if !ok || len(k) != r || err != nil {
		return nil, ctx.Errorf("kernel_shape %v, strides, pads must fit %d spatial dims (%v)", k, r, err)
	}
	pooled := slices.Clone(x.Shape)
	for i := range r {
		pooled[2+i] = (x.Shape[2+i]-1)*strides[i] + k[i] - pads[i] - pads[r+i]
	}
	out := pooled
	if outShape != nil {
		out = outShape.Int64s()
		if len(out) != x.Rank() {
			return nil, ctx.Errorf("output_shape %v does not fit X %v", out, x.Shape)
		}
	}
	n, err := ir.NumElements(out)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	pn, err := ir.NumElements(pooled)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	y := make([]float64, n)
	xv := x.Float64s()
	from, to := kernel.Strides(pooled), kernel.Strides(out)
	for i, j := range idx.Int64s() {
		if j < 0 || j >= pn {
			return nil, ctx.Errorf("index %d outside the unpooled shape %v", j, pooled)
		}
		e := int64(0)
		for d := range pooled {
			c := j / from[d] % pooled[d]
			if c >= out[d] {
				return nil, ctx.Errorf("index %d outside output_shape %v", j, out)
			}
			e += c * to[d]
		}
		y[e] = xv[i]
	}
	return fromFloats(ctx, x.DType, out, y)
}
