package reduce_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestDet(t *testing.T) {
	// The Operators.md examples: a 2×2 matrix and a batch of two.
	got := opstest.RunOp(t, "Det", 22, nil, 1, f32(shape(2, 2), 1, 2, 3, 4))[0]
	opstest.Check(t, tol, "2d", got, ir.Float32, shape(), -2)
	got = opstest.RunOp(t, "Det", 11, nil, 1, f32(shape(2, 2, 2), 1, 2, 3, 4, 1, 2, 2, 1))[0]
	opstest.Check(t, tol, "batch", got, ir.Float32, shape(2), -2, -3)
	// A 3×3 that needs a row swap, and a singular one.
	got = opstest.RunOp(t, "Det", 22, nil, 1, opstest.Tensor(ir.Float64, shape(2, 3, 3), 0, 2, 1, 1, 1, 1, 2, 1, 3, 1, 2, 3, 2, 4, 6, 0, 1, 1))[0]
	opstest.Check(t, tol, "3x3", got, ir.Float64, shape(2), -3, 0)
	if _, err := opstest.TryOp("Det", 22, nil, 1, f32(shape(2, 3), 1, 2, 3, 4, 5, 6)); err == nil {
		t.Error("non-square: no error")
	}
}
