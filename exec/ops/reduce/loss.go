package reduce

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// nllLoss is the negative log-likelihood loss of the log-probabilities
// logp, shaped (N, C, d1, ..., dk), against the class indices in target,
// shaped (N, d1, ..., dk): loss = -logp[n, target, d...] * weight[target],
// zero (and weightless) where target is ignore_index, then reduced as the
// reduction attribute says: "none", "sum", or "mean" (the sum divided by
// the sum of the weights used). The result has dtype dt.
func nllLoss(ctx *kernel.Context, dt ir.DType, logp []float64, shape []int64, target, weight *ir.Tensor) (*ir.Tensor, error) {
	if len(shape) < 2 {
		return nil, ctx.Errorf("input must have shape (N, C, ...), got %v", shape)
	}
	tShape := slices.Delete(slices.Clone(shape), 1, 2)
	if !target.DType.IsInt() || !slices.Equal(target.Shape, tShape) {
		return nil, ctx.Errorf("target must be an integer tensor of shape %v, got %v%v", tShape, target.DType, target.Shape)
	}
	v := viewAround(shape, 1)
	var w []float64
	if weight != nil {
		if weight.Len() != v.n {
			return nil, ctx.Errorf("weight has %d elements for %d classes", weight.Len(), v.n)
		}
		w = weight.Float64s()
	}
	ignore := ctx.Node.Attr("ignore_index")
	loss := make([]float64, target.Len())
	var total, weights float64
	for j, c := range target.Int64s() {
		if ignore != nil && c == ignore.Int {
			continue
		}
		if c < 0 || c >= int64(v.n) {
			return nil, ctx.Errorf("target %d is not a class in [0, %d)", c, v.n)
		}
		wt := 1.0
		if w != nil {
			wt = w[c]
		}
		o, i := j/v.inner, j%v.inner
		loss[j] = -logp[v.at(o, int(c), i)] * wt
		total += loss[j]
		weights += wt
	}
	switch r := ctx.Node.AttrString("reduction", "mean"); r {
	case "none":
		return ir.FromFloat64s(dt, tShape, loss)
	case "sum":
		return ir.FromFloat64s(dt, nil, []float64{total})
	case "mean":
		return ir.FromFloat64s(dt, nil, []float64{total / weights})
	default:
		return nil, ctx.Errorf("unknown reduction %q", r)
	}
}

// negativeLogLikelihoodLoss is NegativeLogLikelihoodLoss: input holds
// log-probabilities already.
func negativeLogLikelihoodLoss(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	return nllLoss(ctx, in[0].DType, in[0].Float64s(), in[0].Shape, in[1], optional(in, 2))
}

// softmaxCrossEntropyLoss is SoftmaxCrossEntropyLoss: the NLL loss of the
// log-softmax of the scores over axis 1, which is its optional second
// output.
func softmaxCrossEntropyLoss(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	x := in[0]
	if x.Rank() < 2 {
		return nil, ctx.Errorf("scores must have shape (N, C, ...), got %v", x.Shape)
	}
	logp := x.Float64s()
	v := viewAround(x.Shape, 1)
	v.lines(func(base int) {
		hi := math.Inf(-1)
		for k := 0; k < v.n; k++ {
			hi = max(hi, logp[base+k*v.inner])
		}
		sum := 0.0
		for k := 0; k < v.n; k++ {
			sum += math.Exp(logp[base+k*v.inner] - hi)
		}
		for k := 0; k < v.n; k++ {
			logp[base+k*v.inner] -= hi + math.Log(sum)
		}
	})
	loss, err := nllLoss(ctx, x.DType, logp, x.Shape, in[1], optional(in, 2))
	if err != nil {
		return nil, err
	}
	if len(ctx.Node.Outputs) < 2 {
		return []*ir.Tensor{loss}, nil
	}
	lp, err := ir.FromFloat64s(x.DType, x.Shape, logp)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return []*ir.Tensor{loss, lp}, nil
}

// optional returns input i, or nil when it is omitted.
func optional(in []*ir.Tensor, i int) *ir.Tensor {
	if i < len(in) {
		return in[i]
	}
	return nil
}
