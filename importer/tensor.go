package importer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// bitsPerElem is the packed width of the sub-byte types, 0 for the others.
func bitsPerElem(dt ir.DType) int {
	switch dt {
	case ir.Uint4, ir.Int4, ir.Float4E2M1:
		return 4
	case ir.Uint2, ir.Int2:
		return 2
	}
	return 0
}

// packedLen is the number of bytes n elements of dt occupy in ONNX's
// serialized form (raw_data, or int32_data entries for sub-byte types).
func packedLen(dt ir.DType, n int64) int64 {
	switch bitsPerElem(dt) {
	case 4:
		return (n + 1) / 2
	case 2:
		return (n + 3) / 4
	}
	return n * int64(dt.Size())
}

// tensorFromProto decodes a TensorProto. dir is the folder external data
// is read from ("" refuses external data). Errors name the tensor.
func tensorFromProto(tp *onnxpb.TensorProto, dir string) (*ir.Tensor, error) {
	t, err := tensorData(tp, dir)
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %w", tp.GetName(), err)
	}
	return t, nil
}

func tensorData(tp *onnxpb.TensorProto, dir string) (*ir.Tensor, error) {
	dt := ir.DType(tp.GetDataType())
	if !dt.Valid() {
		return nil, fmt.Errorf("invalid data type %d", tp.GetDataType())
	}
	shape := append([]int64{}, tp.GetDims()...)
	n, err := ir.NumElements(shape)
	if err != nil {
		return nil, err
	}
	if tp.Segment != nil {
		return nil, errors.New("segmented tensors are not supported")
	}
	if tp.GetDataLocation() == onnxpb.TensorProto_EXTERNAL {
		if dt == ir.String {
			return nil, errors.New("string tensors cannot be stored as external data")
		}
		raw, err := readExternal(tp, dir, packedLen(dt, n))
		if err != nil {
			return nil, err
		}
		return fromRaw(dt, shape, n, raw)
	}
	if tp.RawData != nil {
		if dt == ir.String {
			return nil, errors.New("string tensors cannot use raw_data")
		}
		if err := onlyField(tp, "raw_data"); err != nil {
			return nil, err
		}
		return fromRaw(dt, shape, n, tp.RawData)
	}
	return fromFields(tp, dt, shape, n)
}

// fieldLens gives the number of entries in each typed data field.
func fieldLens(tp *onnxpb.TensorProto) map[string]int {
	return map[string]int{
		"float_data": len(tp.FloatData), "int32_data": len(tp.Int32Data), "string_data": len(tp.StringData),
		"int64_data": len(tp.Int64Data), "double_data": len(tp.DoubleData), "uint64_data": len(tp.Uint64Data),
	}
}

// onlyField refuses a tensor that fills a data field other than the one used.
func onlyField(tp *onnxpb.TensorProto, used string) error {
	for name, n := range fieldLens(tp) {
		if name != used && n > 0 {
			return fmt.Errorf("holds %s although its data is in %s", name, used)
		}
	}
	return nil
}

// fieldFor names the typed field that holds elements of dt and how many
// entries n elements take there.
func fieldFor(dt ir.DType, n int64) (string, int64) {
	switch dt {
	case ir.Float32:
		return "float_data", n
	case ir.Complex64:
		return "float_data", 2 * n
	case ir.Float64:
		return "double_data", n
	case ir.Complex128:
		return "double_data", 2 * n
	case ir.Int64:
		return "int64_data", n
	case ir.Uint32, ir.Uint64:
		return "uint64_data", n
	case ir.String:
		return "string_data", n
	}
	if bitsPerElem(dt) > 0 {
		return "int32_data", packedLen(dt, n) // one packed byte per entry
	}
	return "int32_data", n
}

func fromFields(tp *onnxpb.TensorProto, dt ir.DType, shape []int64, n int64) (*ir.Tensor, error) {
	field, want := fieldFor(dt, n)
	if err := onlyField(tp, field); err != nil {
		return nil, err
	}
	if got := int64(fieldLens(tp)[field]); got != want {
		return nil, fmt.Errorf("%s has %d entries, shape %v of %v needs %d", field, got, shape, dt, want)
	}
	if bitsPerElem(dt) > 0 {
		packed := make([]byte, len(tp.Int32Data))
		convert(packed, tp.Int32Data)
		return fromRaw(dt, shape, n, packed)
	}
	t, err := ir.NewTensor(dt, shape)
	if err != nil {
		return nil, err
	}
	switch d := t.Data.(type) {
	case []float32:
		copy(d, tp.FloatData)
	case []complex64:
		for i := range d {
			d[i] = complex(tp.FloatData[2*i], tp.FloatData[2*i+1])
		}
	case []float64:
		copy(d, tp.DoubleData)
	case []complex128:
		for i := range d {
			d[i] = complex(tp.DoubleData[2*i], tp.DoubleData[2*i+1])
		}
	case []int64:
		copy(d, tp.Int64Data)
	case []uint64:
		copy(d, tp.Uint64Data)
	case []uint32:
		convert(d, tp.Uint64Data)
	case []string:
		for i, v := range tp.StringData {
			d[i] = string(v)
		}
	case []int32:
		copy(d, tp.Int32Data)
	case []int16:
		convert(d, tp.Int32Data)
	case []int8:
		convert(d, tp.Int32Data)
	case []uint16:
		convert(d, tp.Int32Data)
	case []uint8:
		convert(d, tp.Int32Data)
	case []bool:
		for i, v := range tp.Int32Data {
			d[i] = v != 0
		}
	default:
		return nil, fmt.Errorf("cannot decode typed data of %v", dt)
	}
	return t, nil
}

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// convert stores each integer of src in dst, keeping its low bits.
func convert[D, S integer](dst []D, src []S) {
	for i, v := range src {
		dst[i] = D(v)
	}
}

// readLE fills dst with elements of size bytes each decoded from raw by get.
func readLE[T any](dst []T, raw []byte, size int, get func([]byte) T) {
	for i := range dst {
		dst[i] = get(raw[size*i:])
	}
}

// fromRaw decodes little-endian packed bytes; the length must match the
// shape exactly, which is checked before anything is allocated. raw must
// belong to the importer: the tensor may share its memory (viewRaw).
func fromRaw(dt ir.DType, shape []int64, n int64, raw []byte) (*ir.Tensor, error) {
	if want := packedLen(dt, n); int64(len(raw)) != want {
		return nil, fmt.Errorf("data has %d bytes, shape %v of %v needs %d", len(raw), shape, dt, want)
	}
	if t := viewRaw(dt, shape, raw); t != nil {
		return t, nil
	}
	t, err := ir.NewTensor(dt, shape)
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	f32 := func(b []byte) float32 { return math.Float32frombits(le.Uint32(b)) }
	f64 := func(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) }
	switch d := t.Data.(type) {
	case []float32:
		readLE(d, raw, 4, f32)
	case []float64:
		readLE(d, raw, 8, f64)
	case []complex64:
		readLE(d, raw, 8, func(b []byte) complex64 { return complex(f32(b), f32(b[4:])) })
	case []complex128:
		readLE(d, raw, 16, func(b []byte) complex128 { return complex(f64(b), f64(b[8:])) })
	case []int8:
		convert(d, raw)
	case []int16:
		readLE(d, raw, 2, func(b []byte) int16 { return int16(le.Uint16(b)) })
	case []int32:
		readLE(d, raw, 4, func(b []byte) int32 { return int32(le.Uint32(b)) })
	case []int64:
		readLE(d, raw, 8, func(b []byte) int64 { return int64(le.Uint64(b)) })
	case []uint16:
		readLE(d, raw, 2, le.Uint16)
	case []uint32:
		readLE(d, raw, 4, le.Uint32)
	case []uint64:
		readLE(d, raw, 8, le.Uint64)
	case []bool:
		for i := range d {
			d[i] = raw[i] != 0
		}
	case []uint8:
		unpack(dt, d, raw)
	default:
		return nil, fmt.Errorf("cannot decode raw data of %v", dt)
	}
	return t, nil
}

// unpack spreads packed sub-byte elements (first element in the lowest
// bits) to one per byte, sign-extending the signed types; byte-wide types
// are copied.
func unpack(dt ir.DType, dst, packed []byte) {
	bits := bitsPerElem(dt)
	if bits == 0 {
		copy(dst, packed)
		return
	}
	perByte := 8 / bits
	mask := byte(1)<<bits - 1
	for i := range dst {
		v := packed[i/perByte] >> (bits * (i % perByte)) & mask
		if dt == ir.Int4 || dt == ir.Int2 {
			shift := 8 - bits
			v = byte(int8(v<<shift) >> shift)
		}
		dst[i] = v
	}
}

// pack is the inverse of unpack: it keeps the low bits of each element.
func pack(dt ir.DType, src []byte) []byte {
	bits := bitsPerElem(dt)
	if bits == 0 {
		return append([]byte{}, src...)
	}
	perByte := 8 / bits
	mask := byte(1)<<bits - 1
	out := make([]byte, (len(src)+perByte-1)/perByte)
	for i, v := range src {
		out[i/perByte] |= (v & mask) << (bits * (i % perByte))
	}
	return out
}
