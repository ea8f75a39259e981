package importer

import (
	"encoding/binary"
	"unsafe"

	"github.com/tfc-project/tfc/ir"
)

// littleEndian reports whether this machine stores numbers as ONNX does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// viewRaw returns the elements of little-endian bytes as a tensor without
// copying them, or nil where that cannot be done: a big-endian machine, a
// type other than float32, float64, int32 or int64, empty or misaligned
// bytes. The tensor shares raw's memory, so raw must belong to the
// importer (the bytes protobuf copied out of the model, a buffer read from
// an external data file) and not be written afterwards. Large weights are
// thus held once, not twice, while a model is imported.
func viewRaw(dt ir.DType, shape []int64, raw []byte) *ir.Tensor {
	if !littleEndian || len(raw) == 0 {
		return nil
	}
	var data any
	switch dt {
	case ir.Float32:
		data = view[float32](raw)
	case ir.Float64:
		data = view[float64](raw)
	case ir.Int32:
		data = view[int32](raw)
	case ir.Int64:
		data = view[int64](raw)
	}
	if data == nil {
		return nil
	}
	return &ir.Tensor{DType: dt, Shape: shape, Data: data}
}

// view reinterprets raw as a []T, or returns nil (untyped) when raw is not
// aligned for T.
func view[T float32 | float64 | int32 | int64](raw []byte) any {
	var zero T
	p := unsafe.Pointer(unsafe.SliceData(raw))
	if uintptr(p)%unsafe.Alignof(zero) != 0 {
		return nil
	}
	return unsafe.Slice((*T)(p), len(raw)/int(unsafe.Sizeof(zero)))
}
