package elementwise

import "github.com/tfc-project/tfc/ir"

// isInteger reports whether dt's arithmetic runs on int64: the integer
// types and bool.
func isInteger(dt ir.DType) bool { return dt.IsInt() || dt == ir.Bool }

// isNumeric reports whether dt is an integer, bool or floating-point type.
func isNumeric(dt ir.DType) bool { return isInteger(dt) || dt.IsFloat() }

// uint64s returns the elements of an integer tensor as uint64 (uint64
// keeps its value; signed types wrap).
func uint64s(t *ir.Tensor) []uint64 {
	return mapSlice(t.Int64s(), func(v int64) uint64 { return uint64(v) })
}
