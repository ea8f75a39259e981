package gemm

import (
	"fmt"
	"math"
	"testing"
)

// withVecMath runs f with the portable and (where the CPU has it) the
// AVX-512 math routines.
func withVecMath(t *testing.T, f func(t *testing.T)) {
	saved := vecMath
	defer func() { vecMath = saved }()
	for _, v := range []bool{false, saved} {
		vecMath = v
		t.Run(fmt.Sprintf("vec=%v", v), f)
	}
}

func gelu64(v float64, tanh bool) float64 {
	if tanh {
		return 0.5 * v * (1 + math.Tanh(sqrt2OverPi*(v+0.044715*v*v*v)))
	}
	return 0.5 * v * (1 + math.Erf(v/math.Sqrt2))
}

// TestGELUForms checks GELU, both forms, with and without bias, on every
// length up to 40 (the vector body and the tail) against float64.
func TestGELUForms(t *testing.T) {
	withVecMath(t, func(t *testing.T) {
		var x []float32
		for v := -12.0; v <= 12; v += 1e-3 {
			x = append(x, float32(v))
		}
		x = append(x, 0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, 100, -100, 3e38, -3e38)
		for _, tanh := range []bool{false, true} {
			worst := 0.0
			for _, withBias := range []bool{false, true} {
				var bias []float32
				src := x
				if withBias {
					bias = make([]float32, len(x))
					src = make([]float32, len(x))
					for i := range x {
						bias[i] = float32(i%7) / 8
						src[i] = x[i] - bias[i]
					}
				}
				y := make([]float32, len(x))
				GELU(y, src, bias, tanh)
				for i := range x {
					v := float64(src[i])
					if bias != nil {
						v = float64(src[i] + bias[i])
					}
					w := gelu64(v, tanh)
					d := math.Abs(float64(y[i])-w) / math.Max(1, math.Abs(w))
					if !(d <= 1e-6) {
						t.Fatalf("tanh=%v: gelu(%g) = %g, want %g", tanh, v, y[i], w)
					}
					worst = max(worst, d)
				}
			}
			t.Logf("tanh=%v: max error %.3g relative to max(1, |gelu|)", tanh, worst)
		}
		for n := range 41 {
			src := make([]float32, n)
			for i := range src {
				src[i] = float32(i) / 7
			}
			y := make([]float32, n+1)
			y[n] = 42
			GELU(y, src, nil, false)
			if y[n] != 42 {
				t.Fatalf("n=%d: GELU wrote past the end", n)
			}
			for i, v := range src {
				if w := gelu64(float64(v), false); math.Abs(float64(y[i])-w) > 1e-6*math.Max(1, w) {
					t.Fatalf("n=%d: gelu(%g) = %g, want %g", n, v, y[i], w)
				}
			}
		}
	})
}

// TestExp checks the vector exp of softmax against math.Exp over its
// whole range, through expSumAVX512.
func TestExp(t *testing.T) {
	if !vecMath {
		t.Skip("no AVX-512")
	}
	var x []float32
	for v := -104.0; v <= 0; v += 1e-3 {
		x = append(x, float32(v))
	}
	y := make([]float32, len(x))
	sum := expSumAVX512(&x[0], &y[0], len(x), 0)
	worst, want := 0.0, 0.0
	for i, v := range x {
		w := math.Exp(float64(v))
		want += w
		if w < 0x1p-126 { // float32 denormals: absolute error only
			if math.Abs(float64(y[i])-w) > 3e-45 {
				t.Fatalf("exp(%g) = %g, want %g", v, y[i], w)
			}
			continue
		}
		worst = max(worst, math.Abs(float64(y[i])-w)/w)
	}
	t.Logf("exp: max relative error %.3g", worst)
	if worst > 3e-7 {
		t.Errorf("exp: max relative error %g", worst)
	}
	if math.Abs(float64(sum)-want) > 1e-5*want {
		t.Errorf("sum = %g, want %g", sum, want)
	}
	for _, v := range []float32{-110, -200, float32(math.Inf(-1))} {
		x := []float32{v}
		expSumAVX512(&x[0], &x[0], 1, 0)
		if x[0] != 0 {
			t.Errorf("exp(%g) = %g, want 0", v, x[0])
		}
	}
}

func TestSoftmax(t *testing.T) {
	withVecMath(t, func(t *testing.T) {
		inf := float32(math.Inf(1))
		for n := 1; n <= 70; n++ {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32((i*37)%23) - 11
				if i%5 == 3 {
					x[i] = -inf
				}
			}
			if n == 4 { // every key masked but one
				x = []float32{-inf, -inf, 2, -inf}
			}
			y := make([]float32, n+1)
			y[n] = 42
			Softmax(y, x)
			want := make([]float32, n)
			softmaxGo(want, x)
			if y[n] != 42 {
				t.Fatalf("n=%d: wrote past the end", n)
			}
			for i := range want {
				if math.Abs(float64(y[i]-want[i])) > 1e-6*float64(max(want[i], 1e-3)) {
					t.Fatalf("n=%d: softmax[%d] = %g, want %g", n, i, y[i], want[i])
				}
			}
		}
		// A row masked everywhere gives NaN, like the reference.
		x := []float32{-inf, -inf}
		Softmax(x, x)
		if x[0] == x[0] {
			t.Errorf("softmax of -Inf row = %v, want NaN", x)
		}
	})
}

func TestLayerNorm(t *testing.T) {
	withVecMath(t, func(t *testing.T) {
		for _, n := range []int{1, 5, 16, 17, 40, 768} {
			x, skip, scale, bias := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range n {
				x[i] = float32((i*37)%23)/4 + 3
				skip[i] = float32((i*11)%7) / 8
				scale[i] = 1 + float32(i%5)/10
				bias[i] = float32(i%3) - 1
			}
			for _, c := range []struct{ skip, sum, bias, rms bool }{
				{}, {bias: true}, {skip: true, bias: true}, {skip: true, sum: true}, {rms: true}, {rms: true, skip: true, sum: true, bias: true},
			} {
				var sk, sum, b []float32
				if c.skip {
					sk = skip
				}
				if c.sum {
					sum = make([]float32, n)
				}
				if c.bias {
					b = bias
				}
				y := make([]float32, n+1)
				y[n] = 42
				LayerNorm(y[:n], sum, x, sk, scale, b, 1e-5, c.rms)
				// float64 reference
				xs := make([]float64, n)
				mean, v := 0.0, 0.0
				for i := range n {
					xs[i] = float64(x[i])
					if c.skip {
						xs[i] += float64(skip[i])
					}
					if !c.rms {
						mean += xs[i] / float64(n)
					}
				}
				for i := range n {
					v += (xs[i] - mean) * (xs[i] - mean) / float64(n)
				}
				for i := range n {
					w := (xs[i] - mean) / math.Sqrt(v+1e-5) * float64(scale[i])
					if c.bias {
						w += float64(bias[i])
					}
					if math.Abs(float64(y[i])-w) > 2e-5*math.Max(1, math.Abs(w)) {
						t.Fatalf("n=%d %+v: y[%d] = %g, want %g", n, c, i, y[i], w)
					}
					if c.sum && math.Abs(float64(sum[i])-xs[i]) > 1e-6*math.Abs(xs[i]) {
						t.Fatalf("n=%d %+v: sum[%d] = %g, want %g", n, c, i, sum[i], xs[i])
					}
				}
				if y[n] != 42 {
					t.Fatalf("n=%d: wrote past the end", n)
				}
			}
		}
	})
}

// TestSoftmaxTile checks that an online softmax over tiles gives the
// softmax of the whole row.
func TestSoftmaxTile(t *testing.T) {
	withVecMath(t, func(t *testing.T) {
		inf := float32(math.Inf(-1))
		for _, n := range []int{1, 7, 40, 100} {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32((i*29)%31)/3 - 5
				if i%7 == 2 {
					x[i] = inf
				}
			}
			if n == 40 { // the first tiles masked
				for i := range 20 {
					x[i] = inf
				}
			}
			want := make([]float32, n)
			softmaxGo(want, x)
			for _, tile := range []int{1, 5, 16, n} {
				m, l := inf, float32(0)
				got := append([]float32(nil), x...)
				scale := make([]float32, n) // what each tile's weights must still be scaled by
				for t0 := 0; t0 < n; t0 += tile {
					t1 := min(n, t0+tile)
					alpha := SoftmaxTile(got[t0:t1], &m, &l)
					for i := range t0 {
						scale[i] *= alpha
					}
					for i := t0; i < t1; i++ {
						scale[i] = 1
					}
				}
				for i := range got {
					g := got[i] * scale[i] / l
					if math.Abs(float64(g-want[i])) > 1e-6 {
						t.Fatalf("n=%d tile=%d: p[%d] = %g, want %g", n, tile, i, g, want[i])
					}
				}
			}
		}
	})
}

// TestExpSigmoid checks Exp and Sigmoid against float64 over their range,
// at every length up to 40 (the vector body and the tail), and at the
// edges: ±Inf, NaN and arguments past the float32 range.
func TestExpSigmoid(t *testing.T) {
	withVecMath(t, func(t *testing.T) {
		var x []float32
		for v := -100.0; v <= 88; v += 1e-3 {
			x = append(x, float32(v))
		}
		y := make([]float32, len(x))
		for _, c := range []struct {
			name string
			f    func(dst, src []float32)
			want func(float64) float64
			tol  float64
			tiny float64 // absolute tolerance below the normal float32 range
		}{
			{"exp", Exp, math.Exp, 3e-7, 3e-45},
			{"sigmoid", Sigmoid, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }, 4e-7, 0x1p-126},
		} {
			c.f(y, x)
			worst := 0.0
			for i, v := range x {
				w := c.want(float64(v))
				if w < 0x1p-126 { // float32 denormals: absolute error only
					if math.Abs(float64(y[i])-w) > c.tiny {
						t.Fatalf("%s(%g) = %g, want %g", c.name, v, y[i], w)
					}
					continue
				}
				worst = max(worst, math.Abs(float64(y[i])-w)/w)
			}
			t.Logf("%s: max relative error %.3g", c.name, worst)
			if worst > c.tol {
				t.Errorf("%s: max relative error %g", c.name, worst)
			}
			for n := range 41 {
				src, dst := x[len(x)/2:len(x)/2+n], make([]float32, n+1)
				dst[n] = 42
				c.f(dst, src)
				for i, v := range src {
					if w := c.want(float64(v)); math.Abs(float64(dst[i])-w) > c.tol*w {
						t.Fatalf("%s, length %d: element %d = %g, want %g", c.name, n, i, dst[i], w)
					}
				}
				if dst[n] != 42 {
					t.Fatalf("%s, length %d: wrote past the end", c.name, n)
				}
			}
		}
		inf := float32(math.Inf(1))
		edges := []float32{inf, -inf, 200, -200, float32(math.NaN())}
		wantExp := []float32{inf, 0, inf, 0}
		wantSig := []float32{1, 0, 1, 0}
		e, s := make([]float32, len(edges)), make([]float32, len(edges))
		Exp(e, edges)
		Sigmoid(s, edges)
		for i := range wantExp {
			if e[i] != wantExp[i] || s[i] != wantSig[i] {
				t.Errorf("at %g: exp %g, sigmoid %g; want %g and %g", edges[i], e[i], s[i], wantExp[i], wantSig[i])
			}
		}
		if !math.IsNaN(float64(e[4])) || !math.IsNaN(float64(s[4])) {
			t.Errorf("at NaN: exp %g, sigmoid %g", e[4], s[4])
		}
	})
}
