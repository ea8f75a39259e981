// Package misc holds the reference kernels that fit no other family:
// detection ops (NonMaxSuppression, RoiAlign), string ops, the ai.onnx.ml
// ops, the training optimizers of ai.onnx.preview.training, TensorScatter
// and ImageDecoder.
package misc

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// Operator domains besides the default one.
const (
	mlDomain       = "ai.onnx.ml"
	trainingDomain = "ai.onnx.preview.training"
)

// kernels lists every kernel of the package with its domain and the number
// of leading inputs it requires.
var kernels = []struct {
	domain, op string
	required   int
	f          kernel.Func
}{
	{"", "NonMaxSuppression", 2, kernel.Single(nonMaxSuppression)},
	{"", "RoiAlign", 3, kernel.Single(roiAlign)},
	{"", "StringNormalizer", 1, kernel.Single(stringNormalizer)},
	{"", "StringSplit", 1, stringSplit},
	{"", "StringConcat", 2, kernel.Single(stringConcat)},
	{"", "RegexFullMatch", 1, kernel.Single(regexFullMatch)},
	{"", "TfIdfVectorizer", 1, kernel.Single(tfIdfVectorizer)},
	{mlDomain, "Binarizer", 1, kernel.Single(binarizer)},
	{mlDomain, "ArrayFeatureExtractor", 2, kernel.Single(arrayFeatureExtractor)},
	{mlDomain, "LabelEncoder", 1, kernel.Single(labelEncoder)},
	{mlDomain, "TreeEnsemble", 1, kernel.Single(treeEnsemble)},
	{trainingDomain, "Adagrad", 2, optimizer(3, adagrad)},
	{trainingDomain, "Momentum", 2, optimizer(3, momentum)},
	{trainingDomain, "Adam", 2, optimizer(4, adam)},
	{"", "TensorScatter", 2, kernel.Single(tensorScatter)},
	{"", "ImageDecoder", 1, kernel.Single(imageDecoder)},
}

// Register adds the package's kernels to r.
func Register(r kernel.Registry) {
	for _, k := range kernels {
		r.Add(k.domain, k.op, withInputs(k.required, k.f))
	}
}

// withInputs wraps f with a check that its first n inputs are present.
func withInputs(n int, f kernel.Func) kernel.Func {
	return func(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
		if len(in) < n || slices.Contains(in[:n], nil) {
			return nil, ctx.Errorf("needs its first %d inputs, got %d inputs", n, len(in))
		}
		return f(ctx, in)
	}
}

// checkRank returns an error naming what when t's rank is not rank.
func checkRank(ctx *kernel.Context, what string, t *ir.Tensor, rank int) error {
	if t.Rank() != rank {
		return ctx.Errorf("%s must have rank %d, got shape %v", what, rank, t.Shape)
	}
	return nil
}

// scalarInput returns the single element of an optional scalar input, or
// def when the input is omitted or empty.
func scalarInput(t *ir.Tensor, def float64) float64 {
	if t == nil || t.Len() == 0 {
		return def
	}
	return t.Float64s()[0]
}
