package elementwise

import (
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// fold combines one or more broadcasting inputs left to right with step
// (Sum, Max, Min; opset 8 on broadcasts, earlier versions need equal
// shapes, which broadcasting covers).
func fold(step func(ctx *kernel.Context, a, b *ir.Tensor) (*ir.Tensor, error)) func(*kernel.Context, []*ir.Tensor) (*ir.Tensor, error) {
	return func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		if len(in) == 0 {
			return nil, ctx.Errorf("needs at least one input")
		}
		for i, t := range in {
			if t == nil {
				return nil, ctx.Errorf("input %d is missing", i)
			}
		}
		acc := in[0]
		for _, t := range in[1:] {
			var err error
			if acc, err = step(ctx, acc, t); err != nil {
				return nil, err
			}
		}
		if acc == in[0] {
			return acc.Clone(), nil
		}
		return acc, nil
	}
}

// chooser is a fold step that picks elements (Max, Min).
func chooser(takeRight func(o order) bool) func(*kernel.Context, *ir.Tensor, *ir.Tensor) (*ir.Tensor, error) {
	return func(ctx *kernel.Context, a, b *ir.Tensor) (*ir.Tensor, error) { return choose(ctx, a, b, takeRight) }
}

// addStep is Sum's fold step.
func addStep(ctx *kernel.Context, a, b *ir.Tensor) (*ir.Tensor, error) {
	return addArith.apply(ctx, a, b)
}

// mean is Mean: the sum divided by the number of inputs.
func mean(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	sum, err := fold(addStep)(ctx, in)
	if err != nil {
		return nil, err
	}
	n, err := ir.FromFloat64s(sum.DType, nil, []float64{float64(len(in))})
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return divArith.apply(ctx, sum, n)
}
