package ir

// opRules holds the fusion kind and inference rule per qualified op name;
// a rule applies to every version of its op and reads n.Version where the
// versions differ. Ops missing here are Opaque without a rule: inference
// gives their outputs only the dtypes their type constraints imply (the
// dtype of the input bound to the same type variable, or a fixed type).
var opRules = buildRules()

func buildRules() map[string]opRule {
	r := map[string]opRule{}
	add := func(kind FusionKind, f inferFunc, ops ...string) {
		for _, op := range ops {
			r[op] = opRule{kind: kind, infer: f}
		}
	}
	add(Elementwise, sameShape,
		"Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "BitwiseNot", "Ceil", "Celu", "Cos",
		"Cosh", "Elu", "Erf", "Exp", "Floor", "Gelu", "HardSigmoid", "HardSwish", "IsInf", "IsNaN",
		"LeakyRelu", "Log", "Mish", "Neg", "Not", "Reciprocal", "Relu", "Round", "Selu", "Shrink",
		"Sigmoid", "Sign", "Sin", "Sinh", "Softplus", "Softsign", "Sqrt", "Swish", "Tan", "Tanh",
		"ThresholdedRelu", "Clip", "CastLike", "Identity", "Dropout", "QuantizeLinear", "DequantizeLinear")
	add(Elementwise, inferCast, "Cast")
	add(Broadcast, broadcast,
		"Add", "Sub", "Mul", "Div", "Pow", "Mod", "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor",
		"And", "Or", "Xor", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
		"Max", "Min", "Sum", "Mean", "PRelu", "Where", "StringConcat")
	add(Opaque, sameShape, "Softmax", "LogSoftmax", "Hardmax", "RotaryEmbedding",
		"InstanceNormalization", "GroupNormalization", "LpNormalization", "MeanVarianceNormalization",
		"LRN", "RMSNormalization", "CumSum", "CumProd", "Bernoulli")
	add(Opaque, inferLayerNorm, "LayerNormalization")
	add(Opaque, inferBatchNorm, "BatchNormalization")
	add(Opaque, inferDTypeAttrLike, "EyeLike", "RandomNormalLike", "RandomUniformLike")
	add(Injective, sameShape, "Trilu", "ScatterND", "ScatterElements", "Scatter", "ReverseSequence")
	add(Injective, inferTranspose, "Transpose")
	add(Injective, inferReshape, "Reshape")
	add(Injective, inferFlatten, "Flatten")
	add(Injective, inferSqueeze, "Squeeze")
	add(Injective, inferUnsqueeze, "Unsqueeze")
	add(Injective, inferConcat, "Concat")
	add(Injective, inferSplit, "Split")
	add(Injective, inferSlice, "Slice")
	add(Injective, inferGather, "Gather")
	add(Injective, indicesShape, "GatherElements")
	add(Injective, inferGatherND, "GatherND")
	add(Injective, inferExpand, "Expand")
	add(Injective, inferTile, "Tile")
	add(Injective, inferPad, "Pad")
	add(Injective, inferDepthSpace(true), "DepthToSpace")
	add(Opaque, inferResize, "Resize", "Upsample")
	add(Injective, inferDepthSpace(false), "SpaceToDepth")
	add(Opaque, inferShapeOp, "Shape")
	add(Opaque, inferSize, "Size")
	add(Opaque, inferConstantOfShape, "ConstantOfShape")
	add(Opaque, inferRange, "Range")
	add(Opaque, inferOneHot, "OneHot")
	add(Opaque, inferNonZero, "NonZero")
	add(Opaque, inferConstant, "Constant")
	add(Opaque, inferWindow, "BlackmanWindow", "HannWindow", "HammingWindow")
	add(Opaque, inferRandom, "RandomNormal", "RandomUniform")
	add(MatMulLike, inferMatMul(1), "MatMul", "MatMulInteger")
	add(MatMulLike, inferMatMul(3), "QLinearMatMul")
	add(MatMulLike, inferGemm, "Gemm")
	add(MatMulLike, inferConv(1), "Conv", "ConvInteger")
	add(MatMulLike, inferConv(3), "QLinearConv")
	add(MatMulLike, inferConvTranspose, "ConvTranspose")
	add(MatMulLike, inferEinsum, "Einsum")
	add(Opaque, inferPool, "MaxPool", "AveragePool", "LpPool")
	add(Reduction, inferGlobalPool, "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool")
	add(Opaque, inferAttention, "Attention")
	add(Opaque, inferRNN, "RNN", "GRU", "LSTM")
	add(Opaque, inferLoss, "NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss")
	add(Opaque, inferGridSample, "GridSample")
	add(Opaque, inferFlexAttention, "ai.onnx.preview:FlexAttention")
	add(Reduction, inferReduce(13), "ReduceSum")
	add(Reduction, inferReduce(18), "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
		"ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare")
	add(Reduction, inferArgReduce, "ArgMax", "ArgMin")
	add(Opaque, inferTopK, "TopK")
	add(Opaque, inferDet, "Det")
	add(Opaque, inferIf, "If")
	add(Opaque, inferLoop, "Loop")
	add(Opaque, inferScan, "Scan")
	return r
}
