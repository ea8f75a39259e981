package elementwise

import (
	"math"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// bitWidth is the number of bits of one element of dt (0: no fixed width).
func bitWidth(dt ir.DType) int {
	switch dt {
	case ir.Int4, ir.Uint4, ir.Float4E2M1:
		return 4
	case ir.Int2, ir.Uint2:
		return 2
	case ir.String, ir.Undefined:
		return 0
	}
	return 8 * dt.Size()
}

// bitCast is BitCast: the bits of each element reinterpreted as dtype to
// of the same width.
func bitCast(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	if len(in) < 1 || in[0] == nil {
		return nil, ctx.Errorf("needs an input")
	}
	x := in[0]
	to, err := castTarget(ctx.Node)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	w := bitWidth(x.DType)
	if !to.Valid() || w == 0 || w > 64 || bitWidth(to) != w {
		return nil, ctx.Errorf("cannot bit-cast %v to %v", x.DType, to)
	}
	bits := bitsOf(x)
	var out *ir.Tensor
	switch {
	case to == ir.Float32 || to == ir.Float64:
		// Built directly from the bits, so that NaN payloads survive.
		if out, err = ir.NewTensor(to, x.Shape); err == nil {
			setFloatBits(out, bits)
		}
	case to.IsFloat():
		// The narrower floats are stored as their raw bits in uint16 or uint8.
		raw := ir.Uint8
		if w == 16 {
			raw = ir.Uint16
		}
		out, err = ir.FromInt64s(raw, x.Shape, mapSlice(bits, func(b int64) int64 { return b & (1<<w - 1) }))
		if err == nil {
			out.DType = to
		}
	default: // integers and bool
		out, err = ir.FromInt64s(to, x.Shape, bits)
	}
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return out, nil
}

// bitsOf returns each element's bit pattern (integers: their value, which
// has the same low bits).
func bitsOf(x *ir.Tensor) []int64 {
	switch d := x.Data.(type) {
	case []float32:
		return mapSlice(d, func(v float32) int64 { return int64(math.Float32bits(v)) })
	case []float64:
		return mapSlice(d, func(v float64) int64 { return int64(math.Float64bits(v)) })
	case []uint16:
		return mapSlice(d, func(v uint16) int64 { return int64(v) })
	case []uint8:
		return mapSlice(d, func(v uint8) int64 { return int64(v) })
	}
	return x.Int64s()
}

// setFloatBits sets the elements of a float32 or float64 tensor from bits.
func setFloatBits(t *ir.Tensor, bits []int64) {
	switch d := t.Data.(type) {
	case []float32:
		for i, b := range bits {
			d[i] = math.Float32frombits(uint32(b))
		}
	case []float64:
		for i, b := range bits {
			d[i] = math.Float64frombits(uint64(b))
		}
	}
}
