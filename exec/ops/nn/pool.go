package nn

import (
	"math"

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
	if _, err := ir.NumElements(p.out); err != nil {
		return nil, ctx.Errorf("%v", err)
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

// averagePool is AveragePool (all versions): the mean of every window over
// the input elements in it, or with count_include_pad over the padded
// window (positions beyond the padding never count).
func averagePool(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	if err := floatInputs(ctx, x); err != nil {
		return nil, err
	}
	p, err := poolOf(ctx, x)
	if err != nil {
		return nil, err
	}
	withPad := ctx.Node.AttrInt("count_include_pad", 0) != 0
	y := make([]float64, p.planes*p.outN)
	p.each(x.Float64s(), func(e int, plane []float64, taps []int) {
		n := 0
		for _, t := range taps {
			if t >= 0 {
				y[e] += plane[t]
			}
			if t >= 0 || withPad && t == onPad {
				n++
			}
		}
		y[e] /= float64(n)
	})
	return fromFloats(ctx, x.DType, p.out, y)
}

// lpPool is LpPool (all versions): the p-norm of every window.
func lpPool(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	if err := floatInputs(ctx, x); err != nil {
		return nil, err
	}
	p, err := poolOf(ctx, x)
	if err != nil {
		return nil, err
	}
	norm := lpOrder(ctx.Node)
	y := make([]float64, p.planes*p.outN)
	p.each(x.Float64s(), func(e int, plane []float64, taps []int) {
		for _, t := range taps {
			if t >= 0 {
				y[e] += math.Pow(math.Abs(plane[t]), norm)
			}
		}
		y[e] = math.Pow(y[e], 1/norm)
	})
	return fromFloats(ctx, x.DType, p.out, y)
}

// lpOrder reads p of LpPool and GlobalLpPool: an int from opset 2, a
// float in opset 1; default 2.
func lpOrder(n *ir.Node) float64 {
	if a := n.Attr("p"); a != nil && a.Kind == ir.AttrFloat {
		return float64(a.Float)
	}
	return float64(n.AttrInt("p", 2))
}

// global makes GlobalAveragePool, GlobalMaxPool and GlobalLpPool: f folds
// all spatial elements of every (n, c) plane into one value.
func global(f func(ctx *kernel.Context, plane []float64) float64) kernel.Func {
	return kernel.Single(func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		x := in[0]
		if err := checkRank(ctx, x, "X", 3); err != nil {
			return nil, err
		}
		l := linesOf(x.Shape, 2, x.Rank())
		vals, y := x.Float64s(), make([]float64, l.outer)
		for o := range y {
			y[o] = f(ctx, vals[o*l.n:(o+1)*l.n])
		}
		out := append([]int64{}, x.Shape...)
		for i := 2; i < len(out); i++ {
			out[i] = 1
		}
		return fromFloats(ctx, x.DType, out, y)
	})
}

// planeMean, planeMax and planeLp are the folds of the global pools.
func planeMean(_ *kernel.Context, v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func planeMax(_ *kernel.Context, v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

func planeLp(ctx *kernel.Context, v []float64) float64 {
	p, s := lpOrder(ctx.Node), 0.0
	for _, x := range v {
		s += math.Pow(math.Abs(x), p)
	}
	return math.Pow(s, 1/p)
}
