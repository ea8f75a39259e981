package ir

import (
	"strings"
	"testing"
)

func TestNumElements(t *testing.T) {
	cases := []struct {
		dims []int64
		want int64
		err  string
	}{
		{nil, 1, ""},
		{[]int64{2, 3, 4}, 24, ""},
		{[]int64{1 << 40, 0}, 0, ""},
		{[]int64{0, 1 << 40}, 0, ""},
		{[]int64{1 << 20, 1 << 14}, 1 << 34, ""},
		{[]int64{1 << 20, 1<<14 + 1}, 0, "more than"},
		{[]int64{1 << 62, 1 << 62}, 0, "more than"},
		{[]int64{3, -1}, 0, "negative"},
	}
	for _, c := range cases {
		got, err := NumElements(c.dims)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("NumElements(%v) error %v, want %q", c.dims, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("NumElements(%v) = %d, %v; want %d", c.dims, got, err, c.want)
		}
	}
}

func TestTensorConversionsRoundTrip(t *testing.T) {
	for _, dt := range []DType{Float32, Float64, Float16, BFloat16, Int8, Int16, Int32, Int64, Uint8, Uint16, Uint32, Uint64, Bool} {
		vals := []float64{0, 1, 2, 0, 1, 3}
		if dt == Bool {
			vals = []float64{0, 1, 1, 0, 1, 1}
		}
		tt, err := FromFloat64s(dt, []int64{2, 3}, vals)
		if err != nil {
			t.Fatalf("%v: %v", dt, err)
		}
		if err := tt.Check(); err != nil {
			t.Errorf("%v: %v", dt, err)
		}
		got := tt.Float64s()
		ints := tt.Int64s()
		for i := range vals {
			if got[i] != vals[i] || ints[i] != int64(vals[i]) {
				t.Errorf("%v: element %d round-trips to %v / %v, want %v", dt, i, got[i], ints[i], vals[i])
			}
		}
	}
	wrapped, _ := FromInt64s(Int8, []int64{2}, []int64{200, -129})
	if got := wrapped.Int64s(); got[0] != -56 || got[1] != 127 {
		t.Errorf("int8 wrap-around gives %v, want [-56 127]", got)
	}
}

func TestHalfPrecisionRounding(t *testing.T) {
	// 1 + 2^-11 lies halfway between two float16 values: ties go to even (1.0).
	if got := Float16ToFloat32(Float32ToFloat16(1 + 1.0/2048)); got != 1 {
		t.Errorf("float16 tie rounds to %v, want 1", got)
	}
	if got := Float16ToFloat32(Float32ToFloat16(65520)); got < 1e30 {
		t.Errorf("65520 should overflow float16 to +Inf, got %v", got)
	}
	if got := Float16ToFloat32(Float32ToFloat16(5.960464477539063e-08)); got != 5.960464477539063e-08 {
		t.Errorf("smallest float16 subnormal round-trips to %v", got)
	}
	// 1 + 2^-8 is halfway between bfloat16 neighbours 1 and 1+2^-7: ties to even.
	if got := BFloat16ToFloat32(Float32ToBFloat16(1 + 1.0/256)); got != 1 {
		t.Errorf("bfloat16 tie rounds to %v, want 1", got)
	}
}
