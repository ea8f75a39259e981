package elementwise_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/elementwise"
	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

// Every kernel of the package answers odd inputs (missing, empty, of
// mismatched types or shapes, strings, complex) with a result or an
// error, never a panic.
func TestNoPanics(t *testing.T) {
	c64 := &ir.Tensor{DType: ir.Complex64, Shape: dims(1), Data: []complex64{1}}
	inputs := [][]*ir.Tensor{
		nil,
		{nil},
		{nil, nil, nil},
		{f32()},
		{f32(), f32(1, 2)},
		{f32(1, 2), f32(1, 2, 3)},
		{opstest.Strs(dims(1), "x"), opstest.Strs(dims(1), "y")},
		{opstest.Bools(dims(1), true), f32(1), opstest.Ints(ir.Int8, dims(1), 1)},
		{c64, c64},
		{opstest.Ints(ir.Uint4, dims(2), 1, 2), opstest.Ints(ir.Float8E8M0, dims(1), 3)},
		{opstest.Ints(ir.Int64, dims(1), 1), opstest.Ints(ir.Int64, dims(1), 0)},
	}
	attrSets := []map[string]*ir.Attr{nil, opstest.Attrs("to", 1), opstest.Attrs("to", 8), opstest.Attrs("to", 23, "saturate", 0),
		opstest.Attrs("to", "FLOAT"), opstest.Attrs("broadcast", 1, "axis", -5)}
	opstest.NoPanics(t, elementwise.Register, []int64{1, 6, 13, 26}, attrSets, inputs, 1)
}
