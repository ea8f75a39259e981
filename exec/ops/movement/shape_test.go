package movement_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestShapeOps(t *testing.T) {
	x := iota(2, 3, 4)
	runCases(t, []opCase{
		{name: "identity string", op: "Identity", ver: 25, in: ins{opstest.Strs(s(2), "a", "b")}, want: ins{opstest.Strs(s(2), "a", "b")}},
		{name: "dropout inference with mask", op: "Dropout", ver: 22, in: ins{f32(s(3), 1, 2, 3)},
			want: ins{f32(s(3), 1, 2, 3), opstest.Bools(s(3), true, true, true)}},
		{name: "dropout training ratio 0", op: "Dropout", ver: 13,
			in:   ins{f32(s(2), 1, 2), f32(nil, 0), opstest.Bools(nil, true)},
			want: ins{f32(s(2), 1, 2), opstest.Bools(s(2), true, true)}},
		{name: "dropout-7 mask of input dtype", op: "Dropout", ver: 7, attrs: opstest.Attrs("ratio", float32(0.3)),
			in: ins{f32(s(2), 5, 6)}, want: ins{f32(s(2), 5, 6), f32(s(2), 1, 1)}},
		{name: "reshape 0 and -1", op: "Reshape", ver: 14, in: ins{x, i64(s(3), 0, -1, 2)}, want: ins{mustReshape(x, 2, 6, 2)}},
		{name: "reshape allowzero", op: "Reshape", ver: 14, attrs: opstest.Attrs("allowzero", 1),
			in: ins{f32(s(0, 3, 4)), i64(s(3), 3, 4, 0)}, want: ins{f32(s(3, 4, 0))}},
		{name: "reshape-1 attribute", op: "Reshape", ver: 1, attrs: opstest.Attrs("shape", []int64{4, -1}),
			in: ins{x}, want: ins{mustReshape(x, 4, 6)}},
		{name: "flatten axis 0", op: "Flatten", ver: 13, attrs: opstest.Attrs("axis", 0), in: ins{x}, want: ins{mustReshape(x, 1, 24)}},
		{name: "flatten default", op: "Flatten", ver: 13, in: ins{x}, want: ins{mustReshape(x, 2, 12)}},
		{name: "flatten axis -1", op: "Flatten", ver: 13, attrs: opstest.Attrs("axis", -1), in: ins{x}, want: ins{mustReshape(x, 6, 4)}},
		{name: "squeeze all", op: "Squeeze", ver: 13, in: ins{f32(s(1, 2, 1), 7, 8)}, want: ins{f32(s(2), 7, 8)}},
		{name: "squeeze-11 attr", op: "Squeeze", ver: 11, attrs: opstest.Attrs("axes", []int64{-1}),
			in: ins{f32(s(1, 2, 1), 7, 8)}, want: ins{f32(s(1, 2), 7, 8)}},
		{name: "squeeze-13 input", op: "Squeeze", ver: 13, in: ins{f32(s(1, 2, 1), 7, 8), i64(s(1), 0)}, want: ins{f32(s(2, 1), 7, 8)}},
		{name: "unsqueeze-11 attr", op: "Unsqueeze", ver: 11, attrs: opstest.Attrs("axes", []int64{0, 3}),
			in: ins{f32(s(2, 1), 7, 8)}, want: ins{f32(s(1, 2, 1, 1), 7, 8)}},
		{name: "unsqueeze unsorted negative", op: "Unsqueeze", ver: 13, in: ins{f32(s(2), 7, 8), i64(s(2), -1, 0)},
			want: ins{f32(s(1, 2, 1), 7, 8)}},
		{name: "shape", op: "Shape", ver: 13, in: ins{x}, want: ins{i64(s(3), 2, 3, 4)}},
		{name: "shape start end", op: "Shape", ver: 15, attrs: opstest.Attrs("start", -2, "end", 10),
			in: ins{x}, want: ins{i64(s(2), 3, 4)}},
		{name: "shape start after end", op: "Shape", ver: 15, attrs: opstest.Attrs("start", 2, "end", 1),
			in: ins{x}, want: ins{i64(s(0))}},
		{name: "size", op: "Size", ver: 13, in: ins{x}, want: ins{i64(nil, 24)}},
		{name: "transpose default", op: "Transpose", ver: 13, in: ins{f32(s(2, 3), 1, 2, 3, 4, 5, 6)},
			want: ins{f32(s(3, 2), 1, 4, 2, 5, 3, 6)}},
		{name: "transpose perm strings", op: "Transpose", ver: 13, attrs: opstest.Attrs("perm", []int64{1, 0, 2}),
			in:   ins{opstest.Strs(s(2, 2, 1), "a", "b", "c", "d")},
			want: ins{opstest.Strs(s(2, 2, 1), "a", "c", "b", "d")}},
		{name: "transpose 3d", op: "Transpose", ver: 13, attrs: opstest.Attrs("perm", []int64{2, 0, 1}), in: ins{iota(2, 1, 3)},
			want: ins{f32(s(3, 2, 1), 0, 3, 1, 4, 2, 5)}},
	})
	runErrors(t, []errCase{
		{name: "reshape count", op: "Reshape", ver: 14, in: ins{x, i64(s(2), 5, 5)}, want: "cannot reshape"},
		{name: "reshape two -1", op: "Reshape", ver: 14, in: ins{x, i64(s(2), -1, -1)}, want: "more than one -1"},
		{name: "reshape bad dtype", op: "Reshape", ver: 14, in: ins{x, f32(s(1), 24)}, want: "int32 or int64"},
		{name: "squeeze non-1", op: "Squeeze", ver: 13, in: ins{x, i64(s(1), 1)}, want: "cannot squeeze"},
		{name: "unsqueeze no axes", op: "Unsqueeze", ver: 13, in: ins{x}, want: "axes are required"},
		{name: "unsqueeze repeated", op: "Unsqueeze", ver: 13, in: ins{x, i64(s(2), 0, -5)}, want: "repeated"},
		{name: "flatten axis", op: "Flatten", ver: 13, attrs: opstest.Attrs("axis", 4), in: ins{x}, want: "out of range"},
		{name: "transpose perm", op: "Transpose", ver: 13, attrs: opstest.Attrs("perm", []int64{0, 0, 1}), in: ins{x}, want: "repeated"},
		{name: "dropout ratio", op: "Dropout", ver: 13, in: ins{x, f32(nil, 1)}, want: "outside [0, 1)"},
		{name: "missing input", op: "Reshape", ver: 14, in: ins{nil, i64(s(1), 1)}, want: "input 0 is missing"},
	})
}

func TestDropoutTraining(t *testing.T) {
	x := ir.MustTensor(ir.Float32, s(1000))
	for i := range x.Data.([]float32) {
		x.Data.([]float32)[i] = 1
	}
	outs, err := call("Dropout", 22, opstest.Attrs("seed", 3), 2, x, f32(nil, 0.25), opstest.Bools(nil, true))
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for i, m := range outs[1].Data.([]bool) {
		want := float32(0)
		if m {
			kept++
			want = 1 / 0.75
		}
		if got := outs[0].Data.([]float32)[i]; got != want {
			t.Fatalf("element %d: %v with mask %v", i, got, m)
		}
	}
	if kept < 650 || kept > 850 {
		t.Errorf("kept %d of 1000 at ratio 0.25", kept)
	}
}

// mustReshape is x with another shape of the same element count.
func mustReshape(x *ir.Tensor, shape ...int64) *ir.Tensor {
	t, err := x.Reshaped(shape)
	if err != nil {
		panic(err)
	}
	return t
}
