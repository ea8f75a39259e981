package ir

import (
	"fmt"
	"math"
)

// MaxElements bounds the element count of any tensor tfc will allocate or
// accept from a file (2^34 elements: 64 GiB of float32). Anything larger is
// treated as corrupt input rather than attempted.
const MaxElements = int64(1) << 34

// Tensor is a dense, row-major tensor with a concrete shape.
//
// Data holds the elements in a typed slice chosen by DType:
//
//	Float32                          []float32
//	Float64                          []float64
//	Float16, BFloat16                []uint16 (raw bits)
//	Int8 / Int16 / Int32 / Int64     []int8 / []int16 / []int32 / []int64
//	Uint8, 8/4/2-bit types           []uint8 (one element per byte; raw bits for float8/4)
//	Uint16 / Uint32 / Uint64         []uint16 / []uint32 / []uint64
//	Bool                             []bool
//	String                           []string
//	Complex64 / Complex128           []complex64 / []complex128
type Tensor struct {
	DType DType
	Shape []int64
	Data  any
}

// NumElements returns the product of dims, or an error if a dim is negative
// or the product exceeds MaxElements.
func NumElements(dims []int64) (int64, error) {
	for _, d := range dims {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension %d in shape %v", d, dims)
		}
		if d == 0 {
			return 0, nil
		}
	}
	n := int64(1)
	for _, d := range dims {
		if d > MaxElements/n {
			return 0, fmt.Errorf("shape %v has more than %d elements", dims, MaxElements)
		}
		n *= d
	}
	return n, nil
}

// NewTensor allocates a zero-filled tensor.
func NewTensor(dt DType, shape []int64) (*Tensor, error) {
	n, err := NumElements(shape)
	if err != nil {
		return nil, err
	}
	data, err := makeData(dt, int(n))
	if err != nil {
		return nil, err
	}
	return &Tensor{DType: dt, Shape: append([]int64{}, shape...), Data: data}, nil
}

// MustTensor is NewTensor for shapes known to be valid; it panics otherwise.
func MustTensor(dt DType, shape []int64) *Tensor {
	t, err := NewTensor(dt, shape)
	if err != nil {
		panic(err)
	}
	return t
}

func makeData(dt DType, n int) (any, error) {
	switch dt {
	case Float32:
		return make([]float32, n), nil
	case Float64:
		return make([]float64, n), nil
	case Float16, BFloat16, Uint16:
		return make([]uint16, n), nil
	case Int8:
		return make([]int8, n), nil
	case Int16:
		return make([]int16, n), nil
	case Int32:
		return make([]int32, n), nil
	case Int64:
		return make([]int64, n), nil
	case Uint32:
		return make([]uint32, n), nil
	case Uint64:
		return make([]uint64, n), nil
	case Bool:
		return make([]bool, n), nil
	case String:
		return make([]string, n), nil
	case Complex64:
		return make([]complex64, n), nil
	case Complex128:
		return make([]complex128, n), nil
	}
	if dt.Valid() && dt.Size() == 1 {
		return make([]uint8, n), nil
	}
	return nil, fmt.Errorf("cannot allocate tensor of dtype %v", dt)
}

// Len returns the number of elements held in Data.
func (t *Tensor) Len() int {
	switch d := t.Data.(type) {
	case []float32:
		return len(d)
	case []float64:
		return len(d)
	case []uint16:
		return len(d)
	case []int8:
		return len(d)
	case []int16:
		return len(d)
	case []int32:
		return len(d)
	case []int64:
		return len(d)
	case []uint8:
		return len(d)
	case []uint32:
		return len(d)
	case []uint64:
		return len(d)
	case []bool:
		return len(d)
	case []string:
		return len(d)
	case []complex64:
		return len(d)
	case []complex128:
		return len(d)
	}
	return 0
}

// Rank is len(Shape).
func (t *Tensor) Rank() int { return len(t.Shape) }

// Check verifies that Data has the Go type DType calls for and as many
// elements as Shape says.
func (t *Tensor) Check() error {
	n, err := NumElements(t.Shape)
	if err != nil {
		return err
	}
	want, err := makeData(t.DType, 0)
	if err != nil {
		return err
	}
	if fmt.Sprintf("%T", want) != fmt.Sprintf("%T", t.Data) {
		return fmt.Errorf("tensor of dtype %v holds %T", t.DType, t.Data)
	}
	if int64(t.Len()) != n {
		return fmt.Errorf("tensor of shape %v holds %d elements, want %d", t.Shape, t.Len(), n)
	}
	return nil
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	c := MustTensor(t.DType, t.Shape)
	copyData(c.Data, t.Data)
	return c
}

func copyData(dst, src any) {
	switch d := dst.(type) {
	case []float32:
		copy(d, src.([]float32))
	case []float64:
		copy(d, src.([]float64))
	case []uint16:
		copy(d, src.([]uint16))
	case []int8:
		copy(d, src.([]int8))
	case []int16:
		copy(d, src.([]int16))
	case []int32:
		copy(d, src.([]int32))
	case []int64:
		copy(d, src.([]int64))
	case []uint8:
		copy(d, src.([]uint8))
	case []uint32:
		copy(d, src.([]uint32))
	case []uint64:
		copy(d, src.([]uint64))
	case []bool:
		copy(d, src.([]bool))
	case []string:
		copy(d, src.([]string))
	case []complex64:
		copy(d, src.([]complex64))
	case []complex128:
		copy(d, src.([]complex128))
	}
}

// Reshaped returns a tensor sharing t's data with a new shape of the same
// element count.
func (t *Tensor) Reshaped(shape []int64) (*Tensor, error) {
	n, err := NumElements(shape)
	if err != nil {
		return nil, err
	}
	if int(n) != t.Len() {
		return nil, fmt.Errorf("cannot reshape %v (%d elements) to %v", t.Shape, t.Len(), shape)
	}
	return &Tensor{DType: t.DType, Shape: append([]int64{}, shape...), Data: t.Data}, nil
}

// Float64s returns the elements converted to float64 (a new slice).
// Integers and bools convert by value; float16/bfloat16/float8 are decoded.
func (t *Tensor) Float64s() []float64 {
	out := make([]float64, t.Len())
	switch d := t.Data.(type) {
	case []float32:
		for i, v := range d {
			out[i] = float64(v)
		}
	case []float64:
		copy(out, d)
	case []uint16:
		for i, v := range d {
			switch t.DType {
			case Float16:
				out[i] = float64(Float16ToFloat32(v))
			case BFloat16:
				out[i] = float64(BFloat16ToFloat32(v))
			default:
				out[i] = float64(v)
			}
		}
	case []int8:
		for i, v := range d {
			out[i] = float64(v)
		}
	case []int16:
		for i, v := range d {
			out[i] = float64(v)
		}
	case []int32:
		for i, v := range d {
			out[i] = float64(v)
		}
	case []int64:
		for i, v := range d {
			out[i] = float64(v)
		}
	case []uint8:
		for i, v := range d {
			out[i] = DecodeByte(t.DType, v)
		}
	case []uint32:
		for i, v := range d {
			out[i] = float64(v)
		}
	case []uint64:
		for i, v := range d {
			out[i] = float64(v)
		}
	case []bool:
		for i, v := range d {
			if v {
				out[i] = 1
			}
		}
	case []complex64:
		for i, v := range d {
			out[i] = float64(real(v))
		}
	case []complex128:
		for i, v := range d {
			out[i] = real(v)
		}
	}
	return out
}

// Int64s returns the elements converted to int64 (a new slice). Floats are
// truncated toward zero; uint64 values keep their bit pattern.
func (t *Tensor) Int64s() []int64 {
	out := make([]int64, t.Len())
	switch d := t.Data.(type) {
	case []int64:
		copy(out, d)
	case []int32:
		for i, v := range d {
			out[i] = int64(v)
		}
	case []int16:
		for i, v := range d {
			out[i] = int64(v)
		}
	case []int8:
		for i, v := range d {
			out[i] = int64(v)
		}
	case []uint8:
		if t.DType.IsFloat() {
			for i, v := range d {
				out[i] = floatToInt64(DecodeByte(t.DType, v))
			}
			break
		}
		for i, v := range d {
			out[i] = int64(DecodeByte(t.DType, v))
		}
	case []uint16:
		if t.DType == Uint16 {
			for i, v := range d {
				out[i] = int64(v)
			}
			break
		}
		for i, f := range t.Float64s() {
			out[i] = floatToInt64(f)
		}
	case []uint32:
		for i, v := range d {
			out[i] = int64(v)
		}
	case []uint64:
		for i, v := range d {
			out[i] = int64(v)
		}
	case []bool:
		for i, v := range d {
			if v {
				out[i] = 1
			}
		}
	default:
		for i, f := range t.Float64s() {
			out[i] = floatToInt64(f)
		}
	}
	return out
}

func floatToInt64(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= 9.2233720368547758e18:
		return math.MaxInt64
	case f <= -9.2233720368547758e18:
		return math.MinInt64
	}
	return int64(f)
}

// Bools returns the elements as bools (non-zero is true).
func (t *Tensor) Bools() []bool {
	if d, ok := t.Data.([]bool); ok {
		return append([]bool{}, d...)
	}
	out := make([]bool, t.Len())
	for i, v := range t.Float64s() {
		out[i] = v != 0
	}
	return out
}

// FromFloat64s builds a tensor of dtype dt from float64 values, rounding to
// the target type (round-to-nearest-even for floats, truncation toward zero
// and wrap-around for integers).
func FromFloat64s(dt DType, shape []int64, vals []float64) (*Tensor, error) {
	t, err := NewTensor(dt, shape)
	if err != nil {
		return nil, err
	}
	if t.Len() != len(vals) {
		return nil, fmt.Errorf("shape %v needs %d values, got %d", shape, t.Len(), len(vals))
	}
	switch d := t.Data.(type) {
	case []float32:
		for i, v := range vals {
			d[i] = float32(v)
		}
	case []float64:
		copy(d, vals)
	case []uint16:
		for i, v := range vals {
			switch dt {
			case Float16:
				d[i] = Float32ToFloat16(float32(v))
			case BFloat16:
				d[i] = Float32ToBFloat16(float32(v))
			default:
				d[i] = uint16(floatToInt64(v))
			}
		}
	case []bool:
		for i, v := range vals {
			d[i] = v != 0
		}
	case []uint8:
		for i, v := range vals {
			d[i] = EncodeByte(dt, v)
		}
	case []complex64:
		for i, v := range vals {
			d[i] = complex(float32(v), 0)
		}
	case []complex128:
		for i, v := range vals {
			d[i] = complex(v, 0)
		}
	case []string:
		for i, v := range vals {
			d[i] = fmt.Sprint(v)
		}
	default:
		ints := make([]int64, len(vals))
		for i, v := range vals {
			ints[i] = floatToInt64(v)
		}
		fillInts(t, ints)
	}
	return t, nil
}

// FromInt64s builds a tensor of dtype dt from int64 values, wrapping
// integers to the target width.
func FromInt64s(dt DType, shape []int64, vals []int64) (*Tensor, error) {
	if dt.IsFloat() || dt == Complex64 || dt == Complex128 || dt == String {
		f := make([]float64, len(vals))
		for i, v := range vals {
			f[i] = float64(v)
		}
		return FromFloat64s(dt, shape, f)
	}
	t, err := NewTensor(dt, shape)
	if err != nil {
		return nil, err
	}
	if t.Len() != len(vals) {
		return nil, fmt.Errorf("shape %v needs %d values, got %d", shape, t.Len(), len(vals))
	}
	fillInts(t, vals)
	return t, nil
}

func fillInts(t *Tensor, vals []int64) {
	switch d := t.Data.(type) {
	case []int8:
		for i, v := range vals {
			d[i] = int8(v)
		}
	case []int16:
		for i, v := range vals {
			d[i] = int16(v)
		}
	case []int32:
		for i, v := range vals {
			d[i] = int32(v)
		}
	case []int64:
		copy(d, vals)
	case []uint8:
		for i, v := range vals {
			d[i] = EncodeByte(t.DType, float64(v))
			if !t.DType.IsFloat() {
				d[i] = wrapSmallInt(t.DType, v)
			}
		}
	case []uint16:
		for i, v := range vals {
			d[i] = uint16(v)
		}
	case []uint32:
		for i, v := range vals {
			d[i] = uint32(v)
		}
	case []uint64:
		for i, v := range vals {
			d[i] = uint64(v)
		}
	case []bool:
		for i, v := range vals {
			d[i] = v != 0
		}
	}
}

// wrapSmallInt stores an integer in the one-byte representation of an
// 8/4/2-bit integer type: two's complement wrap-around to the type's width,
// kept sign-extended in the byte for signed types.
func wrapSmallInt(dt DType, v int64) uint8 {
	switch dt {
	case Int8:
		return uint8(int8(v))
	case Int4:
		return uint8(int8(v << 60 >> 60))
	case Uint4:
		return uint8(v) & 0xF
	case Int2:
		return uint8(int8(v << 62 >> 62))
	case Uint2:
		return uint8(v) & 0x3
	}
	return uint8(v)
}

// Scalar makes a rank-0 tensor holding v converted to dt.
func Scalar(dt DType, v float64) *Tensor {
	t, err := FromFloat64s(dt, nil, []float64{v})
	if err != nil {
		panic(err)
	}
	return t
}

// String summarizes the tensor: dtype, shape and up to 8 values.
func (t *Tensor) String() string {
	s := fmt.Sprintf("%v%v", t.DType, t.Shape)
	n := t.Len()
	if n > 8 {
		n = 8
	}
	switch t.Data.(type) {
	case []string:
		return s + fmt.Sprint(t.Data.([]string)[:n])
	case []bool:
		return s + fmt.Sprint(t.Data.([]bool)[:n])
	}
	return s + fmt.Sprint(t.Float64s()[:n])
}
