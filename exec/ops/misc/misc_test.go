package misc_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/misc"
	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

const (
	mlDomain       = misc.MLDomain
	trainingDomain = misc.TrainingDomain
)

// tol is the tolerance of float results: 1e-6 relative to values above 1,
// absolute below.
var tol = opstest.Tol{Rel: 1e-6, Abs: 1e-6}

// run runs domain:op at opset 22 with the given attributes on inputs
// through the reference interpreter; it keeps up to three outputs.
func run(domain, op string, attrs map[string]*ir.Attr, inputs ...*ir.Tensor) ([]*ir.Tensor, error) {
	return opstest.TryOp(ir.QualifiedOp(domain, op), 22, attrs, 3, inputs...)
}

// mustRun is run for calls that must succeed.
func mustRun(t *testing.T, domain, op string, attrs map[string]*ir.Attr, inputs ...*ir.Tensor) []*ir.Tensor {
	t.Helper()
	return opstest.RunOp(t, ir.QualifiedOp(domain, op), 22, attrs, 3, inputs...)
}

// fails checks that a call is refused with an error (what says why it
// should be), not a recovered panic.
func fails(t *testing.T, what, domain, op string, attrs map[string]*ir.Attr, inputs ...*ir.Tensor) {
	t.Helper()
	_, err := run(domain, op, attrs, inputs...)
	opstest.CheckErr(t, what, err, "")
}

func TestNonMaxSuppression(t *testing.T) {
	// The suppress_by_IOU example of the ONNX operator documentation.
	boxes := opstest.Tensor(ir.Float32, []int64{1, 6, 4}, 0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, -0.1, 1, 0.9,
		0, 10, 1, 11, 0, 10.1, 1, 11.1, 0, 100, 1, 101)
	scores := opstest.Tensor(ir.Float32, []int64{1, 1, 6}, 0.9, 0.75, 0.6, 0.95, 0.5, 0.3)
	out := mustRun(t, "", "NonMaxSuppression", nil, boxes, scores,
		opstest.Tensor(ir.Int64, []int64{1}, 3), opstest.Tensor(ir.Float32, []int64{1}, 0.5), opstest.Tensor(ir.Float32, []int64{1}, 0))
	opstest.CheckTensor(t, tol, "suppress by IoU", out[0], opstest.Tensor(ir.Int64, []int64{3, 3}, 0, 0, 3, 0, 0, 0, 0, 0, 5))
	// A score threshold of 0.4 drops box 5; at most 2 boxes per class.
	out = mustRun(t, "", "NonMaxSuppression", nil, boxes, scores,
		opstest.Tensor(ir.Int64, []int64{1}, 2), opstest.Tensor(ir.Float32, []int64{1}, 0.5), opstest.Tensor(ir.Float32, []int64{1}, 0.4))
	opstest.CheckTensor(t, tol, "limited", out[0], opstest.Tensor(ir.Int64, []int64{2, 3}, 0, 0, 3, 0, 0, 0))
	// Without max_output_boxes_per_class nothing is selected.
	out = mustRun(t, "", "NonMaxSuppression", nil, boxes, scores)
	opstest.CheckTensor(t, tol, "no limit", out[0], opstest.Tensor(ir.Int64, []int64{0, 3}))
	fails(t, "mismatched scores", "", "NonMaxSuppression", nil, boxes, opstest.Tensor(ir.Float32, []int64{1, 1, 5}, 1, 2, 3, 4, 5))
}

func TestRoiAlign(t *testing.T) {
	x := opstest.Tensor(ir.Float32, []int64{1, 1, 2, 2}, 1, 2, 3, 4)
	rois := opstest.Tensor(ir.Float32, []int64{1, 4}, 0, 0, 1, 1)
	idx := opstest.Tensor(ir.Int64, []int64{1}, 0)
	attrs := func(mode, coords string) map[string]*ir.Attr {
		return opstest.Attrs("sampling_ratio", 1, "mode", mode, "coordinate_transformation_mode", coords)
	}
	// One sample at the bin centre (0.5, 0.5): the mean of the four pixels.
	out := mustRun(t, "", "RoiAlign", attrs("avg", "output_half_pixel"), x, rois, idx)
	opstest.CheckTensor(t, tol, "output_half_pixel", out[0], opstest.Tensor(ir.Float32, []int64{1, 1, 1, 1}, 2.5))
	// half_pixel shifts the RoI by -0.5: the sample lands on pixel (0, 0).
	out = mustRun(t, "", "RoiAlign", attrs("avg", "half_pixel"), x, rois, idx)
	opstest.CheckTensor(t, tol, "half_pixel", out[0], opstest.Tensor(ir.Float32, []int64{1, 1, 1, 1}, 1))
	// max takes the largest weighted corner: 0.25 * 4.
	out = mustRun(t, "", "RoiAlign", attrs("max", "output_half_pixel"), x, rois, idx)
	opstest.CheckTensor(t, tol, "max", out[0], opstest.Tensor(ir.Float32, []int64{1, 1, 1, 1}, 1))
	fails(t, "batch index out of range", "", "RoiAlign", nil, x, rois, opstest.Tensor(ir.Int64, []int64{1}, 1))
}

func TestStringOps(t *testing.T) {
	days := opstest.Strs([]int64{1, 4}, "monday", "tuesday", "wednesday", "thursday")
	out := mustRun(t, "", "StringNormalizer",
		opstest.Attrs("stopwords", []string{"MONDAY"}, "case_change_action", "UPPER"), days)
	opstest.CheckTensor(t, tol, "normalized", out[0], opstest.Strs([]int64{1, 3}, "TUESDAY", "WEDNESDAY", "THURSDAY"))
	out = mustRun(t, "", "StringNormalizer",
		opstest.Attrs("stopwords", []string{"monday"}, "is_case_sensitive", 1), opstest.Strs([]int64{2}, "monday", "monday"))
	opstest.CheckTensor(t, tol, "all dropped", out[0], opstest.Strs([]int64{1}, ""))

	out = mustRun(t, "", "StringSplit", opstest.Attrs("delimiter", ","), opstest.Strs([]int64{2}, "abc,def", "a,,b"))
	opstest.CheckTensor(t, tol, "split", out[0], opstest.Strs([]int64{2, 3}, "abc", "def", "", "a", "", "b"))
	opstest.CheckTensor(t, tol, "split counts", out[1], opstest.Tensor(ir.Int64, []int64{2}, 2, 3))
	out = mustRun(t, "", "StringSplit", opstest.Attrs("maxsplit", 1), opstest.Strs([]int64{1}, " a  b c "))
	opstest.CheckTensor(t, tol, "split on space", out[0], opstest.Strs([]int64{1, 2}, "a", "b c "))

	out = mustRun(t, "", "StringConcat", nil, opstest.Strs([]int64{2}, "a", "b"), opstest.Strs(nil, "!"))
	opstest.CheckTensor(t, tol, "concat", out[0], opstest.Strs([]int64{2}, "a!", "b!"))

	out = mustRun(t, "", "RegexFullMatch", opstest.Attrs("pattern", `www\.[\w.-]+\.\bcom\b`),
		opstest.Strs([]int64{3}, "www.google.com", "www.facebook.com", "www.bbc.co.uk"))
	opstest.CheckTensor(t, tol, "regex", out[0], &ir.Tensor{DType: ir.Bool, Shape: []int64{3}, Data: []bool{true, true, false}})
	out = mustRun(t, "", "RegexFullMatch", opstest.Attrs("pattern", "ab|abc"), opstest.Strs([]int64{2}, "abc", "xab"))
	opstest.CheckTensor(t, tol, "full match", out[0], &ir.Tensor{DType: ir.Bool, Shape: []int64{2}, Data: []bool{true, false}})
	fails(t, "bad pattern", "", "RegexFullMatch", opstest.Attrs("pattern", "("), opstest.Strs(nil, ""))
}

func TestTfIdfVectorizer(t *testing.T) {
	// The ONNX documentation's example: pool 1-grams 2 3 5 4, 2-grams (5 6) (7 8) (6 7).
	x := opstest.Tensor(ir.Int32, []int64{12}, 1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8)
	attrs := opstest.Attrs(
		"min_gram_length", 2, "max_gram_length", 2, "max_skip_count", 0, "mode", "TF",
		"ngram_counts", []int64{0, 4}, "ngram_indexes", []int64{0, 1, 2, 3, 4, 5, 6},
		"pool_int64s", []int64{2, 3, 5, 4, 5, 6, 7, 8, 6, 7})
	out := mustRun(t, "", "TfIdfVectorizer", attrs, x)
	opstest.CheckTensor(t, tol, "bigrams", out[0], opstest.Tensor(ir.Float32, []int64{7}, 0, 0, 0, 0, 1, 1, 1))
	// 1- and 2-grams, skipping up to one item (no pooled pair is one apart);
	// TFIDF weighs (7 8) by 2.
	attrs["min_gram_length"], attrs["max_skip_count"] = opstest.Attr(1), opstest.Attr(1)
	attrs["mode"] = opstest.Attr("TFIDF")
	attrs["weights"] = opstest.Attr([]float32{1, 1, 1, 1, 1, 2, 1})
	out = mustRun(t, "", "TfIdfVectorizer", attrs, x)
	opstest.CheckTensor(t, tol, "skip 1", out[0], opstest.Tensor(ir.Float32, []int64{7}, 0, 3, 1, 0, 1, 2, 1))
	// IDF caps counts at 1 (row 0 holds three 3s).
	attrs["mode"] = opstest.Attr("IDF")
	out = mustRun(t, "", "TfIdfVectorizer", attrs, opstest.Tensor(ir.Int64, []int64{2, 6}, 1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8))
	opstest.CheckTensor(t, tol, "IDF rows", out[0], opstest.Tensor(ir.Float32, []int64{2, 7}, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1))
}

func TestMLOps(t *testing.T) {
	out := mustRun(t, mlDomain, "Binarizer", opstest.Attrs("threshold", float32(1)), opstest.Tensor(ir.Float32, []int64{3}, 0.5, 1, 2))
	opstest.CheckTensor(t, tol, "binarizer", out[0], opstest.Tensor(ir.Float32, []int64{3}, 0, 0, 1))

	x := opstest.Tensor(ir.Float32, []int64{2, 3}, 0, 1, 2, 3, 4, 5)
	out = mustRun(t, mlDomain, "ArrayFeatureExtractor", nil, x, opstest.Tensor(ir.Int64, []int64{2}, 2, 0))
	opstest.CheckTensor(t, tol, "features", out[0], opstest.Tensor(ir.Float32, []int64{2, 2}, 2, 0, 5, 3))
	fails(t, "index out of range", mlDomain, "ArrayFeatureExtractor", nil, x, opstest.Tensor(ir.Int64, []int64{1}, 3))

	enc := opstest.Attrs("keys_strings", []string{"a", "b", "c"}, "values_int64s", []int64{0, 1, 2})
	out = mustRun(t, mlDomain, "LabelEncoder", enc, opstest.Strs([]int64{3}, "a", "d", "c"))
	opstest.CheckTensor(t, tol, "labels", out[0], opstest.Tensor(ir.Int64, []int64{3}, 0, -1, 2))
	enc = opstest.Attrs(
		"keys_tensor", opstest.Tensor(ir.Float32, []int64{2}, math.NaN(), 1),
		"values_tensor", opstest.Tensor(ir.Int16, []int64{2}, 7, 8),
		"default_tensor", opstest.Tensor(ir.Int16, []int64{1}, 42))
	out = mustRun(t, mlDomain, "LabelEncoder", enc, opstest.Tensor(ir.Float32, []int64{3}, 1, math.NaN(), 2))
	opstest.CheckTensor(t, tol, "tensor labels", out[0], opstest.Tensor(ir.Int16, []int64{3}, 8, 7, 42))
}

func TestTreeEnsemble(t *testing.T) {
	// Node 0: x <= 1 goes to leaf 0, else node 1: x in {3, 4} goes to leaf
	// 1, else leaf 2. NaN takes node 0's true branch.
	attrs := opstest.Attrs(
		"n_targets", 1, "tree_roots", []int64{0}, "nodes_featureids", []int64{0, 0},
		"nodes_modes", &ir.Tensor{DType: ir.Uint8, Shape: []int64{2}, Data: []uint8{misc.TreeModeLeq, misc.TreeModeMemberOf}},
		"nodes_splits", opstest.Tensor(ir.Float32, []int64{2}, 1, math.NaN()),
		"membership_values", opstest.Tensor(ir.Float32, []int64{2}, 3, 4),
		"nodes_truenodeids", []int64{0, 1}, "nodes_trueleafs", []int64{1, 1},
		"nodes_falsenodeids", []int64{1, 2}, "nodes_falseleafs", []int64{0, 1},
		"nodes_missing_value_tracks_true", []int64{1, 0},
		"leaf_targetids", []int64{0, 0, 0}, "leaf_weights", opstest.Tensor(ir.Float32, []int64{3}, 5, 7, 9))
	x := opstest.Tensor(ir.Float32, []int64{4, 1}, 0, 3, 5, math.NaN())
	out := mustRun(t, mlDomain, "TreeEnsemble", attrs, x)
	opstest.CheckTensor(t, tol, "tree", out[0], opstest.Tensor(ir.Float32, []int64{4, 1}, 5, 7, 9, 5))
	attrs["post_transform"] = opstest.Attr(2)
	out = mustRun(t, mlDomain, "TreeEnsemble", attrs, opstest.Tensor(ir.Float64, []int64{1, 1}, 0))
	opstest.CheckTensor(t, tol, "logistic", out[0], opstest.Tensor(ir.Float64, []int64{1, 1}, 1/(1+math.Exp(-5))))
	attrs["nodes_falsenodeids"] = opstest.Attr([]int64{1, 0})
	attrs["nodes_falseleafs"] = opstest.Attr([]int64{0, 0})
	fails(t, "cyclic tree", mlDomain, "TreeEnsemble", attrs, opstest.Tensor(ir.Float32, []int64{1, 1}, 5))
}

func TestOptimizers(t *testing.T) {
	one := func(v float64) *ir.Tensor { return opstest.Tensor(ir.Float32, []int64{1}, v) }
	r, t0, t1 := opstest.Tensor(ir.Float32, nil, 0.1), opstest.Tensor(ir.Int64, nil, 0), opstest.Tensor(ir.Int64, nil, 1)
	// Hand-computed from the update rules of the ONNX documentation with
	// X = 1, G = -1, norm_coefficient = 0.001.
	out := mustRun(t, trainingDomain, "Adagrad",
		opstest.Attrs("norm_coefficient", float32(0.001), "epsilon", float32(1e-5), "decay_factor", float32(0.1)),
		r, t0, one(1), one(-1), one(2))
	opstest.CheckTensor(t, tol, "adagrad X", out[0], one(1.0576961844316204))
	opstest.CheckTensor(t, tol, "adagrad H", out[1], one(2.998001))
	out = mustRun(t, trainingDomain, "Momentum",
		opstest.Attrs("norm_coefficient", float32(0.001), "alpha", float32(0.95), "beta", float32(0.1), "mode", "standard"),
		r, t0, one(1), one(-1), one(0.5))
	opstest.CheckTensor(t, tol, "momentum X", out[0], one(1.0524))
	opstest.CheckTensor(t, tol, "momentum V", out[1], one(-0.524))
	out = mustRun(t, trainingDomain, "Adam",
		opstest.Attrs("norm_coefficient", float32(0.001), "alpha", float32(0.95), "beta", float32(0.1), "epsilon", float32(1e-7)),
		r, t1, one(1), one(-1), one(0.5), one(2))
	opstest.CheckTensor(t, tol, "adam X", out[0], one(0.23042609721221863))
	opstest.CheckTensor(t, tol, "adam V", out[1], one(0.42505))
	opstest.CheckTensor(t, tol, "adam H", out[2], one(1.0982009))
	fails(t, "missing state", trainingDomain, "Adam", nil, r, t1, one(1), one(-1), one(0.5))
}

func TestTensorScatter(t *testing.T) {
	past := opstest.Tensor(ir.Float32, []int64{2, 3, 1}, 10, 11, 12, 13, 14, 15)
	upd := opstest.Tensor(ir.Float32, []int64{2, 2, 1}, 1, 2, 3, 4)
	at := opstest.Tensor(ir.Int64, []int64{2}, 0, 2)
	out := mustRun(t, "", "TensorScatter", opstest.Attrs("mode", "circular"), past, upd, at)
	opstest.CheckTensor(t, tol, "circular", out[0], opstest.Tensor(ir.Float32, []int64{2, 3, 1}, 1, 2, 12, 4, 14, 3))
	out = mustRun(t, "", "TensorScatter", nil, past, upd, nil)
	opstest.CheckTensor(t, tol, "linear", out[0], opstest.Tensor(ir.Float32, []int64{2, 3, 1}, 1, 2, 12, 3, 4, 15))
	opstest.CheckTensor(t, tol, "input untouched", past, opstest.Tensor(ir.Float32, []int64{2, 3, 1}, 10, 11, 12, 13, 14, 15))
	fails(t, "linear write past the end", "", "TensorScatter", nil, past, upd, at)
}

func TestImageDecoder(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	img.Set(0, 0, color.NRGBA{R: 255, A: 255})
	img.Set(1, 0, color.NRGBA{R: 10, G: 20, B: 30, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	stream := &ir.Tensor{DType: ir.Uint8, Shape: []int64{int64(buf.Len())}, Data: buf.Bytes()}
	u8 := func(shape []int64, v ...uint8) *ir.Tensor { return &ir.Tensor{DType: ir.Uint8, Shape: shape, Data: v} }
	for _, c := range []struct {
		format string
		want   *ir.Tensor
	}{
		{"RGB", u8([]int64{1, 2, 3}, 255, 0, 0, 10, 20, 30)},
		{"BGR", u8([]int64{1, 2, 3}, 0, 0, 255, 30, 20, 10)},
		{"Grayscale", u8([]int64{1, 2, 1}, 76, 18)},
	} {
		out := mustRun(t, "", "ImageDecoder", opstest.Attrs("pixel_format", c.format), stream)
		opstest.CheckTensor(t, tol, c.format, out[0], c.want)
	}
	fails(t, "garbage stream", "", "ImageDecoder", nil, u8([]int64{3}, 1, 2, 3))
}
