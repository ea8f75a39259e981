package fused

import (
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// rotary is the kernel of RotaryEmbedding(X, Cos, Sin) =
// X·Cos + rotate_half(X)·Sin, where rotate_half swaps the halves of the
// last axis and negates the new first half; Cos and Sin broadcast to X.
func rotary(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	if len(in) < 3 || in[0] == nil || !in[0].DType.IsFloat() || in[0].Rank() == 0 {
		return nil, ctx.Errorf("needs a float X of rank ≥ 1, Cos and Sin")
	}
	shape := in[0].Shape
	d := int(shape[len(shape)-1])
	if d%2 != 0 {
		return nil, ctx.Errorf("the last dimension of X (%d) is odd", d)
	}
	cos, err := floats(ctx, in[1], shape, "Cos")
	if err != nil {
		return nil, err
	}
	sin, err := floats(ctx, in[2], shape, "Sin")
	if err != nil {
		return nil, err
	}
	x := in[0].Float64s()
	y := make([]float64, len(x))
	h := d / 2
	for base := 0; base < len(x); base += d {
		for i := range d {
			var rot float64 // rotate_half: (−x2, x1)
			if i < h {
				rot = -x[base+i+h]
			} else {
				rot = x[base+i-h]
			}
			y[base+i] = x[base+i]*cos[base+i] + rot*sin[base+i]
		}
	}
	return result(ctx, in[0].DType, shape, y)
}
