// Package reduce holds the reference kernels of the reductions and scans:
// the Reduce family, ArgMax/ArgMin, TopK, CumSum/CumProd, Unique, the
// losses, Det, and the signal ops (DFT, STFT, windows, MelWeightMatrix).
package reduce

import "github.com/tfc-project/tfc/exec/kernel"

// kernels lists the ops besides the Reduce family with the number of
// leading inputs each requires.
var kernels = []struct {
	op       string
	required int
	f        kernel.Func
}{
	{"ArgMax", 1, argKernel(1)},
	{"ArgMin", 1, argKernel(-1)},
	{"TopK", 1, topK},
	{"CumSum", 2, cumulative(0, add[float64], add[int64])},
	{"CumProd", 2, cumulative(1, mul[float64], mul[int64])},
	{"Unique", 1, unique},
	{"NegativeLogLikelihoodLoss", 2, kernel.Single(negativeLogLikelihoodLoss)},
	{"SoftmaxCrossEntropyLoss", 2, softmaxCrossEntropyLoss},
	{"Det", 1, kernel.Single(det)},
	{"DFT", 1, kernel.Single(dftKernel)},
	{"STFT", 2, kernel.Single(stft)},
	{"HannWindow", 1, cosineWindow(0.5, -0.5)},
	{"HammingWindow", 1, cosineWindow(25.0/46, -21.0/46)},
	{"BlackmanWindow", 1, cosineWindow(0.42, -0.5, 0.08)},
	{"MelWeightMatrix", 5, kernel.Single(melWeightMatrix)},
}

// Register adds the package's kernels to r.
func Register(r kernel.Registry) {
	for _, row := range reductions {
		r.Add("", row.op, kernel.RequireInputs(1, reduceKernel(row)))
	}
	for _, k := range kernels {
		r.Add("", k.op, kernel.RequireInputs(k.required, k.f))
	}
}
