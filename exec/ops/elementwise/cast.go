package elementwise

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// cast is Cast: the input converted to the dtype of the "to" attribute.
func cast(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	if len(in) < 1 || in[0] == nil {
		return nil, ctx.Errorf("needs an input")
	}
	to, err := castTarget(ctx.Node)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return convert(ctx, in[0], to)
}

// dataTypeNames are the names of ONNX's TensorProto.DataType values, in
// order of value.
var dataTypeNames = []string{"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64",
	"STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
	"FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1",
	"FLOAT8E8M0", "UINT2", "INT2"}

// castTarget reads Cast's "to": a DataType number, or its name in Cast-1.
func castTarget(n *ir.Node) (ir.DType, error) {
	a := n.Attr("to")
	switch {
	case a == nil:
		return 0, fmt.Errorf("attribute \"to\" is missing")
	case a.Kind == ir.AttrString:
		if i := slices.Index(dataTypeNames, strings.ToUpper(a.String)); i > 0 {
			return ir.DType(i), nil
		}
		return 0, fmt.Errorf("unknown data type %q", a.String)
	}
	return ir.DType(a.Int), nil
}

// castLike is CastLike: the first input converted to the second's dtype.
func castLike(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	if len(in) != 2 || in[0] == nil || in[1] == nil {
		return nil, ctx.Errorf("needs two inputs")
	}
	return convert(ctx, in[0], in[1].DType)
}

// convert casts x to dtype to following Cast's rules and its saturate and
// round_mode attributes:
//   - numbers to floats round to nearest even (float8 saturates unless
//     saturate=0, float4 always; float8e8m0 rounds as round_mode says);
//   - floats to integers truncate toward zero and wrap to the width;
//   - integers to integers wrap; anything to bool is "not zero";
//   - strings parse as numbers ("INF", "-INF", "NaN" and exponents
//     included) and numbers format as numpy prints them.
func convert(ctx *kernel.Context, x *ir.Tensor, to ir.DType) (*ir.Tensor, error) {
	if !to.Valid() || to == ir.Complex64 || to == ir.Complex128 {
		return nil, ctx.Errorf("cannot cast to dtype %v", to)
	}
	var (
		t   *ir.Tensor
		err error
	)
	switch from := x.DType; {
	case from == to:
		return x.Clone(), nil
	case to == ir.String:
		return formatStrings(ctx, x)
	case from == ir.String:
		return parseStrings(ctx, x, to)
	case !isNumeric(from):
		return nil, ctx.Errorf("cannot cast from dtype %v", from)
	case to.IsFloat() && to.Size() == 1:
		return toSmallFloat(ctx, x, to)
	case to == ir.Float16 || to == ir.BFloat16:
		return toHalf(ctx, x, to)
	case to.IsFloat() || to == ir.Bool:
		t, err = ir.FromFloat64s(to, x.Shape, x.Float64s())
	case from.IsFloat():
		t, err = ir.FromInt64s(to, x.Shape, mapSlice(x.Float64s(), truncInt))
	default:
		t, err = ir.FromInt64s(to, x.Shape, x.Int64s())
	}
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return t, nil
}

// toSmallFloat casts numbers to a float8 or float4 dtype.
func toSmallFloat(ctx *kernel.Context, x *ir.Tensor, to ir.DType) (*ir.Tensor, error) {
	saturate := ctx.Node.AttrInt("saturate", 1) != 0
	modes := map[string]ir.E8M0Rounding{"up": ir.E8M0Up, "down": ir.E8M0Down, "nearest": ir.E8M0Nearest}
	mode := ctx.Node.AttrString("round_mode", "up")
	round, ok := modes[mode]
	if !ok {
		return nil, ctx.Errorf("unknown round_mode %q", mode)
	}
	t, err := ir.NewTensor(to, x.Shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	d := t.Data.([]uint8)
	for i, v := range x.Float64s() {
		if to == ir.Float8E8M0 {
			d[i] = ir.EncodeFloat8E8M0(v, round, saturate)
		} else {
			d[i] = ir.EncodeSmallFloat(to, v, saturate)
		}
	}
	return t, nil
}

// toHalf casts numbers to float16 or bfloat16, rounding each value once
// to nearest even: through float32 rounded to odd, which keeps enough of
// the value for the second rounding to come out as the direct one would.
func toHalf(ctx *kernel.Context, x *ir.Tensor, to ir.DType) (*ir.Tensor, error) {
	t, err := ir.NewTensor(to, x.Shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	encode := ir.Float32ToFloat16
	if to == ir.BFloat16 {
		encode = ir.Float32ToBFloat16
	}
	d := t.Data.([]uint16)
	for i, v := range x.Float64s() {
		d[i] = encode(toFloat32Odd(v))
	}
	return t, nil
}

// toFloat32Odd converts v to float32 rounding to odd: an inexact result is
// the neighbor toward zero with its last bit set.
func toFloat32Odd(v float64) float32 {
	f := float32(v)
	if float64(f) == v || math.IsNaN(v) || math.IsInf(float64(f), 0) {
		return f
	}
	if math.Abs(float64(f)) > math.Abs(v) {
		f = math.Nextafter32(f, 0)
	}
	return math.Float32frombits(math.Float32bits(f) | 1)
}

// truncInt converts f to an integer toward zero. NaN gives 0; values
// beyond int64 saturate, except that [2^63, 2^64) keeps its uint64 bits.
func truncInt(f float64) int64 {
	switch {
	case f != f:
		return 0
	case f <= -0x1p63:
		return math.MinInt64
	case f < 0x1p63:
		return int64(f)
	case f < 0x1p64:
		return int64(uint64(f))
	}
	return -1 // all bits set
}

// formatStrings formats numbers as numpy's str does, with "NaN", "INF"
// and "-INF" for the special values.
func formatStrings(ctx *kernel.Context, x *ir.Tensor) (*ir.Tensor, error) {
	out, err := ir.NewTensor(ir.String, x.Shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	s := out.Data.([]string)
	switch dt := x.DType; {
	case dt == ir.Bool:
		for i, b := range x.Bools() {
			s[i] = map[bool]string{true: "True", false: "False"}[b]
		}
	case dt == ir.Uint64:
		for i, v := range uint64s(x) {
			s[i] = strconv.FormatUint(v, 10)
		}
	case dt.IsInt():
		for i, v := range x.Int64s() {
			s[i] = strconv.FormatInt(v, 10)
		}
	case dt.IsFloat():
		bits := 32
		if dt == ir.Float64 {
			bits = 64
		}
		for i, v := range x.Float64s() {
			s[i] = formatFloat(v, bits)
		}
	default:
		return nil, ctx.Errorf("cannot cast dtype %v to string", dt)
	}
	return out, nil
}

// formatFloat prints v in the shortest form that reads back to the same
// float of the given bit size: positional with a fractional part for
// magnitudes in [1e-4, 1e16), else scientific ("1e-07").
func formatFloat(v float64, bits int) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "INF"
	case math.IsInf(v, -1):
		return "-INF"
	}
	if a := math.Abs(v); a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.FormatFloat(v, 'e', -1, bits)
	}
	s := strconv.FormatFloat(v, 'f', -1, bits)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// parseStrings reads numbers from strings and converts them to dtype to:
// floats and bools through float64 ("+INF", "inf", "NaN", "1e-7", ...),
// integers exactly through int64 (a fractional string truncates).
func parseStrings(ctx *kernel.Context, x *ir.Tensor, to ir.DType) (*ir.Tensor, error) {
	strs, ok := x.Data.([]string)
	if !ok {
		return nil, ctx.Errorf("string tensor holds %T", x.Data)
	}
	var (
		t   *ir.Tensor
		err error
	)
	if isInteger(to) && to != ir.Bool {
		vals := make([]int64, len(strs))
		for i, s := range strs {
			if vals[i], err = parseInt(s, to == ir.Uint64); err != nil {
				return nil, ctx.Errorf("cannot cast %q to %v", s, to)
			}
		}
		t, err = ir.FromInt64s(ir.Int64, x.Shape, vals)
	} else {
		vals := make([]float64, len(strs))
		for i, s := range strs {
			if vals[i], err = parseFloat(s); err != nil {
				return nil, ctx.Errorf("cannot cast %q to %v", s, to)
			}
		}
		t, err = ir.FromFloat64s(ir.Float64, x.Shape, vals)
	}
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return convert(ctx, t, to)
}

// parseFloat reads a decimal or scientific number, "INF", "+INF", "-INF"
// or "NaN" in any case, or a bool ("true", "False").
func parseFloat(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if b, err := strconv.ParseBool(s); err == nil {
		return truth[float64](b), nil
	}
	return strconv.ParseFloat(s, 64)
}

// parseInt reads an integer (its bits, for uint64), or a decimal number
// truncated toward zero.
func parseInt(s string, unsigned bool) (int64, error) {
	s = strings.TrimSpace(s)
	if unsigned {
		if u, err := strconv.ParseUint(s, 10, 64); err == nil {
			return int64(u), nil
		}
	} else if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	return truncInt(f), err
}
