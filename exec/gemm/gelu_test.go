package gemm

import (
	"math"
	"testing"
)

func TestErf32(t *testing.T) {
	var worst float64
	for x := -6.0; x <= 6; x += 1e-4 {
		got := float64(erf32(float32(x)))
		worst = max(worst, math.Abs(got-math.Erf(float64(float32(x)))))
	}
	if worst > 3e-7 {
		t.Errorf("erf32: max error %g", worst)
	}
}

func TestGELU(t *testing.T) {
	saved := fastPack
	defer func() { fastPack = saved }()
	var x []float32
	for v := -12.0; v <= 12; v += 1e-3 {
		x = append(x, float32(v))
	}
	for _, fast := range []bool{false, saved} {
		fastPack = fast
		y := append([]float32(nil), x...)
		gelu(y)
		for i, v := range x {
			w := 0.5 * float64(v) * (1 + math.Erf(float64(v)/math.Sqrt2))
			if d := math.Abs(float64(y[i]) - w); d > 4e-7*math.Max(1, math.Abs(w)) {
				t.Fatalf("fast=%v: gelu(%g) = %g, want %g", fast, v, y[i], w)
			}
		}
	}
}
