package ir

import "fmt"

// DType is the element type of a tensor. The numeric values match ONNX's
// TensorProto.DataType so that importers and writers can convert directly,
// but nothing in ir depends on the ONNX protobuf package.
type DType int32

// The element types tfc knows.
const (
	Undefined  DType = 0
	Float32    DType = 1
	Uint8      DType = 2
	Int8       DType = 3
	Uint16     DType = 4
	Int16      DType = 5
	Int32      DType = 6
	Int64      DType = 7
	String     DType = 8
	Bool       DType = 9
	Float16    DType = 10
	Float64    DType = 11
	Uint32     DType = 12
	Uint64     DType = 13
	Complex64  DType = 14
	Complex128 DType = 15
	BFloat16   DType = 16
	// Float8E4M3FN and the following are the 8-, 4- and 2-bit types of
	// recent ONNX versions; tfc stores them one element per byte (uint8).
	Float8E4M3FN   DType = 17
	Float8E4M3FNUZ DType = 18
	Float8E5M2     DType = 19
	Float8E5M2FNUZ DType = 20
	Uint4          DType = 21
	Int4           DType = 22
	Float4E2M1     DType = 23
	Float8E8M0     DType = 24
	Uint2          DType = 25
	Int2           DType = 26
)

var dtypeNames = map[DType]string{
	Undefined: "undefined", Float32: "f32", Uint8: "u8", Int8: "i8", Uint16: "u16", Int16: "i16",
	Int32: "i32", Int64: "i64", String: "string", Bool: "bool", Float16: "f16", Float64: "f64",
	Uint32: "u32", Uint64: "u64", Complex64: "c64", Complex128: "c128", BFloat16: "bf16",
	Float8E4M3FN: "f8e4m3fn", Float8E4M3FNUZ: "f8e4m3fnuz", Float8E5M2: "f8e5m2",
	Float8E5M2FNUZ: "f8e5m2fnuz", Uint4: "u4", Int4: "i4", Float4E2M1: "f4e2m1",
	Float8E8M0: "f8e8m0", Uint2: "u2", Int2: "i2",
}

// String returns the short name used by the text IR, e.g. "f32".
func (d DType) String() string {
	if s, ok := dtypeNames[d]; ok {
		return s
	}
	return fmt.Sprintf("dtype(%d)", int32(d))
}

// ParseDType is the inverse of DType.String.
func ParseDType(s string) (DType, bool) {
	for d, n := range dtypeNames {
		if n == s {
			return d, true
		}
	}
	return Undefined, false
}

// Valid reports whether d is one of the known element types.
func (d DType) Valid() bool { _, ok := dtypeNames[d]; return ok && d != Undefined }

// IsFloat reports whether d is a floating-point type (of any width).
func (d DType) IsFloat() bool {
	switch d {
	case Float32, Float64, Float16, BFloat16, Float8E4M3FN, Float8E4M3FNUZ, Float8E5M2,
		Float8E5M2FNUZ, Float4E2M1, Float8E8M0:
		return true
	}
	return false
}

// IsInt reports whether d is a signed or unsigned integer type.
func (d DType) IsInt() bool { return d.IsSigned() || d.IsUnsigned() }

// IsSigned reports whether d is a signed integer type.
func (d DType) IsSigned() bool {
	switch d {
	case Int8, Int16, Int32, Int64, Int4, Int2:
		return true
	}
	return false
}

// IsUnsigned reports whether d is an unsigned integer type.
func (d DType) IsUnsigned() bool {
	switch d {
	case Uint8, Uint16, Uint32, Uint64, Uint4, Uint2:
		return true
	}
	return false
}

// Size is the number of bytes one element occupies in tfc's in-memory
// layout (sub-byte types occupy one byte each; strings report 0).
func (d DType) Size() int {
	switch d {
	case Float64, Int64, Uint64, Complex64:
		return 8
	case Complex128:
		return 16
	case Float32, Int32, Uint32:
		return 4
	case Float16, BFloat16, Int16, Uint16:
		return 2
	case String, Undefined:
		return 0
	}
	return 1
}
