// Package nn holds the reference kernels of the neural-network ops: matrix
// products, convolution and pooling, normalizations, softmax, attention and
// rotary embeddings, and the quantization ops.
package nn

import "github.com/tfc-project/tfc/exec/kernel"

// kernels lists the package's ops (all in the default domain) with the
// number of leading inputs each requires.
var kernels = []struct {
	op       string
	required int
	f        kernel.Func
}{
	{"MatMul", 2, kernel.Single(matMul)},
	{"Gemm", 2, kernel.Single(gemm)},
	{"MatMulInteger", 2, kernel.Single(matMulInteger)},
	{"QLinearMatMul", 8, kernel.Single(qLinearMatMul)},
	{"Einsum", 1, kernel.Single(einsum)},
	{"Conv", 2, kernel.Single(conv)},
	{"ConvInteger", 2, kernel.Single(convInteger)},
	{"QLinearConv", 8, kernel.Single(qLinearConv)},
	{"ConvTranspose", 2, kernel.Single(convTranspose)},
	{"CausalConvWithState", 2, causalConvWithState},
	{"DeformConv", 3, kernel.Single(deformConv)},
	{"MaxPool", 1, maxPool},
	{"MaxUnpool", 2, kernel.Single(maxUnpool)},
	{"AveragePool", 1, pooled(averageFold)},
	{"LpPool", 1, pooled(lpFold)},
	{"GlobalAveragePool", 1, global(averageFold)},
	{"GlobalMaxPool", 1, global(maxFold)},
	{"GlobalLpPool", 1, global(lpFold)},
	{"Softmax", 1, alongAxis(softmax)},
	{"LogSoftmax", 1, alongAxis(logSoftmax)},
	{"Hardmax", 1, alongAxis(hardmax)},
	{"Attention", 3, attention},
	{"LinearAttention", 3, linearAttention},
	{"RNN", 3, rnnOpRNN.kernelFunc()},
	{"GRU", 3, rnnOpGRU.kernelFunc()},
	{"LSTM", 3, rnnOpLSTM.kernelFunc()},
	{"RotaryEmbedding", 3, kernel.Single(rotaryEmbedding)},
	{"LayerNormalization", 2, layerNormalization},
	{"RMSNormalization", 2, kernel.Single(rmsNormalization)},
	{"InstanceNormalization", 3, kernel.Single(instanceNormalization)},
	{"GroupNormalization", 3, kernel.Single(groupNormalization)},
	{"MeanVarianceNormalization", 1, kernel.Single(meanVarianceNormalization)},
	{"BatchNormalization", 5, batchNormalization},
	{"LpNormalization", 1, kernel.Single(lpNormalization)},
	{"LRN", 1, kernel.Single(lrn)},
	{"QuantizeLinear", 2, kernel.Single(quantizeLinear)},
	{"DequantizeLinear", 2, kernel.Single(dequantizeLinear)},
	{"DynamicQuantizeLinear", 1, dynamicQuantizeLinear},
}

// Register adds the package's kernels to r.
func Register(r kernel.Registry) {
	for _, k := range kernels {
		r.Add("", k.op, kernel.RequireInputs(k.required, k.f))
	}
	r.Add("ai.onnx.preview", "FlexAttention", kernel.RequireInputs(3, kernel.Single(flexAttention)))
}
