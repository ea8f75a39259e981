package reduce_test

import (
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestDet(t *testing.T) {
	// The Operators.md examples: a 2×2 matrix and a batch of two.
	got := runOp(t, "Det", 22, nil, 1, f32(shape(2, 2), 1, 2, 3, 4))[0]
	check(t, "2d", got, ir.Float32, shape(), -2)
	got = runOp(t, "Det", 11, nil, 1, f32(shape(2, 2, 2), 1, 2, 3, 4, 1, 2, 2, 1))[0]
	check(t, "batch", got, ir.Float32, shape(2), -2, -3)
	// A 3×3 that needs a row swap, and a singular one.
	got = runOp(t, "Det", 22, nil, 1, tensor(ir.Float64, shape(2, 3, 3), 0, 2, 1, 1, 1, 1, 2, 1, 3, 1, 2, 3, 2, 4, 6, 0, 1, 1))[0]
	check(t, "3x3", got, ir.Float64, shape(2), -3, 0)
	if _, err := tryOp("Det", 22, nil, 1, f32(shape(2, 3), 1, 2, 3, 4, 5, 6)); err == nil {
		t.Error("non-square: no error")
	}
}
