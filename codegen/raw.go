package codegen

import (
	"unsafe"

	"github.com/tfc-project/tfc/ir"
)

// AlignedBytes returns n zero bytes whose first byte is 64-byte aligned.
func AlignedBytes(n int64) []byte {
	raw := make([]byte, n+64)
	skip := (64 - int(uintptr(unsafe.Pointer(unsafe.SliceData(raw)))%64)) % 64
	return raw[skip : skip+int(n) : skip+int(n)]
}

// View returns b as the typed slice ir.Tensor uses for dt, holding n
// elements, sharing b's memory; b must hold n elements and be aligned for
// the type. It returns nil for strings and invalid types.
func View(dt ir.DType, b []byte, n int) any {
	p := unsafe.Pointer(unsafe.SliceData(b))
	if n == 0 {
		t, _ := ir.NewTensor(dt, []int64{0})
		return t.Data
	}
	t, _ := ir.NewTensor(dt, nil)
	switch t.Data.(type) {
	case []float32:
		return unsafe.Slice((*float32)(p), n)
	case []float64:
		return unsafe.Slice((*float64)(p), n)
	case []uint16:
		return unsafe.Slice((*uint16)(p), n)
	case []int8:
		return unsafe.Slice((*int8)(p), n)
	case []int16:
		return unsafe.Slice((*int16)(p), n)
	case []int32:
		return unsafe.Slice((*int32)(p), n)
	case []int64:
		return unsafe.Slice((*int64)(p), n)
	case []uint8:
		return unsafe.Slice((*uint8)(p), n)
	case []uint32:
		return unsafe.Slice((*uint32)(p), n)
	case []uint64:
		return unsafe.Slice((*uint64)(p), n)
	case []bool:
		return unsafe.Slice((*bool)(p), n)
	case []complex64:
		return unsafe.Slice((*complex64)(p), n)
	case []complex128:
		return unsafe.Slice((*complex128)(p), n)
	}
	return nil
}

// Raw returns the bytes behind a tensor's data slice (nil for strings and
// unknown types), sharing its memory. It does not allocate.
func Raw(data any) []byte {
	switch d := data.(type) {
	case []float32:
		return bytesOf(d)
	case []float64:
		return bytesOf(d)
	case []uint16:
		return bytesOf(d)
	case []int8:
		return bytesOf(d)
	case []int16:
		return bytesOf(d)
	case []int32:
		return bytesOf(d)
	case []int64:
		return bytesOf(d)
	case []uint8:
		return d
	case []uint32:
		return bytesOf(d)
	case []uint64:
		return bytesOf(d)
	case []bool:
		return bytesOf(d)
	case []complex64:
		return bytesOf(d)
	case []complex128:
		return bytesOf(d)
	}
	return nil
}

// bytesOf reinterprets a slice of plain values as bytes.
func bytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(z)))
}
