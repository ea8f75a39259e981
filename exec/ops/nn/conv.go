package nn

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// convOperands checks X [N, C, D1...] against W: for Conv W is
// [M, C/group, k1...] (transposed false), for ConvTranspose
// [C, M/group, k1...]. It returns the group count and M.
func convOperands(ctx *kernel.Context, x, w []int64, transposed bool) (group, m int64, err error) {
	group = ctx.Node.AttrInt("group", 1)
	if len(x) < 3 || len(w) != len(x) || group <= 0 {
		return 0, 0, ctx.Errorf("X %v and W %v (group %d) do not fit together", x, w, group)
	}
	c, m := x[1], w[0]
	if transposed {
		m = w[1] * group
		if w[0] != c || c%group != 0 {
			return 0, 0, ctx.Errorf("X %v has %d channels, W %v wants %d in %d groups", x, c, w, w[0], group)
		}
	} else if c != w[1]*group || m%group != 0 {
		return 0, 0, ctx.Errorf("X %v has %d channels, W %v wants %d in %d groups of %d outputs", x, c, w, w[1]*group, group, m)
	}
	if k, ok := ctx.Node.AttrInts("kernel_shape"); ok && !slices.Equal(k, w[2:]) {
		return 0, 0, ctx.Errorf("kernel_shape %v differs from W %v", k, w)
	}
	return group, m, nil
}

// convolve is the grouped convolution of x (shape xs) with w (shape ws)
// plus the per-output-channel bias (nil for none); it returns the output
// shape and values.
func convolve(ctx *kernel.Context, xs []int64, x []float64, ws []int64, w, bias []float64) ([]int64, []float64, error) {
	group, m, err := convOperands(ctx, xs, ws, false)
	if err != nil {
		return nil, nil, err
	}
	g, err := slidingGrid(ctx.Node, xs[2:], ws[2:], false)
	if err != nil {
		return nil, nil, ctx.Errorf("X %v, W %v: %v", xs, ws, err)
	}
	taps, err := g.taps()
	if err != nil {
		return nil, nil, ctx.Errorf("%v", err)
	}
	out := append([]int64{xs[0], m}, g.from...)
	if err := checkSizes(ctx, out); err != nil {
		return nil, nil, err
	}
	if bias != nil && int64(len(bias)) != m {
		return nil, nil, ctx.Errorf("B has %d elements, want %d", len(bias), m)
	}
	c, cg, mg := int(xs[1]), int(ws[1]), int(m/group)
	inN, outN, kn := int(kernel.Product(xs, 2, len(xs))), int(kernel.Product(g.from, 0, len(g.from))), int(kernel.Product(ws, 2, len(ws)))
	y := make([]float64, kernel.Product(out, 0, len(out)))
	for n := 0; n < int(xs[0]); n++ {
		for oc := 0; oc < int(m); oc++ {
			first := oc / mg * cg
			for o := 0; o < outN; o++ {
				s := 0.0
				if bias != nil {
					s = bias[oc]
				}
				for ic := 0; ic < cg; ic++ {
					xp := x[(n*c+first+ic)*inN:]
					wp := w[(oc*cg+ic)*kn : (oc*cg+ic+1)*kn]
					for k, t := range taps[o*kn : (o+1)*kn] {
						if t >= 0 {
							s += xp[t] * wp[k]
						}
					}
				}
				y[(n*int(m)+oc)*outN+o] = s
			}
		}
	}
	return out, y, nil
}

// conv is Conv (all versions).
func conv(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, w, b := in[0], in[1], optional(in, 2)
	if err := floatInputs(ctx, x, w, b); err != nil {
		return nil, err
	}
	var bias []float64
	if b != nil {
		bias = b.Float64s()
	}
	shape, y, err := convolve(ctx, x.Shape, x.Float64s(), w.Shape, w.Float64s(), bias)
	if err != nil {
		return nil, err
	}
	return fromFloats(ctx, x.DType, shape, y)
}

// minusZeroPoint returns t's elements minus the zero point zp (nil for
// none), given per tensor or per slice along axis.
func minusZeroPoint(ctx *kernel.Context, t, zp *ir.Tensor, axis int64) ([]float64, error) {
	v := t.Float64s()
	if zp == nil {
		return v, nil
	}
	idx, err := paramIndex(t.Shape, zp.Shape, axis, 0)
	if err != nil {
		return nil, ctx.Errorf("zero point: %v", err)
	}
	zv := zp.Float64s()
	for i, j := range idx {
		v[i] -= zv[j]
	}
	return v, nil
}

// convInteger is ConvInteger: the convolution of the shifted integer
// operands (x_zero_point per tensor, w_zero_point per tensor or per output
// channel), exact, as int32.
func convInteger(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, err := minusZeroPoint(ctx, in[0], optional(in, 2), 1)
	if err != nil {
		return nil, err
	}
	w, err := minusZeroPoint(ctx, in[1], optional(in, 3), 0)
	if err != nil {
		return nil, err
	}
	shape, y, err := convolve(ctx, in[0].Shape, x, in[1].Shape, w, nil)
	if err != nil {
		return nil, err
	}
	return fromFloats(ctx, ir.Int32, shape, y)
}

// transposedGrid computes ConvTranspose's output size and padding: from
// output_shape (pads derived), auto_pad SAME_* (output = input*stride) or
// the explicit pads, with output_padding added at the end.
func transposedGrid(ctx *kernel.Context, in, kern []int64) (grid, error) {
	n := ctx.Node
	r := len(in)
	strides, dilations, pads, err := windowAttrs(n, r)
	if err != nil {
		return grid{}, ctx.Errorf("%v", err)
	}
	outPad := intsAttr(n, "output_padding", make([]int64, r))
	outShape, explicit := n.AttrInts("output_shape")
	if len(outShape) > r {
		outShape = outShape[len(outShape)-r:]
	}
	if len(outPad) != r || explicit && len(outShape) != r {
		return grid{}, ctx.Errorf("output_padding %v or output_shape %v do not fit %d spatial dims", outPad, outShape, r)
	}
	autoPad := n.AttrString("auto_pad", "NOTSET")
	g := grid{from: in, to: make([]int64, r), kernel: kern, strides: strides, dilations: dilations,
		padBegin: slices.Clone(pads[:r]), padEnd: make([]int64, r)}
	for i := range r {
		full := strides[i]*(in[i]-1) + outPad[i] + (kern[i]-1)*dilations[i] + 1
		switch {
		case explicit || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER":
			g.to[i] = in[i] * strides[i]
			if explicit {
				g.to[i] = outShape[i]
			}
			// half is floor(total/2), also for a negative total (an output
			// larger than the input reaches).
			total := full - g.to[i]
			half := total >> 1
			g.padBegin[i] = total - half
			if autoPad == "SAME_UPPER" {
				g.padBegin[i] = half
			}
		case autoPad == "VALID":
			g.to[i], g.padBegin[i] = full, 0
		default:
			g.to[i] = full - pads[i] - pads[r+i]
		}
		if g.to[i] < 0 {
			return grid{}, ctx.Errorf("output size %v is negative", g.to)
		}
	}
	return g, nil
}

// convTranspose is ConvTranspose (all versions): every input element
// scatters its products with the kernel into the output.
func convTranspose(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	xt, wt, b := in[0], in[1], optional(in, 2)
	if err := floatInputs(ctx, xt, wt, b); err != nil {
		return nil, err
	}
	group, m, err := convOperands(ctx, xt.Shape, wt.Shape, true)
	if err != nil {
		return nil, err
	}
	g, err := transposedGrid(ctx, xt.Shape[2:], wt.Shape[2:])
	if err != nil {
		return nil, err
	}
	taps, err := g.taps()
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	out := append([]int64{xt.Shape[0], m}, g.to...)
	if err := checkSizes(ctx, out); err != nil {
		return nil, err
	}
	x, w := xt.Float64s(), wt.Float64s()
	c, cg, mg := int(xt.Shape[1]), int(xt.Shape[1]/group), int(m/group)
	inN, outN, kn := int(kernel.Product(g.from, 0, len(g.from))), int(kernel.Product(g.to, 0, len(g.to))), int(kernel.Product(g.kernel, 0, len(g.kernel)))
	y := make([]float64, kernel.Product(out, 0, len(out)))
	for n := 0; n < int(xt.Shape[0]); n++ {
		for ic := 0; ic < c; ic++ {
			for j := 0; j < mg; j++ {
				oc := ic/cg*mg + j
				yp := y[(n*int(m)+oc)*outN:]
				wp := w[(ic*mg+j)*kn : (ic*mg+j+1)*kn]
				for f := 0; f < inN; f++ {
					xv := x[(n*c+ic)*inN+f]
					for k, t := range taps[f*kn : (f+1)*kn] {
						if t >= 0 {
							yp[t] += xv * wp[k]
						}
					}
				}
			}
		}
	}
	if b != nil {
		if int64(b.Len()) != m {
			return nil, ctx.Errorf("B has shape %v, want [%d]", b.Shape, m)
		}
		bv := b.Float64s()
		for i := range y {
			y[i] += bv[i/outN%int(m)]
		}
	}
	return fromFloats(ctx, xt.DType, out, y)
}
