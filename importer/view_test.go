package importer

import (
	"testing"
	"unsafe"

	"github.com/tfc-project/tfc/ir"
)

func TestViewRaw(t *testing.T) {
	if !littleEndian {
		t.Skip("big-endian machine: raw data is always copied")
	}
	buf := make([]byte, 17)                           // 8-aligned by the allocator
	buf[0], buf[1], buf[2], buf[3] = 0, 0, 0x80, 0x3f // 1.0f
	v := viewRaw(ir.Float32, []int64{4}, buf[:16])
	if v == nil {
		t.Fatal("aligned float32 bytes were not viewed")
	}
	f := v.Data.([]float32)
	if len(f) != 4 || f[0] != 1 || unsafe.Pointer(&f[0]) != unsafe.Pointer(&buf[0]) {
		t.Fatalf("view %v does not share the bytes", f)
	}
	if viewRaw(ir.Float32, []int64{4}, buf[1:17]) != nil {
		t.Error("misaligned bytes were viewed, not copied")
	}
	if viewRaw(ir.Float16, []int64{8}, buf[:16]) != nil {
		t.Error("float16 was viewed; only float32, float64, int32 and int64 are")
	}
	if viewRaw(ir.Float32, []int64{0}, nil) != nil {
		t.Error("empty data was viewed")
	}
	// Decoding through the importer gives the same values either way.
	for _, off := range []int{0, 1} {
		raw := make([]byte, 9)[off : off+8]
		raw[2], raw[3], raw[6], raw[7] = 0x80, 0x3f, 0x00, 0x40 // 1.0f, 2.0f
		got, err := fromRaw(ir.Float32, []int64{2}, 2, raw)
		if err != nil {
			t.Fatal(err)
		}
		if d := got.Data.([]float32); d[0] != 1 || d[1] != 2 {
			t.Errorf("offset %d: %v, want [1 2]", off, d)
		}
	}
}
