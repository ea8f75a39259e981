package nn

import (
	"math"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// maxOf returns the largest element of v (-Inf for none).
func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

// softmax turns a line into probabilities (max-shifted for stability).
func softmax(v []float64) {
	m, s := maxOf(v), 0.0
	for i, x := range v {
		v[i] = math.Exp(x - m)
		s += v[i]
	}
	for i := range v {
		v[i] /= s
	}
}

// logSoftmax turns a line into log-probabilities.
func logSoftmax(v []float64) {
	m, s := maxOf(v), 0.0
	for _, x := range v {
		s += math.Exp(x - m)
	}
	ls := math.Log(s)
	for i, x := range v {
		v[i] = x - m - ls
	}
}

// hardmax puts 1 at the first maximum of a line and 0 elsewhere.
func hardmax(v []float64) {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	for i := range v {
		v[i] = 0
	}
	if len(v) > 0 {
		v[best] = 1
	}
}

// alongAxis makes the kernel of Softmax, LogSoftmax and Hardmax, which
// apply f to lines of the input: from opset 13 the lines run along axis
// (default -1); before, the input is flattened to 2-D at axis (default 1)
// and f applies to each row.
func alongAxis(f func([]float64)) kernel.Func {
	return kernel.Single(func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		x := in[0]
		if err := floatInputs(ctx, x); err != nil {
			return nil, err
		}
		def, legacy := int64(-1), ctx.Node.Version < 13
		if legacy {
			def = 1
		}
		rank := x.Rank()
		axis, err := kernel.NormAxis(ctx.Node.AttrInt("axis", def), rank)
		if err != nil {
			return nil, ctx.Errorf("input of shape %v: %v", x.Shape, err)
		}
		l := linesOf(x.Shape, axis, axis+1)
		if legacy {
			l = linesOf(x.Shape, axis, rank)
		}
		vals := x.Float64s()
		l.apply(vals, f)
		return fromFloats(ctx, x.DType, x.Shape, vals)
	})
}
