package fused

import (
	"math"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// norm is the kernel of the normalizations over the last axis:
//
//	LayerNorm(X, Scale, Bias?)            Y = (X-mean)/sqrt(var+eps)*Scale+Bias
//	SkipLayerNorm(X, Skip, Scale, Bias?)  S = X+Skip, Y = LayerNorm(S); outputs Y, S
//	RMSNorm(X, Scale)                     Y = X/sqrt(mean(X²)+eps)*Scale
func norm(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	n := ctx.Node
	first := 1
	if n.Op == "SkipLayerNorm" {
		first = 2
	}
	if len(in) <= first || in[0] == nil || in[first] == nil || !in[0].DType.IsFloat() || in[0].Rank() == 0 {
		return nil, ctx.Errorf("needs a float input of rank ≥ 1 and a scale")
	}
	x, shape := in[0], in[0].Shape
	vals := x.Float64s()
	if first == 2 {
		s, err := kernel.BroadcastShapes(x.Shape, in[1].Shape)
		if err != nil {
			return nil, ctx.Errorf("%v", err)
		}
		shape = s
		if vals, err = floats(ctx, x, shape, "X"); err != nil {
			return nil, err
		}
		skip, err := floats(ctx, in[1], shape, "Skip")
		if err != nil {
			return nil, err
		}
		for i := range vals {
			vals[i] += skip[i]
		}
	}
	scale, err := floats(ctx, in[first], shape, "Scale")
	if err != nil {
		return nil, err
	}
	var bias []float64
	if first+1 < len(in) && in[first+1] != nil {
		if bias, err = floats(ctx, in[first+1], shape, "Bias"); err != nil {
			return nil, err
		}
	}
	eps := float64(n.AttrFloat("epsilon", 1e-5))
	h := int(shape[len(shape)-1])
	y := make([]float64, len(vals))
	for base := 0; h > 0 && base < len(vals); base += h {
		row := vals[base : base+h]
		mean := 0.0
		if n.Op != "RMSNorm" {
			mean = meanOf(row, func(v float64) float64 { return v })
		}
		variance := meanOf(row, func(v float64) float64 { return (v - mean) * (v - mean) })
		inv := 1 / math.Sqrt(variance+eps)
		for i, v := range row {
			y[base+i] = (v - mean) * inv * scale[base+i]
			if bias != nil {
				y[base+i] += bias[base+i]
			}
		}
	}
	out, err := result(ctx, x.DType, shape, y)
	if err != nil || first == 1 {
		return []*ir.Tensor{out}, err
	}
	sum, err := result(ctx, x.DType, shape, vals)
	return []*ir.Tensor{out, sum}, err
}

func meanOf(row []float64, f func(float64) float64) float64 {
	s := 0.0
	for _, v := range row {
		s += f(v)
	}
	return s / float64(len(row))
}
