package misc

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// registry holds the package's kernels for the tests.
var registry = func() kernel.Registry {
	r := kernel.Registry{}
	Register(r)
	return r
}()

// run runs the kernel of domain:op with the given attributes on inputs.
func run(domain, op string, attrs map[string]*ir.Attr, inputs ...*ir.Tensor) ([]*ir.Tensor, error) {
	ctx := &kernel.Context{Node: &ir.Node{Name: "n", Op: op, Domain: domain, Version: 22, Attrs: attrs}}
	return registry[ir.QualifiedOp(domain, op)](ctx, inputs)
}

// mustRun is run for calls that must succeed.
func mustRun(t *testing.T, domain, op string, attrs map[string]*ir.Attr, inputs ...*ir.Tensor) []*ir.Tensor {
	t.Helper()
	out, err := run(domain, op, attrs, inputs...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func num(v int64) *ir.Attr       { return &ir.Attr{Kind: ir.AttrInt, Int: v} }
func flt(v float32) *ir.Attr     { return &ir.Attr{Kind: ir.AttrFloat, Float: v} }
func str(s string) *ir.Attr      { return &ir.Attr{Kind: ir.AttrString, String: s} }
func ints(v ...int64) *ir.Attr   { return &ir.Attr{Kind: ir.AttrInts, Ints: v} }
func strs(v ...string) *ir.Attr  { return &ir.Attr{Kind: ir.AttrStrings, Strings: v} }
func tens(t *ir.Tensor) *ir.Attr { return &ir.Attr{Kind: ir.AttrTensor, Tensor: t} }

// vals makes a tensor of dtype dt and the given shape.
func vals(dt ir.DType, shape []int64, v ...float64) *ir.Tensor {
	t, err := ir.FromFloat64s(dt, shape, v)
	if err != nil {
		panic(err)
	}
	return t
}

func text(shape []int64, v ...string) *ir.Tensor {
	return &ir.Tensor{DType: ir.String, Shape: shape, Data: v}
}

// check compares got with want: dtype, shape and data (floats within 1e-6).
func check(t *testing.T, what string, got, want *ir.Tensor) {
	t.Helper()
	if got.DType != want.DType || fmt.Sprint(got.Shape) != fmt.Sprint(want.Shape) {
		t.Errorf("%s: got %v%v, want %v%v", what, got.DType, got.Shape, want.DType, want.Shape)
		return
	}
	if !want.DType.IsFloat() {
		if fmt.Sprint(got.Data) != fmt.Sprint(want.Data) {
			t.Errorf("%s: got %v, want %v", what, got.Data, want.Data)
		}
		return
	}
	g, w := got.Float64s(), want.Float64s()
	for i := range w {
		if math.Abs(g[i]-w[i]) > 1e-6*math.Max(1, math.Abs(w[i])) {
			t.Errorf("%s: got %v, want %v", what, g, w)
			return
		}
	}
}

func TestNonMaxSuppression(t *testing.T) {
	// The suppress_by_IOU example of the ONNX operator documentation.
	boxes := vals(ir.Float32, []int64{1, 6, 4}, 0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, -0.1, 1, 0.9,
		0, 10, 1, 11, 0, 10.1, 1, 11.1, 0, 100, 1, 101)
	scores := vals(ir.Float32, []int64{1, 1, 6}, 0.9, 0.75, 0.6, 0.95, 0.5, 0.3)
	out := mustRun(t, "", "NonMaxSuppression", nil, boxes, scores,
		vals(ir.Int64, []int64{1}, 3), vals(ir.Float32, []int64{1}, 0.5), vals(ir.Float32, []int64{1}, 0))
	check(t, "suppress by IoU", out[0], vals(ir.Int64, []int64{3, 3}, 0, 0, 3, 0, 0, 0, 0, 0, 5))
	// A score threshold of 0.4 drops box 5; at most 2 boxes per class.
	out = mustRun(t, "", "NonMaxSuppression", nil, boxes, scores,
		vals(ir.Int64, []int64{1}, 2), vals(ir.Float32, []int64{1}, 0.5), vals(ir.Float32, []int64{1}, 0.4))
	check(t, "limited", out[0], vals(ir.Int64, []int64{2, 3}, 0, 0, 3, 0, 0, 0))
	// Without max_output_boxes_per_class nothing is selected.
	out = mustRun(t, "", "NonMaxSuppression", nil, boxes, scores)
	check(t, "no limit", out[0], vals(ir.Int64, []int64{0, 3}))
	if _, err := run("", "NonMaxSuppression", nil, boxes, vals(ir.Float32, []int64{1, 1, 5}, 1, 2, 3, 4, 5)); err == nil {
		t.Error("mismatched scores: no error")
	}
}

func TestRoiAlign(t *testing.T) {
	x := vals(ir.Float32, []int64{1, 1, 2, 2}, 1, 2, 3, 4)
	rois := vals(ir.Float32, []int64{1, 4}, 0, 0, 1, 1)
	idx := vals(ir.Int64, []int64{1}, 0)
	attrs := func(mode, coords string) map[string]*ir.Attr {
		return map[string]*ir.Attr{"sampling_ratio": num(1), "mode": str(mode), "coordinate_transformation_mode": str(coords)}
	}
	// One sample at the bin centre (0.5, 0.5): the mean of the four pixels.
	out := mustRun(t, "", "RoiAlign", attrs("avg", "output_half_pixel"), x, rois, idx)
	check(t, "output_half_pixel", out[0], vals(ir.Float32, []int64{1, 1, 1, 1}, 2.5))
	// half_pixel shifts the RoI by -0.5: the sample lands on pixel (0, 0).
	out = mustRun(t, "", "RoiAlign", attrs("avg", "half_pixel"), x, rois, idx)
	check(t, "half_pixel", out[0], vals(ir.Float32, []int64{1, 1, 1, 1}, 1))
	// max takes the largest weighted corner: 0.25 * 4.
	out = mustRun(t, "", "RoiAlign", attrs("max", "output_half_pixel"), x, rois, idx)
	check(t, "max", out[0], vals(ir.Float32, []int64{1, 1, 1, 1}, 1))
	if _, err := run("", "RoiAlign", nil, x, rois, vals(ir.Int64, []int64{1}, 1)); err == nil {
		t.Error("batch index out of range: no error")
	}
}

func TestStringOps(t *testing.T) {
	days := text([]int64{1, 4}, "monday", "tuesday", "wednesday", "thursday")
	out := mustRun(t, "", "StringNormalizer",
		map[string]*ir.Attr{"stopwords": strs("MONDAY"), "case_change_action": str("UPPER")}, days)
	check(t, "normalized", out[0], text([]int64{1, 3}, "TUESDAY", "WEDNESDAY", "THURSDAY"))
	out = mustRun(t, "", "StringNormalizer",
		map[string]*ir.Attr{"stopwords": strs("monday"), "is_case_sensitive": num(1)}, text([]int64{2}, "monday", "monday"))
	check(t, "all dropped", out[0], text([]int64{1}, ""))

	out = mustRun(t, "", "StringSplit", map[string]*ir.Attr{"delimiter": str(",")}, text([]int64{2}, "abc,def", "a,,b"))
	check(t, "split", out[0], text([]int64{2, 3}, "abc", "def", "", "a", "", "b"))
	check(t, "split counts", out[1], vals(ir.Int64, []int64{2}, 2, 3))
	out = mustRun(t, "", "StringSplit", map[string]*ir.Attr{"maxsplit": num(1)}, text([]int64{1}, " a  b c "))
	check(t, "split on space", out[0], text([]int64{1, 2}, "a", "b c "))

	out = mustRun(t, "", "StringConcat", nil, text([]int64{2}, "a", "b"), text(nil, "!"))
	check(t, "concat", out[0], text([]int64{2}, "a!", "b!"))

	out = mustRun(t, "", "RegexFullMatch", map[string]*ir.Attr{"pattern": str(`www\.[\w.-]+\.\bcom\b`)},
		text([]int64{3}, "www.google.com", "www.facebook.com", "www.bbc.co.uk"))
	check(t, "regex", out[0], &ir.Tensor{DType: ir.Bool, Shape: []int64{3}, Data: []bool{true, true, false}})
	out = mustRun(t, "", "RegexFullMatch", map[string]*ir.Attr{"pattern": str("ab|abc")}, text([]int64{2}, "abc", "xab"))
	check(t, "full match", out[0], &ir.Tensor{DType: ir.Bool, Shape: []int64{2}, Data: []bool{true, false}})
	if _, err := run("", "RegexFullMatch", map[string]*ir.Attr{"pattern": str("(")}, text(nil, "")); err == nil {
		t.Error("bad pattern: no error")
	}
}

func TestTfIdfVectorizer(t *testing.T) {
	// The ONNX documentation's example: pool 1-grams 2 3 5 4, 2-grams (5 6) (7 8) (6 7).
	x := vals(ir.Int32, []int64{12}, 1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8)
	attrs := map[string]*ir.Attr{
		"min_gram_length": num(2), "max_gram_length": num(2), "max_skip_count": num(0), "mode": str("TF"),
		"ngram_counts": ints(0, 4), "ngram_indexes": ints(0, 1, 2, 3, 4, 5, 6),
		"pool_int64s": ints(2, 3, 5, 4, 5, 6, 7, 8, 6, 7),
	}
	out := mustRun(t, "", "TfIdfVectorizer", attrs, x)
	check(t, "bigrams", out[0], vals(ir.Float32, []int64{7}, 0, 0, 0, 0, 1, 1, 1))
	// 1- and 2-grams, skipping up to one item (no pooled pair is one apart);
	// TFIDF weighs (7 8) by 2.
	attrs["min_gram_length"], attrs["max_skip_count"] = num(1), num(1)
	attrs["mode"] = str("TFIDF")
	attrs["weights"] = &ir.Attr{Kind: ir.AttrFloats, Floats: []float32{1, 1, 1, 1, 1, 2, 1}}
	out = mustRun(t, "", "TfIdfVectorizer", attrs, x)
	check(t, "skip 1", out[0], vals(ir.Float32, []int64{7}, 0, 3, 1, 0, 1, 2, 1))
	// IDF caps counts at 1 (row 0 holds three 3s).
	attrs["mode"] = str("IDF")
	out = mustRun(t, "", "TfIdfVectorizer", attrs, vals(ir.Int64, []int64{2, 6}, 1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8))
	check(t, "IDF rows", out[0], vals(ir.Float32, []int64{2, 7}, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1))
}

func TestMLOps(t *testing.T) {
	out := mustRun(t, mlDomain, "Binarizer", map[string]*ir.Attr{"threshold": flt(1)}, vals(ir.Float32, []int64{3}, 0.5, 1, 2))
	check(t, "binarizer", out[0], vals(ir.Float32, []int64{3}, 0, 0, 1))

	x := vals(ir.Float32, []int64{2, 3}, 0, 1, 2, 3, 4, 5)
	out = mustRun(t, mlDomain, "ArrayFeatureExtractor", nil, x, vals(ir.Int64, []int64{2}, 2, 0))
	check(t, "features", out[0], vals(ir.Float32, []int64{2, 2}, 2, 0, 5, 3))
	if _, err := run(mlDomain, "ArrayFeatureExtractor", nil, x, vals(ir.Int64, []int64{1}, 3)); err == nil {
		t.Error("index out of range: no error")
	}

	enc := map[string]*ir.Attr{"keys_strings": strs("a", "b", "c"), "values_int64s": ints(0, 1, 2)}
	out = mustRun(t, mlDomain, "LabelEncoder", enc, text([]int64{3}, "a", "d", "c"))
	check(t, "labels", out[0], vals(ir.Int64, []int64{3}, 0, -1, 2))
	enc = map[string]*ir.Attr{
		"keys_tensor":    tens(vals(ir.Float32, []int64{2}, math.NaN(), 1)),
		"values_tensor":  tens(vals(ir.Int16, []int64{2}, 7, 8)),
		"default_tensor": tens(vals(ir.Int16, []int64{1}, 42)),
	}
	out = mustRun(t, mlDomain, "LabelEncoder", enc, vals(ir.Float32, []int64{3}, 1, math.NaN(), 2))
	check(t, "tensor labels", out[0], vals(ir.Int16, []int64{3}, 8, 7, 42))
}

func TestTreeEnsemble(t *testing.T) {
	// Node 0: x <= 1 goes to leaf 0, else node 1: x in {3, 4} goes to leaf
	// 1, else leaf 2. NaN takes node 0's true branch.
	attrs := map[string]*ir.Attr{
		"n_targets": num(1), "tree_roots": ints(0), "nodes_featureids": ints(0, 0),
		"nodes_modes":       tens(&ir.Tensor{DType: ir.Uint8, Shape: []int64{2}, Data: []uint8{leq, memberOf}}),
		"nodes_splits":      tens(vals(ir.Float32, []int64{2}, 1, math.NaN())),
		"membership_values": tens(vals(ir.Float32, []int64{2}, 3, 4)),
		"nodes_truenodeids": ints(0, 1), "nodes_trueleafs": ints(1, 1),
		"nodes_falsenodeids": ints(1, 2), "nodes_falseleafs": ints(0, 1),
		"nodes_missing_value_tracks_true": ints(1, 0),
		"leaf_targetids":                  ints(0, 0, 0), "leaf_weights": tens(vals(ir.Float32, []int64{3}, 5, 7, 9)),
	}
	x := vals(ir.Float32, []int64{4, 1}, 0, 3, 5, math.NaN())
	out := mustRun(t, mlDomain, "TreeEnsemble", attrs, x)
	check(t, "tree", out[0], vals(ir.Float32, []int64{4, 1}, 5, 7, 9, 5))
	attrs["post_transform"] = num(2)
	out = mustRun(t, mlDomain, "TreeEnsemble", attrs, vals(ir.Float64, []int64{1, 1}, 0))
	check(t, "logistic", out[0], vals(ir.Float64, []int64{1, 1}, 1/(1+math.Exp(-5))))
	attrs["nodes_falsenodeids"] = ints(1, 0)
	attrs["nodes_falseleafs"] = ints(0, 0)
	if _, err := run(mlDomain, "TreeEnsemble", attrs, vals(ir.Float32, []int64{1, 1}, 5)); err == nil {
		t.Error("cyclic tree: no error")
	}
}

func TestOptimizers(t *testing.T) {
	one := func(v float64) *ir.Tensor { return vals(ir.Float32, []int64{1}, v) }
	r, t0, t1 := vals(ir.Float32, nil, 0.1), vals(ir.Int64, nil, 0), vals(ir.Int64, nil, 1)
	// Hand-computed from the update rules of the ONNX documentation with
	// X = 1, G = -1, norm_coefficient = 0.001.
	out := mustRun(t, trainingDomain, "Adagrad",
		map[string]*ir.Attr{"norm_coefficient": flt(0.001), "epsilon": flt(1e-5), "decay_factor": flt(0.1)},
		r, t0, one(1), one(-1), one(2))
	check(t, "adagrad X", out[0], one(1.0576961844316204))
	check(t, "adagrad H", out[1], one(2.998001))
	out = mustRun(t, trainingDomain, "Momentum",
		map[string]*ir.Attr{"norm_coefficient": flt(0.001), "alpha": flt(0.95), "beta": flt(0.1), "mode": str("standard")},
		r, t0, one(1), one(-1), one(0.5))
	check(t, "momentum X", out[0], one(1.0524))
	check(t, "momentum V", out[1], one(-0.524))
	out = mustRun(t, trainingDomain, "Adam",
		map[string]*ir.Attr{"norm_coefficient": flt(0.001), "alpha": flt(0.95), "beta": flt(0.1), "epsilon": flt(1e-7)},
		r, t1, one(1), one(-1), one(0.5), one(2))
	check(t, "adam X", out[0], one(0.23042609721221863))
	check(t, "adam V", out[1], one(0.42505))
	check(t, "adam H", out[2], one(1.0982009))
	if _, err := run(trainingDomain, "Adam", nil, r, t1, one(1), one(-1), one(0.5)); err == nil {
		t.Error("missing state: no error")
	}
}

func TestTensorScatter(t *testing.T) {
	past := vals(ir.Float32, []int64{2, 3, 1}, 10, 11, 12, 13, 14, 15)
	upd := vals(ir.Float32, []int64{2, 2, 1}, 1, 2, 3, 4)
	at := vals(ir.Int64, []int64{2}, 0, 2)
	out := mustRun(t, "", "TensorScatter", map[string]*ir.Attr{"mode": str("circular")}, past, upd, at)
	check(t, "circular", out[0], vals(ir.Float32, []int64{2, 3, 1}, 1, 2, 12, 4, 14, 3))
	out = mustRun(t, "", "TensorScatter", nil, past, upd, nil)
	check(t, "linear", out[0], vals(ir.Float32, []int64{2, 3, 1}, 1, 2, 12, 3, 4, 15))
	check(t, "input untouched", past, vals(ir.Float32, []int64{2, 3, 1}, 10, 11, 12, 13, 14, 15))
	if _, err := run("", "TensorScatter", nil, past, upd, at); err == nil {
		t.Error("linear write past the end: no error")
	}
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
		out := mustRun(t, "", "ImageDecoder", map[string]*ir.Attr{"pixel_format": str(c.format)}, stream)
		check(t, c.format, out[0], c.want)
	}
	if _, err := run("", "ImageDecoder", nil, u8([]int64{3}, 1, 2, 3)); err == nil {
		t.Error("garbage stream: no error")
	}
}
