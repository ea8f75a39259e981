package nn

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// indices returns every multi-index of dims in row-major order.
func indices(dims []int64) [][]int64 {
	var out [][]int64
	forEachIndex(dims, func(idx []int64) { out = append(out, slices.Clone(idx)) })
	return out
}

// sample reads plane (of shape dims, row-major) at the fractional position
// pos by multilinear interpolation; positions off the plane read zero.
func sample(plane []float64, dims []int64, pos []float64) float64 {
	st := kernel.Strides(dims)
	total := 0.0
	for corner := 0; corner < 1<<len(dims); corner++ {
		w, at := 1.0, int64(0)
		for d, p := range pos {
			lo := math.Floor(p)
			c, frac := int64(lo), p-lo
			if corner>>d&1 == 1 {
				c, w = c+1, w*frac
			} else {
				w *= 1 - frac
			}
			if c < 0 || c >= dims[d] {
				w = 0
				break
			}
			at += c * st[d]
		}
		if w != 0 {
			total += w * plane[at]
		}
	}
	return total
}

// deformConv is DeformConv (opsets 19 and 22): a grouped convolution whose
// every kernel tap samples the input at its regular position plus a
// learned offset (per offset group, output position and tap), by linear
// interpolation, optionally weighted by a mask.
func deformConv(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, w, off, b, mask := in[0], in[1], in[2], optional(in, 3), optional(in, 4)
	if err := floatInputs(ctx, x, w, off, b, mask); err != nil {
		return nil, err
	}
	group, m, err := convOperands(ctx, x.Shape, w.Shape, false)
	if err != nil {
		return nil, err
	}
	g, err := slidingGrid(ctx.Node, x.Shape[2:], w.Shape[2:], false)
	if err != nil {
		return nil, ctx.Errorf("X %v, W %v: %v", x.Shape, w.Shape, err)
	}
	c, r := x.Shape[1], x.Rank()-2
	og := ctx.Node.AttrInt("offset_group", 1)
	if og <= 0 || c%og != 0 {
		return nil, ctx.Errorf("offset_group %d does not divide the %d channels", og, c)
	}
	kern, outs := indices(g.kernel), indices(g.from)
	nk, outN := int64(len(kern)), int64(len(outs))
	out := append([]int64{x.Shape[0], m}, g.from...)
	if want := append([]int64{x.Shape[0], og * nk * int64(r)}, g.from...); !slices.Equal(off.Shape, want) {
		return nil, ctx.Errorf("offset has shape %v, want %v", off.Shape, want)
	}
	if want := append([]int64{x.Shape[0], og * nk}, g.from...); mask != nil && !slices.Equal(mask.Shape, want) {
		return nil, ctx.Errorf("mask has shape %v, want %v", mask.Shape, want)
	}
	if b != nil && int64(b.Len()) != m {
		return nil, ctx.Errorf("B has shape %v, want [%d]", b.Shape, m)
	}
	if err := checkSizes(ctx, out); err != nil {
		return nil, err
	}
	xv, wv, ov := x.Float64s(), w.Float64s(), off.Float64s()
	var mv, bv []float64
	if mask != nil {
		mv = mask.Float64s()
	}
	if b != nil {
		bv = b.Float64s()
	}
	inN := kernel.Product(x.Shape, 2, x.Rank())
	cg, mg := c/group, m/group
	y := make([]float64, kernel.Product(out, 0, len(out)))
	pos := make([]float64, r)
	for n := int64(0); n < x.Shape[0]; n++ {
		for oc := int64(0); oc < m; oc++ {
			for oi, o := range outs {
				s := 0.0
				if bv != nil {
					s = bv[oc]
				}
				for ic := int64(0); ic < cg; ic++ {
					ch := oc/mg*cg + ic
					ogi := ch / (c / og)
					plane := xv[(n*c+ch)*inN : (n*c+ch+1)*inN]
					for kk, kc := range kern {
						tap := ogi*nk + int64(kk)
						for d := range pos {
							shift := ov[((n*og*nk+tap)*int64(r)+int64(d))*outN+int64(oi)]
							pos[d] = float64(o[d]*g.strides[d]-g.padBegin[d]+kc[d]*g.dilations[d]) + shift
						}
						weight := wv[(oc*cg+ic)*nk+int64(kk)]
						if mv != nil {
							weight *= mv[(n*og*nk+tap)*outN+int64(oi)]
						}
						s += weight * sample(plane, x.Shape[2:], pos)
					}
				}
				y[(n*m+oc)*outN+int64(oi)] = s
			}
		}
	}
	return fromFloats(ctx, x.DType, out, y)
}
