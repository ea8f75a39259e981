package npy

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

// fixtures are the files testdata/gen.py writes with NumPy, with the
// tensors they hold. roundTrip marks those numpy.save writes exactly as
// Write does (version 1.0, little-endian, C order).
var fixtures = []struct {
	file      string
	want      *ir.Tensor
	roundTrip bool
}{
	{"f4.npy", &ir.Tensor{DType: ir.Float32, Shape: []int64{2, 3}, Data: []float32{0, 1, 2, 3, 4, 5}}, true},
	{"f8_scalar.npy", &ir.Tensor{DType: ir.Float64, Shape: []int64{}, Data: []float64{3.5}}, true},
	{"f2.npy", &ir.Tensor{DType: ir.Float16, Shape: []int64{4}, Data: []uint16{0x3800, 0xC000, 0x7BFF, 0x7C00}}, true},
	{"i1.npy", &ir.Tensor{DType: ir.Int8, Shape: []int64{3}, Data: []int8{-128, 0, 127}}, true},
	{"i2.npy", &ir.Tensor{DType: ir.Int16, Shape: []int64{3}, Data: []int16{-32768, 1, 32767}}, true},
	{"i8.npy", &ir.Tensor{DType: ir.Int64, Shape: []int64{1, 2}, Data: []int64{-1 << 63, 1<<63 - 1}}, true},
	{"u1.npy", &ir.Tensor{DType: ir.Uint8, Shape: []int64{2}, Data: []uint8{0, 255}}, true},
	{"u2.npy", &ir.Tensor{DType: ir.Uint16, Shape: []int64{1}, Data: []uint16{65535}}, true},
	{"u4.npy", &ir.Tensor{DType: ir.Uint32, Shape: []int64{1}, Data: []uint32{4294967295}}, true},
	{"u8.npy", &ir.Tensor{DType: ir.Uint64, Shape: []int64{1}, Data: []uint64{1<<64 - 1}}, true},
	{"b1.npy", &ir.Tensor{DType: ir.Bool, Shape: []int64{3}, Data: []bool{true, false, true}}, true},
	{"c8.npy", &ir.Tensor{DType: ir.Complex64, Shape: []int64{1}, Data: []complex64{1 + 2i}}, true},
	{"c16.npy", &ir.Tensor{DType: ir.Complex128, Shape: []int64{1}, Data: []complex128{-1.5 - 0.25i}}, true},
	{"empty.npy", &ir.Tensor{DType: ir.Float32, Shape: []int64{0, 3}, Data: []float32{}}, true},
	{"be_i4.npy", &ir.Tensor{DType: ir.Int32, Shape: []int64{2, 2}, Data: []int32{1, -2, 3, 4}}, false},
	{"be_f8.npy", &ir.Tensor{DType: ir.Float64, Shape: []int64{2}, Data: []float64{1.25, -3}}, false},
	{"fortran_f8.npy", arange24(), false},
	{"v2_f4.npy", &ir.Tensor{DType: ir.Float32, Shape: []int64{2}, Data: []float32{1, 2}}, false},
	{"v3_f4.npy", &ir.Tensor{DType: ir.Float32, Shape: []int64{2}, Data: []float32{1, 2}}, false},
}

// arange24 is np.arange(24.0).reshape(2, 3, 4).
func arange24() *ir.Tensor {
	d := make([]float64, 24)
	for i := range d {
		d[i] = float64(i)
	}
	return &ir.Tensor{DType: ir.Float64, Shape: []int64{2, 3, 4}, Data: d}
}

func TestReadNumPyFiles(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			got, err := ReadFile(filepath.Join("testdata", f.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, f.want) {
				t.Fatalf("got %v %v %v, want %v %v %v", got.DType, got.Shape, got.Data, f.want.DType, f.want.Shape, f.want.Data)
			}
		})
	}
}

func TestWriteMatchesNumPy(t *testing.T) {
	for _, f := range fixtures {
		if !f.roundTrip {
			continue
		}
		t.Run(f.file, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", f.file))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Write(&buf, f.want); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("Write gives\n%q\nnumpy.save gives\n%q", buf.Bytes(), want)
			}
		})
	}
}

func TestWriteBFloat16AsFloat32(t *testing.T) {
	in := &ir.Tensor{DType: ir.BFloat16, Shape: []int64{2}, Data: []uint16{
		ir.Float32ToBFloat16(1.5), ir.Float32ToBFloat16(-2)}}
	path := filepath.Join(t.TempDir(), "bf16.npy")
	if err := WriteFile(path, in); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := &ir.Tensor{DType: ir.Float32, Shape: []int64{2}, Data: []float32{1.5, -2}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestWriteRefuses(t *testing.T) {
	cases := []struct {
		name string
		t    *ir.Tensor
		want string
	}{
		{"string", &ir.Tensor{DType: ir.String, Shape: []int64{1}, Data: []string{"a"}}, "NumPy has no such dtype"},
		{"float8", &ir.Tensor{DType: ir.Float8E4M3FN, Shape: []int64{1}, Data: []uint8{1}}, "NumPy has no such dtype"},
		{"inconsistent", &ir.Tensor{DType: ir.Float32, Shape: []int64{3}, Data: []float32{1}}, "holds 1 elements"},
		{"rank", &ir.Tensor{DType: ir.Float32, Shape: make([]int64, 65), Data: []float32{}}, "at most 64 dimensions"},
		{"nil", nil, "nil tensor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.npy")
			err := WriteFile(path, c.t)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and saying %q", err, path, c.want)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("incomplete file %s left behind", path)
			}
		})
	}
}

// npyFile assembles a .npy file of the given version from a header dict and
// data, without the padding NumPy adds.
func npyFile(major byte, dict string, data []byte) []byte {
	b := append([]byte(magic), major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(dict)))
	}
	return append(append(b, dict...), data...)
}

func TestReadHeaderVariants(t *testing.T) {
	cases := []struct {
		name, dict string
		want       *ir.Tensor
	}{
		{"double quotes, no trailing comma", `{"shape": (2,), "fortran_order": False, "descr": "<i2"}`,
			&ir.Tensor{DType: ir.Int16, Shape: []int64{2}, Data: []int16{0x0201, 0x0403}}},
		{"python 2 longs", "{'descr': '|u1', 'fortran_order': False, 'shape': (2L, 2L), }\n",
			&ir.Tensor{DType: ir.Uint8, Shape: []int64{2, 2}, Data: []uint8{1, 2, 3, 4}}},
		{"fortran 2-d", "{'descr': '|i1', 'fortran_order': True, 'shape': (2, 2)}",
			&ir.Tensor{DType: ir.Int8, Shape: []int64{2, 2}, Data: []int8{1, 3, 2, 4}}},
		{"big-endian f2", "{'descr': '>f2', 'fortran_order': False, 'shape': (2,)}",
			&ir.Tensor{DType: ir.Float16, Shape: []int64{2}, Data: []uint16{0x0102, 0x0304}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Read(bytes.NewReader(npyFile(1, c.dict, []byte{1, 2, 3, 4})))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %v %v %v, want %v", got.DType, got.Shape, got.Data, c.want)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	const ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
	eight := make([]byte, 8)
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "not a .npy file: only 0 bytes"},
		{"not npy", []byte("PK\x03\x04 a zip file"), `not a .npy file: starts with "PK\x03\x04 a"`},
		{"version", npyFile(4, ok, eight), "version 4.0 is not supported"},
		{"no header length", []byte(magic + "\x02\x00\x01"), "header length at byte 8: file ends early"},
		{"header too long", append([]byte(magic+"\x02\x00"), 0, 0, 0, 1), "header length at byte 8 is 16777216, more than the 1048576 allowed"},
		{"short header", npyFile(1, ok, nil)[:30], "header at byte 10: file ends after 20 of 57 bytes"},
		{"short data", npyFile(1, ok, eight[:5]), "data at byte 67: file ends after 5 of the 8 bytes that <f4(2,) needs"},
		{"huge shape", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4)}", eight),
			"file ends after 8 of the 137438953472 bytes"},
		{"too many elements", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", nil),
			"header at byte 10: shape [4294967296 4294967296] has more than"},
		{"negative dim", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", nil),
			`header at byte 61: shape dimension "-1" is not a non-negative integer`},
		{"object dtype", npyFile(1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,)}", nil),
			`dtype "|O" is not supported`},
		{"string dtype", npyFile(1, "{'descr': '<U5', 'fortran_order': False, 'shape': (1,)}", nil),
			`dtype "<U5" is not supported (tfc reads f2 f4`},
		{"bad byte order", npyFile(1, "{'descr': '|f4', 'fortran_order': False, 'shape': (1,)}", nil),
			`dtype "|f4" has an invalid byte order '|'`},
		{"structured", npyFile(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", nil),
			"header at byte 20: structured dtypes"},
		{"missing key", npyFile(1, "{'descr': '<f4', 'shape': (1,)}", nil), `header has no "fortran_order" key`},
		{"unknown key", npyFile(1, "{'descr': '<f4', 'order': 'C'}", nil), `unexpected key "order"`},
		{"duplicate key", npyFile(1, "{'descr': '<f4', 'descr': '<f4'}", nil), `key "descr" appears twice`},
		{"bad bool", npyFile(1, "{'fortran_order': Yes}", nil), `expected True or False, found "Yes"`},
		{"unterminated", npyFile(1, "{'descr: '<f4'}", nil), "header at byte 20: expected ':', found '<'"},
		{"trailing", npyFile(1, ok+" x", nil), `header at byte 68: unexpected 'x' after the header dictionary`},
		{"not a dict", npyFile(1, "[1]", nil), "header at byte 10: expected '{', found '['"},
		{"too many dims", npyFile(1, "{'shape': ("+strings.Repeat("1,", 65)+")}", nil), "more than 64 dimensions"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestReadFileNamesFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "f4.npy"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cut.npy")
	if err := os.WriteFile(path, data[:len(data)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadFile(path)
	want := path + ": data at byte 128: file ends after 21 of the 24 bytes that <f4(2, 3) needs"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
}

// FuzzRead checks that no input makes Read panic or return an inconsistent
// tensor, and that whatever Read accepts survives a Write/Read round trip.
func FuzzRead(f *testing.F) {
	for _, fx := range fixtures {
		data, err := os.ReadFile(filepath.Join("testdata", fx.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(npyFile(1, "{'descr': '|i1', 'fortran_order': True, 'shape': (2, 1, 2)}", []byte{1, 2, 3, 4}))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		if err := got.Check(); err != nil {
			t.Fatalf("Read returned an inconsistent tensor: %v", err)
		}
		var first, second bytes.Buffer
		if err := Write(&first, got); err != nil {
			t.Fatalf("cannot write back what was read: %v", err)
		}
		again, err := Read(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("cannot read back what was written: %v", err)
		}
		if err := Write(&second, again); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatal("Write/Read round trip changed the file")
		}
	})
}
