package elementwise_test

import (
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/exec/ops/elementwise"
	"github.com/tfc-project/tfc/ir"
)

// Every kernel of the package answers odd inputs (missing, empty, of
// mismatched types or shapes, strings, complex) with a result or an
// error, never a panic.
func TestNoPanics(t *testing.T) {
	r := kernel.Registry{}
	elementwise.Register(r)
	c64 := &ir.Tensor{DType: ir.Complex64, Shape: dims(1), Data: []complex64{1}}
	inputs := [][]*ir.Tensor{
		nil,
		{nil},
		{nil, nil, nil},
		{f32()},
		{f32(), f32(1, 2)},
		{f32(1, 2), f32(1, 2, 3)},
		{strs(dims(1), "x"), strs(dims(1), "y")},
		{bools(dims(1), true), f32(1), ints(ir.Int8, dims(1), 1)},
		{c64, c64},
		{ints(ir.Uint4, dims(2), 1, 2), ints(ir.Float8E8M0, dims(1), 3)},
		{ints(ir.Int64, dims(1), 1), ints(ir.Int64, dims(1), 0)},
	}
	attrSets := []map[string]*ir.Attr{nil, attrs("to", 1), attrs("to", 8), attrs("to", 23, "saturate", 0),
		attrs("to", "FLOAT"), attrs("broadcast", 1, "axis", -5)}
	for key := range r {
		for _, version := range []int64{1, 6, 13, 26} {
			for _, a := range attrSets {
				for _, in := range inputs {
					_, err := try(key, version, a, in...)
					if err != nil && strings.Contains(err.Error(), "kernel failed") {
						t.Errorf("%s-%d %v on %v: %v", key, version, a, in, err)
					}
				}
			}
		}
	}
}
