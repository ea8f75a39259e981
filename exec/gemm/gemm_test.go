package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// call describes one multiplication for the tests.
type call struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	padA, padB     int // extra stride beyond the row length
	padC           int
	ep             Epilogue
}

func (tc call) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,%dx%dx%d,alpha=%g,beta=%g,pad=%d/%d/%d,bias=%v,gelu=%v,tanh=%v,res=%v",
		tc.transA, tc.transB, tc.m, tc.k, tc.n, tc.alpha, tc.beta, tc.padA, tc.padB, tc.padC,
		tc.ep.Bias != nil, tc.ep.GELU, tc.ep.Tanh, tc.ep.Residual != nil)
}

// operands holds random operands of a call: a, b, and c before the call.
type operands struct {
	a, b, c       []float32
	lda, ldb, ldc int
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 2*r.Float32() - 1
	}
	return s
}

func (tc *call) operands(r *rand.Rand, batch int) operands {
	var o operands
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = ac, ar
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = bc, br
	}
	o.lda, o.ldb, o.ldc = ac+tc.padA, bc+tc.padB, tc.n+tc.padC
	o.a = randSlice(r, batch*max(ar*o.lda, 1))
	o.b = randSlice(r, batch*max(br*o.ldb, 1))
	o.c = randSlice(r, batch*max(tc.m*o.ldc, 1))
	if tc.beta == 0 {
		for i := range o.c {
			o.c[i] = float32(math.NaN())
		}
	}
	return o
}

// reference computes the expected C and an error bound per element in
// float64 for batch entry 0 of o (strides are the matrix sizes).
func (tc *call) reference(o operands, res []float32) (want, bound []float64) {
	want = make([]float64, len(o.c))
	bound = make([]float64, len(o.c))
	for i := range o.c {
		want[i] = float64(o.c[i])
	}
	eps := float64(tc.k+8) * 2 * math.Pow(2, -24)
	for i := range tc.m {
		for j := range tc.n {
			var s, abs float64
			for p := range tc.k {
				ai, bi := i*o.lda+p, p*o.ldb+j
				if tc.transA {
					ai = p*o.lda + i
				}
				if tc.transB {
					bi = j*o.ldb + p
				}
				v := float64(tc.alpha) * float64(o.a[ai]) * float64(o.b[bi])
				s += v
				abs += math.Abs(v)
			}
			ci := i*o.ldc + j
			if tc.beta != 0 {
				s += float64(tc.beta) * float64(o.c[ci])
				abs += math.Abs(float64(tc.beta) * float64(o.c[ci]))
			}
			if tc.ep.Bias != nil {
				s += float64(tc.ep.Bias[j])
				abs += math.Abs(float64(tc.ep.Bias[j]))
			}
			switch {
			case tc.ep.GELU && tc.ep.Tanh:
				s = 0.5 * s * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(s+0.044715*s*s*s)))
				abs *= 1.2
			case tc.ep.GELU:
				s = 0.5 * s * (1 + math.Erf(s/math.Sqrt2))
				abs *= 1.2
			}
			if res != nil {
				s += float64(res[ci])
				abs += math.Abs(float64(res[ci]))
			}
			want[ci], bound[ci] = s, eps*abs+1e-6
		}
	}
	return want, bound
}

// compare checks c against want within bound; elements outside the m×n
// matrix (padding) must equal the original values in orig.
func compare(t *testing.T, name string, c []float32, want, bound []float64, orig []float32, m, n, ldc int) {
	t.Helper()
	for i := range c {
		r, col := i/ldc, i%ldc
		inside := r < m && col < n
		if !inside {
			if math.Float32bits(c[i]) != math.Float32bits(orig[i]) {
				t.Fatalf("%s: element %d (row %d col %d) outside C changed", name, i, r, col)
			}
			continue
		}
		if d := math.Abs(float64(c[i]) - want[i]); !(d <= bound[i]) {
			t.Fatalf("%s: C[%d,%d] = %g, want %g (bound %g)", name, r, col, c[i], want[i], bound[i])
		}
	}
}

// withKernels runs f once per kernel the CPU can run.
func withKernels(t *testing.T, f func(t *testing.T)) {
	saved, savedPack, savedVec := activeKernel, fastPack, vecMath
	defer func() { activeKernel, fastPack, vecMath = saved, savedPack, savedVec }()
	for _, k := range kernels() {
		// The portable kernel runs with the portable packing and
		// epilogue routines.
		activeKernel, fastPack, vecMath = k, savedPack && k != goKernel, savedVec && k != goKernel
		t.Run(k.name, f)
	}
	// Portable kernels with the tile heights of the assembly kernels cover
	// their packing and edge paths on any CPU.
	for _, mr := range []int{6, 8, 16} {
		activeKernel, fastPack = newGoKernel(mr), savedPack
		t.Run(activeKernel.name, f)
	}
	// The two-panel path of the AVX-512 kernel, as pairs of Go kernels.
	activeKernel, fastPack = withPairs(newGoKernel(8)), savedPack
	t.Run(activeKernel.name, f)
}

var shapes = [][3]int{ // m, n, k
	{1, 1, 1}, {7, 13, 17}, {6, 16, 8}, {12, 32, 256}, {5, 3, 300}, {1, 100, 40},
	{200, 1, 30}, {37, 45, 513}, {150, 20, 9}, {3, 1100, 5}, {64, 64, 64}, {2, 2, 0}, {0, 3, 4},
	{1, 37, 600}, {1, 1100, 7},
}

func testCalls() []call {
	var calls []call
	for _, s := range shapes {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			calls = append(calls, call{transA: tr[0], transB: tr[1], m: s[0], n: s[1], k: s[2], alpha: 1, beta: 0})
		}
		calls = append(calls,
			call{m: s[0], n: s[1], k: s[2], alpha: -0.5, beta: 1, padA: 3, padB: 1, padC: 5},
			call{transA: true, transB: true, m: s[0], n: s[1], k: s[2], alpha: 2, beta: 0.25, padA: 2, padB: 7, padC: 1},
		)
	}
	return calls
}

// TestSgemm runs every call unpacked and with B packed (through its
// serialized form).
func TestSgemm(t *testing.T) {
	withKernels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		for _, tc := range testCalls() {
			o := tc.operands(r, 1)
			want, bound := tc.reference(o, nil)
			c := append([]float32(nil), o.c...)
			if err := Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, o.a, o.lda, o.b, o.ldb, tc.beta, c, o.ldc, nil); err != nil {
				t.Fatalf("%v: %v", tc, err)
			}
			compare(t, tc.String(), c, want, bound, o.c, tc.m, tc.n, o.ldc)

			pb, err := PackB(tc.transB, tc.k, tc.n, o.b, o.ldb)
			if err == nil {
				pb, err = LoadPackedB(pb.K(), pb.N(), pb.Bytes())
			}
			if err != nil {
				t.Fatalf("%v: %v", tc, err)
			}
			copy(c, o.c)
			if err := SgemmPacked(tc.transA, tc.m, tc.n, tc.k, tc.alpha, o.a, o.lda, pb, tc.beta, c, o.ldc, nil); err != nil {
				t.Fatalf("packed %v: %v", tc, err)
			}
			compare(t, "packed "+tc.String(), c, want, bound, o.c, tc.m, tc.n, o.ldc)
		}
	})
}

// epilogueCase is which parts of an Epilogue a test call has.
type epilogueCase struct{ bias, gelu, tanh, res bool }

// setEpilogue gives tc the epilogue of v, with a random bias and a random
// residual laid out like o.c, and returns the residual (nil for none).
func (tc *call) setEpilogue(r *rand.Rand, v epilogueCase, o operands) []float32 {
	var res []float32
	if v.bias {
		tc.ep.Bias = randSlice(r, tc.n)
	}
	tc.ep.GELU, tc.ep.Tanh = v.gelu, v.tanh
	if v.res {
		res = randSlice(r, len(o.c))
		tc.ep.Residual = res
	}
	return res
}

func TestEpilogue(t *testing.T) {
	withKernels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		for _, s := range [][3]int{{1, 1, 1}, {7, 13, 17}, {37, 45, 300}, {2, 5, 0}} {
			for _, v := range []epilogueCase{
				{true, false, false, false}, {false, true, false, false}, {false, false, false, true}, {true, true, false, true},
				{false, true, true, false}, {true, true, true, false},
			} {
				tc := call{m: s[0], n: s[1], k: s[2], alpha: 1.5, beta: 0.5, padC: 2}
				o := tc.operands(r, 1)
				res := tc.setEpilogue(r, v, o)
				want, bound := tc.reference(o, res)
				c := append([]float32(nil), o.c...)
				for _, pool := range []*Pool{nil, NewPool(3)} {
					copy(c, o.c)
					opt := &Options{Pool: pool, Epilogue: tc.ep}
					if err := Sgemm(false, false, tc.m, tc.n, tc.k, tc.alpha, o.a, o.lda, o.b, o.ldb, tc.beta, c, o.ldc, opt); err != nil {
						t.Fatalf("%v: %v", tc, err)
					}
					compare(t, tc.String(), c, want, bound, o.c, tc.m, tc.n, o.ldc)
					pool.Close()
				}
			}
		}
	})
}

// TestRowPath: one row of A by packed B (a decoding step), the path that
// streams B panel range by panel range, with each epilogue and threads.
func TestRowPath(t *testing.T) {
	withKernels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		pool := NewPool(3)
		defer pool.Close()
		for _, s := range [][2]int{{5, 3}, {16, 256}, {100, 600}, {1100, 40}} {
			for _, v := range []epilogueCase{
				{}, {true, false, false, false}, {true, true, false, false}, {false, true, true, true},
			} {
				tc := call{m: 1, n: s[0], k: s[1], alpha: 1, padC: 3}
				o := tc.operands(r, 1)
				res := tc.setEpilogue(r, v, o)
				want, bound := tc.reference(o, res)
				pb, err := PackB(false, tc.k, tc.n, o.b, o.ldb)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range []*Pool{nil, pool} {
					c := append([]float32(nil), o.c...)
					if err := SgemmPacked(false, 1, tc.n, tc.k, 1, o.a, o.lda, pb, 0, c, o.ldc, &Options{Pool: p, Epilogue: tc.ep}); err != nil {
						t.Fatalf("%v: %v", tc, err)
					}
					compare(t, fmt.Sprintf("%v threads=%d", tc, p.Threads()), c, want, bound, o.c, tc.m, tc.n, o.ldc)
				}
			}
		}
	})
}

func TestThreads(t *testing.T) {
	withKernels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, threads := range []int{1, 2, 3, 8} {
			pool := NewPool(threads)
			for _, s := range [][3]int{{1, 1, 1}, {7, 13, 17}, {130, 1050, 40}, {300, 20, 30}, {3, 200, 10}} {
				tc := call{transB: true, m: s[0], n: s[1], k: s[2], alpha: 1, beta: 1}
				o := tc.operands(r, 1)
				want, bound := tc.reference(o, nil)
				c := append([]float32(nil), o.c...)
				if err := Sgemm(false, true, tc.m, tc.n, tc.k, 1, o.a, o.lda, o.b, o.ldb, 1, c, o.ldc, &Options{Pool: pool}); err != nil {
					t.Fatal(err)
				}
				compare(t, fmt.Sprint(threads, " threads ", tc), c, want, bound, o.c, tc.m, tc.n, o.ldc)
				pb, err := PackB(true, tc.k, tc.n, o.b, o.ldb)
				if err != nil {
					t.Fatal(err)
				}
				copy(c, o.c)
				if err := SgemmPacked(false, tc.m, tc.n, tc.k, 1, o.a, o.lda, pb, 1, c, o.ldc, &Options{Pool: pool}); err != nil {
					t.Fatal(err)
				}
				compare(t, fmt.Sprint(threads, " threads packed ", tc), c, want, bound, o.c, tc.m, tc.n, o.ldc)
			}
			pool.Close()
		}
	})
}

func TestBatched(t *testing.T) {
	withKernels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		pool := NewPool(3)
		defer pool.Close()
		const batch = 5
		for _, tc := range []call{
			{transB: true, m: 16, n: 16, k: 8, alpha: 0.125, beta: 0},
			{m: 9, n: 8, k: 16, alpha: 1, beta: 1, padC: 3},
			{transA: true, m: 1, n: 33, k: 7, alpha: 1, beta: 0},
		} {
			o := tc.operands(r, batch)
			sa, sb, sc := len(o.a)/batch, len(o.b)/batch, len(o.c)/batch
			for _, p := range []*Pool{nil, pool} {
				c := append([]float32(nil), o.c...)
				if err := SgemmBatched(batch, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, o.a, o.lda, sa, o.b, o.ldb, sb, tc.beta, c, o.ldc, sc, &Options{Pool: p}); err != nil {
					t.Fatal(err)
				}
				for i := range batch {
					oi := operands{a: o.a[i*sa : (i+1)*sa], b: o.b[i*sb : (i+1)*sb], c: o.c[i*sc : (i+1)*sc], lda: o.lda, ldb: o.ldb, ldc: o.ldc}
					want, bound := tc.reference(oi, nil)
					compare(t, fmt.Sprint("batch ", i, " ", tc), c[i*sc:(i+1)*sc], want, bound, oi.c, tc.m, tc.n, o.ldc)
				}
			}
		}
	})
}

func TestBadArguments(t *testing.T) {
	a, b, c := make([]float32, 6), make([]float32, 6), make([]float32, 4)
	for name, err := range map[string]error{
		"negative":   Sgemm(false, false, -1, 2, 3, 1, a, 3, b, 2, 0, c, 2, nil),
		"short a":    Sgemm(false, false, 3, 2, 3, 1, a, 3, b, 2, 0, c, 2, nil),
		"small lda":  Sgemm(false, false, 2, 2, 3, 1, a, 2, b, 2, 0, c, 2, nil),
		"short c":    Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 3, nil),
		"short bias": Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2, &Options{Epilogue: Epilogue{Bias: a[:1]}}),
		"overlap":    SgemmBatched(2, false, false, 2, 2, 3, 1, a, 3, 0, b, 2, 0, 0, c, 2, 2, nil),
		"bad packed": SgemmPacked(false, 2, 2, 3, 1, a, 3, &PackedB{k: 2, n: 2}, 0, c, 2, nil),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := LoadPackedB(3, 2, make([]byte, 5)); err == nil {
		t.Error("LoadPackedB accepted a short buffer")
	}
	if _, err := PackB(true, 3, 2, b, 2); err == nil {
		t.Error("PackB accepted a small ldb")
	}
}

func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops buffers at random under the race detector")
	}
	m, n, k := 30, 40, 300
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	pb, _ := PackB(false, k, n, b, n)
	Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n, nil)
	pool := NewPool(2)
	defer pool.Close()
	bias := make([]float32, n)
	for _, p := range []*Pool{nil, pool} {
		allocs := testing.AllocsPerRun(10, func() {
			opt := &Options{Pool: p, Epilogue: Epilogue{Bias: bias, GELU: true}}
			Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n, opt)
			SgemmPacked(false, m, n, k, 1, a, k, pb, 0, c, n, nil)
		})
		if allocs != 0 {
			t.Errorf("calls with %d threads allocate %v times", p.Threads(), allocs)
		}
	}
}

func TestParallelFor(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 8} {
		pool := NewPool(threads)
		for _, n := range []int{0, 1, 2, 7, 100} {
			hits := make([]int, n)
			pool.ParallelFor(n, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					hits[i]++
				}
			})
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("threads=%d n=%d: index %d run %d times", threads, n, i, h)
				}
			}
		}
		pool.Close()
	}
}

// TestPlan checks that the tiles of the BERT shapes share out evenly.
func TestPlan(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 4, 8} {
		for _, s := range [][2]int{{128, 768}, {128, 3072}, {512, 768}, {384, 3072}} {
			j := job{m: s[0], n: s[1], batch: 1, kern: newGoKernel(6)}
			j.plan(threads)
			units := j.mt * j.nt
			if units%threads != 0 && units < 4*threads {
				t.Errorf("%d threads, %dx%d: %d units (%d×%d tiles of %dx%d)", threads, s[0], s[1], units, j.mt, j.nt, j.mc, j.nc)
			}
		}
	}
}

// TestSgemmRepackA runs TestSgemm with no packed A kept between units, the
// path of very large K.
func TestSgemmRepackA(t *testing.T) {
	saved := aKeepMax
	defer func() { aKeepMax = saved }()
	aKeepMax = 0
	TestSgemm(t)
}
