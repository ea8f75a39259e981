// Package npy reads and writes NumPy .npy files.
//
// Read accepts format versions 1.0, 2.0 and 3.0, either byte order, and the
// dtypes f2 (float16), f4, f8, i1 to i8, u1 to u8, b1 (bool), c8 and c16
// (complex). Arrays stored in Fortran order are transposed to tfc's C
// (row-major) order. Bad input yields an error, never a panic, and nothing
// is allocated beyond what the input actually holds: the header is capped at
// MaxHeaderBytes, the shape is checked with ir.NumElements, and the data is
// read before the tensor is allocated.
//
// Write produces version 1.0 files in little-endian C order, byte for byte
// as numpy.save does. NumPy has no bfloat16 dtype, so bfloat16 tensors
// are written as float32 ('<f4'), which holds every bfloat16 value exactly.
// Dtypes with no NumPy counterpart (strings, 8/4/2-bit types) are refused.
package npy

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tfc-project/tfc/ir"
)

// MaxHeaderBytes bounds the header length Read accepts.
const MaxHeaderBytes = 1 << 20

// MaxDims bounds the rank Read and Write accept (NumPy's own limit).
const MaxDims = 64

// magic starts every .npy file.
const magic = "\x93NUMPY"

// typeCodes maps NumPy type codes (the descr without its byte-order
// character) to tfc dtypes.
var typeCodes = map[string]ir.DType{
	"f2": ir.Float16, "f4": ir.Float32, "f8": ir.Float64,
	"i1": ir.Int8, "i2": ir.Int16, "i4": ir.Int32, "i8": ir.Int64,
	"u1": ir.Uint8, "u2": ir.Uint16, "u4": ir.Uint32, "u8": ir.Uint64,
	"b1": ir.Bool, "c8": ir.Complex64, "c16": ir.Complex128,
}

// ReadFile reads the .npy file at path; errors name the file.
func ReadFile(path string) (*ir.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := Read(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Read decodes one .npy array from r. Errors give the byte offset of the
// problem.
func Read(r io.Reader) (*ir.Tensor, error) {
	var pre [8]byte
	if n, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("not a .npy file: only %d bytes, too short for the preamble", n)
	}
	if string(pre[:6]) != magic {
		return nil, fmt.Errorf("not a .npy file: starts with %q, want %q", pre[:6], magic)
	}
	major, minor := pre[6], pre[7]
	if major < 1 || major > 3 || minor != 0 {
		return nil, fmt.Errorf(".npy format version %d.%d is not supported (1.0, 2.0 and 3.0 are)", major, minor)
	}
	lenBytes := 2
	if major > 1 {
		lenBytes = 4
	}
	var lb [4]byte
	if _, err := io.ReadFull(r, lb[:lenBytes]); err != nil {
		return nil, fmt.Errorf("header length at byte 8: file ends early")
	}
	hlen := int64(binary.LittleEndian.Uint32(lb[:]))
	if hlen > MaxHeaderBytes {
		return nil, fmt.Errorf("header length at byte 8 is %d, more than the %d allowed", hlen, MaxHeaderBytes)
	}
	hdrOff := int64(8 + lenBytes)
	hdr := make([]byte, hlen)
	if n, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("header at byte %d: file ends after %d of %d bytes", hdrOff, n, hlen)
	}
	h, err := parseHeader(string(hdr), hdrOff)
	if err != nil {
		return nil, err
	}
	dt, order, err := parseDescr(h.descr)
	if err != nil {
		return nil, fmt.Errorf("header at byte %d: %w", hdrOff, err)
	}
	n, err := ir.NumElements(h.shape)
	if err != nil {
		return nil, fmt.Errorf("header at byte %d: %w", hdrOff, err)
	}
	size := int64(dt.Size())
	dataOff := hdrOff + hlen
	raw, err := io.ReadAll(io.LimitReader(r, n*size))
	if err != nil {
		return nil, fmt.Errorf("data at byte %d: %w", dataOff, err)
	}
	if int64(len(raw)) < n*size {
		return nil, fmt.Errorf("data at byte %d: file ends after %d of the %d bytes that %s%s needs",
			dataOff, len(raw), n*size, h.descr, shapeTuple(h.shape))
	}
	if h.fortran && len(h.shape) > 1 {
		raw = fortranToC(raw, h.shape, int(size))
	}
	t, err := ir.NewTensor(dt, h.shape)
	if err != nil {
		return nil, fmt.Errorf("data at byte %d: %w", dataOff, err)
	}
	if _, err := binary.Decode(raw, order, t.Data); err != nil {
		return nil, fmt.Errorf("data at byte %d: %w", dataOff, err)
	}
	return t, nil
}

// parseDescr splits a descr such as "<f4" into dtype and byte order.
func parseDescr(descr string) (ir.DType, binary.ByteOrder, error) {
	if len(descr) < 2 {
		return 0, nil, fmt.Errorf("dtype %q is not supported", descr)
	}
	dt, ok := typeCodes[descr[1:]]
	if !ok {
		return 0, nil, fmt.Errorf("dtype %q is not supported (tfc reads f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1 c8 c16)", descr)
	}
	switch descr[0] {
	case '<':
		return dt, binary.LittleEndian, nil
	case '>':
		return dt, binary.BigEndian, nil
	case '|':
		if dt.Size() == 1 {
			return dt, binary.LittleEndian, nil
		}
	}
	return 0, nil, fmt.Errorf("dtype %q has an invalid byte order %q", descr, descr[0])
}

// fortranToC reorders element bytes stored in Fortran (column-major) order
// for shape into C (row-major) order.
func fortranToC(raw []byte, shape []int64, size int) []byte {
	out := make([]byte, len(raw))
	stride := make([]int64, len(shape)) // Fortran strides, in elements
	s := int64(1)
	for i, d := range shape {
		stride[i] = s
		s *= d
	}
	idx := make([]int64, len(shape))
	src := int64(0)
	for dst := 0; dst < len(out); dst += size {
		copy(out[dst:dst+size], raw[src*int64(size):])
		for j := len(shape) - 1; j >= 0; j-- {
			idx[j]++
			src += stride[j]
			if idx[j] < shape[j] {
				break
			}
			src -= stride[j] * shape[j]
			idx[j] = 0
		}
	}
	return out
}

// WriteFile writes t to path as a .npy file (see Write); errors name the
// file, and a file left incomplete by an error is removed.
func WriteFile(path string, t *ir.Tensor) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = Write(bw, t)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Write encodes t as a little-endian, C-order .npy array. BFloat16 tensors
// are written as float32.
func Write(w io.Writer, t *ir.Tensor) error {
	if t == nil {
		return errors.New("cannot write a nil tensor as .npy")
	}
	if err := t.Check(); err != nil {
		return fmt.Errorf("cannot write tensor as .npy: %w", err)
	}
	data := t.Data
	dt := t.DType
	if dt == ir.BFloat16 {
		bits := data.([]uint16)
		f := make([]float32, len(bits))
		for i, b := range bits {
			f[i] = ir.BFloat16ToFloat32(b)
		}
		data, dt = f, ir.Float32
	}
	descr, err := descrOf(dt)
	if err != nil {
		return err
	}
	if len(t.Shape) > MaxDims {
		return fmt.Errorf("cannot write a rank-%d tensor as .npy: NumPy allows at most %d dimensions", len(t.Shape), MaxDims)
	}
	if _, err := w.Write(header(descr, t.Shape)); err != nil {
		return err
	}
	return binary.Write(w, binary.LittleEndian, data)
}

// descrOf returns the NumPy descr of dt in little-endian order.
func descrOf(dt ir.DType) (string, error) {
	for code, d := range typeCodes {
		if d != dt {
			continue
		}
		if dt.Size() == 1 {
			return "|" + code, nil
		}
		return "<" + code, nil
	}
	return "", fmt.Errorf("cannot write dtype %v as .npy: NumPy has no such dtype", dt)
}

// header builds the version 1.0 preamble and header of a C-order array,
// padded with spaces so that the data starts at a multiple of 64 bytes as
// NumPy does. A rank of at most MaxDims keeps it far below the 64 KiB limit
// of version 1.0.
func header(descr string, shape []int64) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shapeTuple(shape))
	const pre = 10 // magic, version 1.0, 2-byte header length
	pad := (64 - (pre+len(dict)+1)%64) % 64
	hlen := len(dict) + pad + 1
	buf := make([]byte, 0, pre+hlen)
	buf = append(buf, magic...)
	buf = append(buf, 1, 0)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(hlen))
	buf = append(buf, dict...)
	buf = append(buf, strings.Repeat(" ", pad)...)
	return append(buf, '\n')
}

// shapeTuple prints a shape as a Python tuple: (), (3,), (2, 3).
func shapeTuple(shape []int64) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
