package reduce_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

// TestUnique checks the four examples of Operators.md.
func TestUnique(t *testing.T) {
	x4 := f32(shape(2, 4, 2), 1, 1, 0, 1, 2, 1, 0, 1, 1, 1, 0, 1, 2, 1, 0, 1)
	cases := []struct {
		name                    string
		x                       *ir.Tensor
		attrs                   map[string]*ir.Attr
		yShape                  []int64
		y                       []float64
		indices, inverse, count []float64
	}{
		{"unsorted", f32(shape(6), 2, 1, 1, 3, 4, 3), opstest.Attrs("sorted", 0),
			shape(4), []float64{2, 1, 3, 4}, []float64{0, 1, 3, 4}, []float64{0, 1, 1, 2, 3, 2}, []float64{1, 2, 2, 1}},
		{"sorted", f32(shape(2, 2), 1, 3, 2, 3), nil,
			shape(3), []float64{1, 2, 3}, []float64{0, 2, 1}, []float64{0, 2, 1, 2}, []float64{1, 1, 2}},
		{"axis 0", f32(shape(3, 3), 1, 0, 0, 1, 0, 0, 2, 3, 4), opstest.Attrs("axis", 0),
			shape(2, 3), []float64{1, 0, 0, 2, 3, 4}, []float64{0, 2}, []float64{0, 0, 1}, []float64{2, 1}},
		{"axis 1", x4, opstest.Attrs("axis", -2),
			shape(2, 3, 2), []float64{0, 1, 1, 1, 2, 1, 0, 1, 1, 1, 2, 1}, []float64{1, 0, 2}, []float64{1, 0, 2, 0}, []float64{2, 1, 1}},
	}
	for _, c := range cases {
		out := opstest.RunOp(t, "Unique", 11, c.attrs, 4, c.x)
		opstest.Check(t, tol, c.name+" Y", out[0], ir.Float32, c.yShape, c.y...)
		opstest.Check(t, tol, c.name+" indices", out[1], ir.Int64, shape(int64(len(c.indices))), c.indices...)
		opstest.Check(t, tol, c.name+" inverse_indices", out[2], ir.Int64, shape(int64(len(c.inverse))), c.inverse...)
		opstest.Check(t, tol, c.name+" counts", out[3], ir.Int64, shape(int64(len(c.count))), c.count...)
	}
	// Strings are supported and only the outputs the node has come back.
	s := &ir.Tensor{DType: ir.String, Shape: shape(3), Data: []string{"b", "a", "b"}}
	out := opstest.RunOp(t, "Unique", 11, nil, 1, s)
	if got := out[0].Data.([]string); len(out) != 1 || len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("Unique of strings = %v", out)
	}
}
