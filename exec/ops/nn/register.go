// Package nn holds the reference kernels of the neural-network ops: matrix
// products, convolution and pooling, normalizations, softmax, attention and
// rotary embeddings.
package nn

import "github.com/tfc-project/tfc/exec/kernel"

// Register adds the package's kernels to r.
func Register(r kernel.Registry) {
	r.Add("", "MatMul", kernel.Single(matMul))
	r.Add("", "Gemm", kernel.Single(gemm))
	r.Add("", "Einsum", kernel.Single(einsum))
	r.Add("", "Conv", kernel.Single(conv))
	r.Add("", "ConvInteger", kernel.Single(convInteger))
	r.Add("", "QLinearConv", kernel.Single(qLinearConv))
	r.Add("", "ConvTranspose", kernel.Single(convTranspose))
	r.Add("", "MaxPool", maxPool)
	r.Add("", "MaxUnpool", kernel.Single(maxUnpool))
	r.Add("", "AveragePool", pooled(averageFold))
	r.Add("", "LpPool", pooled(lpFold))
	r.Add("", "GlobalAveragePool", global(averageFold))
	r.Add("", "GlobalMaxPool", global(maxFold))
	r.Add("", "GlobalLpPool", global(lpFold))
	r.Add("", "MatMulInteger", kernel.Single(matMulInteger))
	r.Add("", "QLinearMatMul", kernel.Single(qLinearMatMul))
	r.Add("", "Softmax", alongAxis(softmax))
	r.Add("", "LogSoftmax", alongAxis(logSoftmax))
	r.Add("", "Hardmax", alongAxis(hardmax))
	r.Add("", "Attention", attention)
	r.Add("", "RotaryEmbedding", kernel.Single(rotaryEmbedding))
	r.Add("", "LayerNormalization", layerNormalization)
	r.Add("", "RMSNormalization", kernel.Single(rmsNormalization))
	r.Add("", "InstanceNormalization", kernel.Single(instanceNormalization))
	r.Add("", "GroupNormalization", kernel.Single(groupNormalization))
	r.Add("", "MeanVarianceNormalization", kernel.Single(meanVarianceNormalization))
	r.Add("", "BatchNormalization", batchNormalization)
	r.Add("", "LpNormalization", kernel.Single(lpNormalization))
	r.Add("", "LRN", kernel.Single(lrn))
	r.Add("", "QuantizeLinear", kernel.Single(quantizeLinear))
	r.Add("", "DequantizeLinear", kernel.Single(dequantizeLinear))
	r.Add("", "DynamicQuantizeLinear", dynamicQuantizeLinear)
}
