package nn

import (
	"fmt"
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// intRanges holds the saturation range of each integer quantized type.
var intRanges = map[ir.DType][2]float64{
	ir.Uint8: {0, 255}, ir.Int8: {-128, 127}, ir.Uint16: {0, 65535}, ir.Int16: {-32768, 32767},
	ir.Uint4: {0, 15}, ir.Int4: {-8, 7}, ir.Uint2: {0, 3}, ir.Int2: {-2, 1},
	ir.Int32: {math.MinInt32, math.MaxInt32},
}

// quantized stores vals in the quantized type dt: integer types round half
// to even and saturate to their range; float8/float4 types round to nearest
// even and saturate (or overflow to inf/NaN without saturate).
func quantized(ctx *kernel.Context, dt ir.DType, shape []int64, vals []float64, saturate bool) (*ir.Tensor, error) {
	if r, ok := intRanges[dt]; ok {
		q := make([]float64, len(vals))
		for i, v := range vals {
			q[i] = math.Min(math.Max(math.RoundToEven(v), r[0]), r[1])
		}
		return fromFloats(ctx, dt, shape, q)
	}
	if !dt.IsFloat() || dt.Size() != 1 {
		return nil, ctx.Errorf("%v is not a quantized type", dt)
	}
	t, err := ir.NewTensor(dt, shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	d := t.Data.([]uint8)
	for i, v := range vals {
		d[i] = ir.EncodeSmallFloat(dt, v, saturate)
	}
	return t, nil
}

// paramIndex maps every element of a tensor of shape x to the element of a
// quantization parameter (scale or zero point) of shape p that applies to
// it: per tensor (p has one element), per axis (p is 1-D of length
// x[axis]) or blocked (p is x with x[axis] replaced by ceil(x[axis]/block)).
func paramIndex(x, p []int64, axis int64, block int64) ([]int, error) {
	n, err := ir.NumElements(x)
	if err != nil {
		return nil, err
	}
	idx := make([]int, n)
	pn, err := ir.NumElements(p)
	if err != nil {
		return nil, err
	}
	if pn == 1 && block <= 0 {
		return idx, nil
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("parameter of shape %v for a scalar input", p)
	}
	a, err := kernel.NormAxis(axis, len(x))
	if err != nil {
		return nil, err
	}
	l := linesOf(x, a, a+1)
	var at func(o, k, i int) int
	switch {
	case block <= 0:
		if len(p) != 1 || p[0] != x[a] {
			return nil, fmt.Errorf("per-axis parameter of shape %v does not match axis %d of shape %v", p, a, x)
		}
		at = func(_, k, _ int) int { return k }
	default:
		want := slices.Clone(x)
		want[a] = (x[a] + block - 1) / block
		if !slices.Equal(p, want) {
			return nil, fmt.Errorf("blocked parameter of shape %v, want %v for shape %v, axis %d, block size %d", p, want, x, a, block)
		}
		nb := int(want[a])
		at = func(o, k, i int) int { return (o*nb+k/int(block))*l.inner + i }
	}
	l.each(func(base, step int) {
		o, i := base/(l.n*l.inner), base%l.inner
		for k := 0; k < l.n; k++ {
			idx[base+k*step] = at(o, k, i)
		}
	})
	return idx, nil
}

// quantParams reads a scale and optional zero point for a tensor of shape
// x: the per-element scale and zero point (zeros when zp is nil).
func quantParams(ctx *kernel.Context, x []int64, scale, zp *ir.Tensor) (s, z []float64, err error) {
	n := ctx.Node
	idx, err := paramIndex(x, scale.Shape, n.AttrInt("axis", 1), n.AttrInt("block_size", 0))
	if err != nil {
		return nil, nil, ctx.Errorf("scale: %v", err)
	}
	if zp != nil && !slices.Equal(zp.Shape, scale.Shape) && zp.Len() != scale.Len() {
		return nil, nil, ctx.Errorf("zero point of shape %v, scale of shape %v", zp.Shape, scale.Shape)
	}
	sv := scale.Float64s()
	s, z = make([]float64, len(idx)), make([]float64, len(idx))
	var zv []float64
	if zp != nil {
		zv = zp.Float64s()
	}
	for i, j := range idx {
		s[i] = sv[j]
		if zv != nil {
			z[i] = zv[j]
		}
	}
	return s, z, nil
}

// quantizeLinear is QuantizeLinear (all versions): y = saturate(round(x /
// scale) + zero_point), per tensor, per axis or blocked.
func quantizeLinear(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, scale, zp := in[0], in[1], optional(in, 2)
	n := ctx.Node
	out := ir.DType(n.AttrInt("output_dtype", int64(ir.Uint8)))
	if zp != nil {
		out = zp.DType
	}
	s, z, err := quantParams(ctx, x.Shape, scale, zp)
	if err != nil {
		return nil, err
	}
	xv := x.Float64s()
	prec := ir.DType(n.AttrInt("precision", 0))
	if prec != ir.Undefined {
		for i := range xv {
			xv[i], s[i] = roundTo(prec, xv[i]), roundTo(prec, s[i])
		}
	} else {
		prec = scale.DType
	}
	for i := range xv {
		xv[i] = roundTo(prec, xv[i]/s[i])
		if _, isInt := intRanges[out]; isInt {
			xv[i] = math.RoundToEven(xv[i])
		}
		xv[i] += z[i]
	}
	return quantized(ctx, out, x.Shape, xv, n.AttrInt("saturate", 1) != 0)
}

// dequantizeLinear is DequantizeLinear (all versions): y = (x -
// zero_point) * scale in the output type (output_dtype or the scale's).
func dequantizeLinear(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, scale, zp := in[0], in[1], optional(in, 2)
	out := ir.DType(ctx.Node.AttrInt("output_dtype", int64(scale.DType)))
	s, z, err := quantParams(ctx, x.Shape, scale, zp)
	if err != nil {
		return nil, err
	}
	xv := x.Float64s()
	for i := range xv {
		xv[i] = (xv[i] - z[i]) * s[i]
	}
	return fromFloats(ctx, out, x.Shape, xv)
}

// optional returns input slot i, or nil when it is absent.
func optional(in []*ir.Tensor, i int) *ir.Tensor {
	if i < len(in) {
		return in[i]
	}
	return nil
}

// operandParam returns, per element of a matmul operand of shape x, its
// scale or zero point p: a one-element p applies to every element, a 1-D p
// of a ('a', per row) or of b (per column) indexes the rows or columns, and
// an N-D p ([..., M, 1] for a, [..., 1, N] for b) broadcasts to x. A nil p
// gives zeros.
func operandParam(ctx *kernel.Context, p *ir.Tensor, x []int64, perRow bool) ([]float64, error) {
	n, err := ir.NumElements(x)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	out := make([]float64, n)
	if p == nil {
		return out, nil
	}
	pv, shape := p.Float64s(), p.Shape
	if len(pv) == 1 {
		shape = nil
	} else if len(shape) == 1 && perRow && len(x) >= 2 {
		shape = []int64{shape[0], 1}
	}
	if b, err := kernel.BroadcastShapes(shape, x); err != nil || !slices.Equal(b, x) {
		return nil, ctx.Errorf("quantization parameter of shape %v does not fit operand of shape %v", p.Shape, x)
	}
	for i, j := range kernel.BroadcastIndex(shape, x) {
		out[i] = pv[j]
	}
	return out, nil
}

// shifted returns x's elements minus their zero points zp.
func shifted(ctx *kernel.Context, x, zp *ir.Tensor, perRow bool) ([]float64, error) {
	z, err := operandParam(ctx, zp, x.Shape, perRow)
	if err != nil {
		return nil, err
	}
	v := x.Float64s()
	for i := range v {
		v[i] -= z[i]
	}
	return v, nil
}

// matMulInteger is MatMulInteger: (A - a_zero_point) x (B - b_zero_point)
// accumulated exactly, as int32.
func matMulInteger(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	p, err := planMatMul(in[0].Shape, in[1].Shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	a, err := shifted(ctx, in[0], optional(in, 2), true)
	if err != nil {
		return nil, err
	}
	b, err := shifted(ctx, in[1], optional(in, 3), false)
	if err != nil {
		return nil, err
	}
	return fromFloats(ctx, ir.Int32, p.out, run(p, a, b))
}

// qLinearMatMul is QLinearMatMul: the integer product of the shifted
// operands times a_scale*b_scale/y_scale (computed in the scales' type),
// requantized with y_zero_point.
func qLinearMatMul(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	a, as, azp, b, bs, bzp, ys, yzp := in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7]
	p, err := planMatMul(a.Shape, b.Shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	av, err := shifted(ctx, a, azp, true)
	if err != nil {
		return nil, err
	}
	bv, err := shifted(ctx, b, bzp, false)
	if err != nil {
		return nil, err
	}
	aScale, err := operandParam(ctx, as, a.Shape, true)
	if err != nil {
		return nil, err
	}
	bScale, err := operandParam(ctx, bs, b.Shape, false)
	if err != nil {
		return nil, err
	}
	if ys.Len() != 1 || (yzp != nil && yzp.Len() != 1) {
		return nil, ctx.Errorf("y_scale %v and y_zero_point must have one element", ys.Shape)
	}
	out := a.DType
	var zero float64
	if yzp != nil {
		out, zero = yzp.DType, yzp.Float64s()[0]
	}
	y := run(p, av, bv)
	dt, yScale := as.DType, ys.Float64s()[0]
	for bi := range p.aOff {
		for i := 0; i < p.m; i++ {
			for j := 0; j < p.n; j++ {
				e := (bi*p.m+i)*p.n + j
				// The scale of row i of a and column j of b (k > 0 when the
				// product is non-empty; an empty product is zero anyway).
				var f float64
				if p.k > 0 {
					f = roundTo(dt, roundTo(dt, aScale[p.aOff[bi]+i*p.k]*bScale[p.bOff[bi]+j])/yScale)
				}
				y[e] = y[e]*f + zero
			}
		}
	}
	return quantized(ctx, out, p.out, y, true)
}

// dynamicQuantizeLinear is DynamicQuantizeLinear: uint8 quantization with
// the scale and zero point that map [min(x, 0), max(x, 0)] onto [0, 255].
func dynamicQuantizeLinear(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	x := in[0]
	if err := floatInputs(ctx, x); err != nil {
		return nil, err
	}
	xv := x.Float64s()
	lo, hi := 0.0, 0.0
	for _, v := range xv {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	scale := roundTo(ir.Float32, (hi-lo)/255)
	zero := 0.0
	if scale != 0 {
		zero = math.Min(math.Max(math.RoundToEven(-lo/scale), 0), 255)
	}
	for i, v := range xv {
		if scale != 0 {
			v = math.RoundToEven(roundTo(ir.Float32, v/scale))
		}
		xv[i] = v + zero
	}
	y, err := quantized(ctx, ir.Uint8, x.Shape, xv, true)
	if err != nil {
		return nil, err
	}
	return []*ir.Tensor{y, ir.Scalar(ir.Float32, scale), ir.Scalar(ir.Uint8, zero)}, nil
}

// qLinearConv is QLinearConv: the convolution of the shifted operands
// (w_scale and w_zero_point per tensor or per output channel) plus the
// int32 bias, requantized by x_scale*w_scale/y_scale and y_zero_point.
func qLinearConv(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, xs, xzp, w, ws, wzp, ys, yzp, b := in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7], optional(in, 8)
	xv, err := minusZeroPoint(ctx, x, xzp, 1)
	if err != nil {
		return nil, err
	}
	wv, err := minusZeroPoint(ctx, w, wzp, 0)
	if err != nil {
		return nil, err
	}
	var bias []float64
	if b != nil {
		bias = b.Float64s()
	}
	shape, y, err := convolve(ctx, x.Shape, xv, w.Shape, wv, bias)
	if err != nil {
		return nil, err
	}
	if xs.Len() != 1 || ys.Len() != 1 || yzp.Len() != 1 || (ws.Len() != 1 && int64(ws.Len()) != shape[1]) {
		return nil, ctx.Errorf("scales %v, %v, %v: want scalars (w_scale per output channel)", xs.Shape, ws.Shape, ys.Shape)
	}
	wScale, xScale, yScale, zero := ws.Float64s(), xs.Float64s()[0], ys.Float64s()[0], yzp.Float64s()[0]
	plane := int(kernel.Product(shape, 2, len(shape)))
	for i := range y {
		m := 0
		if len(wScale) > 1 {
			m = i / plane % int(shape[1])
		}
		f := roundTo(ir.Float32, roundTo(ir.Float32, xScale*wScale[m])/yScale)
		y[i] = math.RoundToEven(y[i]*f) + zero
	}
	return quantized(ctx, yzp.DType, shape, y, true)
}
