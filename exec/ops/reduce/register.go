// Package reduce holds the reference kernels of the reductions and
// scans: the Reduce family, ArgMax/ArgMin, TopK, CumSum and the losses.
package reduce

import "github.com/tfc-project/tfc/exec/kernel"

// Register adds the package's kernels to r.
func Register(r kernel.Registry) {
	for _, row := range reductions {
		r.Add("", row.op, reduceKernel(row))
	}
	r.Add("", "ArgMax", argKernel(1))
	r.Add("", "ArgMin", argKernel(-1))
	r.Add("", "TopK", topK)
	r.Add("", "Unique", unique)
	r.Add("", "NegativeLogLikelihoodLoss", kernel.Single(negativeLogLikelihoodLoss))
	r.Add("", "SoftmaxCrossEntropyLoss", softmaxCrossEntropyLoss)
	r.Add("", "Det", kernel.Single(det))
	r.Add("", "DFT", kernel.Single(dftKernel))
	r.Add("", "STFT", kernel.Single(stft))
	r.Add("", "HannWindow", cosineWindow(0.5, -0.5))
	r.Add("", "HammingWindow", cosineWindow(25.0/46, -21.0/46))
	r.Add("", "BlackmanWindow", cosineWindow(0.42, -0.5, 0.08))
	r.Add("", "MelWeightMatrix", kernel.Single(melWeightMatrix))
	r.Add("", "CumSum", cumulative(0, add[float64], add[int64]))
	r.Add("", "CumProd", cumulative(1, mul[float64], mul[int64]))
}
