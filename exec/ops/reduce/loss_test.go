package reduce_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

// nllInput and nllTarget are the data of the Operators.md examples of
// NegativeLogLikelihoodLoss (N, C, d1 = 2, 3, 2).
var (
	nllInput  = f32(shape(2, 3, 2), 1, 2, 2, 2, 3, 2, 0, 1, 2, 2, 1, 2)
	nllTarget = i64(shape(2, 2), 2, 1, 0, 2)
	nllWeight = f32(shape(3), 0.2, 0.3, 0.1)
)

func TestNegativeLogLikelihoodLoss(t *testing.T) {
	reduction := func(r string) map[string]*ir.Attr { return opstest.Attrs("reduction", r) }
	got := opstest.RunOp(t, "NegativeLogLikelihoodLoss", 22, reduction("none"), 1, nllInput, nllTarget)[0]
	opstest.Check(t, tol, "none", got, ir.Float32, shape(2, 2), -3, -2, 0, -2)
	got = opstest.RunOp(t, "NegativeLogLikelihoodLoss", 22, reduction("sum"), 1, nllInput, nllTarget, nllWeight)[0]
	opstest.Check(t, tol, "weighted sum", got, ir.Float32, shape(), -1.1)
	got = opstest.RunOp(t, "NegativeLogLikelihoodLoss", 13, nil, 1, nllInput, nllTarget, nllWeight)[0]
	opstest.Check(t, tol, "weighted mean", got, ir.Float32, shape(), -1.1/0.7) // printed as -1.57

	// Ignored targets add neither loss nor weight: mean of -2 and -0.
	ii := opstest.Attrs("ignore_index", 2)
	got = opstest.RunOp(t, "NegativeLogLikelihoodLoss", 12, ii, 1, nllInput, nllTarget)[0]
	opstest.Check(t, tol, "ignore_index", got, ir.Float32, shape(), -1)

	if _, err := opstest.TryOp("NegativeLogLikelihoodLoss", 22, nil, 1, nllInput, i64(shape(2, 2), 0, 3, 0, 0)); err == nil {
		t.Error("target out of range: no error")
	}
	if _, err := opstest.TryOp("NegativeLogLikelihoodLoss", 22, nil, 1, nllInput, i64(shape(2), 0, 0)); err == nil {
		t.Error("target of the wrong shape: no error")
	}
}

func TestSoftmaxCrossEntropyLoss(t *testing.T) {
	// softmax([0, ln 3]) = [1/4, 3/4].
	scores := f32(shape(2, 2), 0, math.Log(3), math.Log(3), 0)
	labels := i64(shape(2), 1, 1)
	out := opstest.RunOp(t, "SoftmaxCrossEntropyLoss", 13, opstest.Attrs("reduction", "none"), 2, scores, labels)
	opstest.Check(t, tol, "loss", out[0], ir.Float32, shape(2), -math.Log(0.75), -math.Log(0.25))
	opstest.Check(t, tol, "log_prob", out[1], ir.Float32, shape(2, 2), math.Log(0.25), math.Log(0.75), math.Log(0.75), math.Log(0.25))
	out = opstest.RunOp(t, "SoftmaxCrossEntropyLoss", 12, nil, 1, scores, labels, f32(shape(2), 1, 3))
	opstest.Check(t, tol, "weighted mean", out[0], ir.Float32, shape(), -3*(math.Log(0.75)+math.Log(0.25))/6)
}
