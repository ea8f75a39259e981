package golden

import (
	"math"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func f32(shape []int64, vals ...float64) *ir.Tensor {
	t, err := ir.FromFloat64s(ir.Float32, shape, vals)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCompareFloats(t *testing.T) {
	want := f32([]int64{4}, 1, -2, 100, 0)
	cases := []struct {
		name   string
		got    *ir.Tensor
		pass   bool
		maxAbs float64
	}{
		{"equal", f32([]int64{4}, 1, -2, 100, 0), true, 0},
		{"within rtol", f32([]int64{4}, 1, -2, 100.05, 0), true, 0.05},
		{"beyond rtol", f32([]int64{4}, 1, -2, 100.2, 0), false, 0.2},
		{"beyond atol at zero", f32([]int64{4}, 1, -2, 100, 1e-6), false, 1e-6},
	}
	for _, c := range cases {
		r := Compare(c.got, want, ONNXDefault)
		if r.Pass != c.pass {
			t.Errorf("%s: pass=%v want %v (%s)", c.name, r.Pass, c.pass, r.Reason)
		}
		if math.Abs(r.MaxAbs-c.maxAbs) > 1e-5 {
			t.Errorf("%s: MaxAbs=%g want %g", c.name, r.MaxAbs, c.maxAbs)
		}
		if want := c.maxAbs / 100; math.Abs(r.MaxRel-want) > 1e-7 {
			t.Errorf("%s: MaxRel=%g want %g", c.name, r.MaxRel, want)
		}
	}
}

func TestCompareMaxRel(t *testing.T) {
	want := f32([]int64{2}, 10, 1)
	got := f32([]int64{2}, 10, 1.0005) // allclose passes, rel error 5e-5 of max|want|
	if r := Compare(got, want, Tolerance{Rtol: 1e-3, Atol: 1e-7, MaxRel: 1e-4}); !r.Pass {
		t.Errorf("rel error 5e-5 should pass MaxRel 1e-4: %s", r.Reason)
	}
	if r := Compare(got, want, Tolerance{Rtol: 1e-3, Atol: 1e-7, MaxRel: 1e-5}); r.Pass {
		t.Error("rel error 5e-5 should fail MaxRel 1e-5")
	}
}

func TestCompareSpecials(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	if r := Compare(f32([]int64{2}, nan, inf), f32([]int64{2}, nan, inf), ONNXDefault); !r.Pass {
		t.Errorf("NaN and Inf in the same places should pass: %s", r.Reason)
	}
	if r := Compare(f32([]int64{2}, 0, inf), f32([]int64{2}, nan, inf), ONNXDefault); r.Pass {
		t.Error("a number where NaN is expected should fail")
	}
	if r := Compare(f32([]int64{2}, 0, -inf), f32([]int64{2}, 0, inf), ONNXDefault); r.Pass {
		t.Error("-Inf where +Inf is expected should fail")
	}
}

func TestCompareMismatches(t *testing.T) {
	want := f32([]int64{2, 2}, 1, 2, 3, 4)
	cases := map[string]*ir.Tensor{
		"shape": f32([]int64{4}, 1, 2, 3, 4),
		"dtype": ir.MustTensor(ir.Float64, []int64{2, 2}),
		"nil":   nil,
	}
	for name, got := range cases {
		r := Compare(got, want, ONNXDefault)
		if r.Pass || !strings.Contains(r.Reason, map[string]string{"shape": "shape", "dtype": "dtype", "nil": "no output"}[name]) {
			t.Errorf("%s mismatch: pass=%v reason %q", name, r.Pass, r.Reason)
		}
	}
	ints, _ := ir.FromInt64s(ir.Int64, []int64{2}, []int64{1, 1 << 60})
	off, _ := ir.FromInt64s(ir.Int64, []int64{2}, []int64{1, 1<<60 + 1})
	if r := Compare(off, ints, ONNXDefault); r.Pass {
		t.Error("integers must match exactly, even where float64 cannot tell them apart")
	}
}
