// Package elementwise holds the reference kernels of the elementwise ops:
// unary math, activations, broadcasting binary and variadic ops, logic and
// comparison, Where, Clip, and the casts.
//
// Most ops are rows of tables (unaryOps, arithOps, compareOps) over a few
// generic drivers: floating-point elements compute in float64 and round
// back to their dtype; integers compute exactly in int64 with wrap-around
// (uint64 unsigned where that matters); selections (Max, Min, Clip, Where)
// copy elements unchanged.
package elementwise

import (
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// Register adds the package's kernels to r.
func Register(r kernel.Registry) {
	for op, row := range unaryOps {
		r.Add("", op, unaryKernel(row))
	}
	for op, row := range arithOps {
		r.Add("", op, arithKernel(row))
	}
	for op, holds := range compareOps {
		r.Add("", op, compareKernel(holds))
	}
	single := map[string]func(*kernel.Context, []*ir.Tensor) (*ir.Tensor, error){
		"Pow":      pow,
		"PRelu":    prelu,
		"Sum":      fold(addStep),
		"Mean":     mean,
		"Max":      fold(chooser(takeLarger)),
		"Min":      fold(chooser(takeSmaller)),
		"Where":    where,
		"Clip":     clip,
		"Cast":     cast,
		"CastLike": castLike,
		"BitCast":  bitCast,
	}
	for op, f := range single {
		r.Add("", op, kernel.Single(f))
	}
}
