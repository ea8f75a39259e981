package fused

import (
	"math"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// gelu is the kernel of Gelu(X) and BiasGelu(X, Bias) = Gelu(X+Bias), with
// approximate "none" (the erf form) or "tanh".
func gelu(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	if len(in) == 0 || in[0] == nil || !in[0].DType.IsFloat() {
		return nil, ctx.Errorf("needs a float input")
	}
	x := in[0].Float64s()
	if len(in) > 1 && in[1] != nil {
		b, err := floats(ctx, in[1], in[0].Shape, "Bias")
		if err != nil {
			return nil, err
		}
		for i := range x {
			x[i] += b[i]
		}
	}
	approx := ctx.Node.AttrString("approximate", "none")
	if approx != "none" && approx != "tanh" {
		return nil, ctx.Errorf("approximate must be none or tanh, not %q", approx)
	}
	for i, v := range x {
		if approx == "tanh" {
			x[i] = 0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v)))
		} else {
			x[i] = 0.5 * v * (1 + math.Erf(v/math.Sqrt2))
		}
	}
	return result(ctx, in[0].DType, in[0].Shape, x)
}
