package gemm

import "math"

// The float32 erf below splits at |x| = erfSplit: under it erf(x) =
// x·P(x²), above it erf(x) = 1 - exp(Q(|x|)), with |x| clamped to erfTop
// (where erf rounds to 1). P and Q are least-squares fits on Chebyshev
// nodes, in a variable mapped to [-1, 1]; the absolute error is about 1e-7.
// exp uses a Cody-Waite reduction and a degree-7 Taylor polynomial. The
// AVX2 version, geluAVX2 in kernel_amd64.s, reads the same tables.
const (
	erfSplit = 0.921875
	erfTop   = 3.925
)

// Indices into erfK; geluAVX2 reads erfK at 4 times these offsets.
const (
	kRsqrt2 = iota // 1/√2
	kTop           // erfTop
	kSplit         // erfSplit
	kPScale        // x² → t = x²·kPScale - 1
	kQScale        // |x| → t = |x|·kQScale - kQOff
	kQOff
	kLog2e // exp: n = round(y·log2 e), r = y - n·ln2hi - n·ln2lo
	kLn2Hi
	kLn2Lo
	kOne
	kHalf
)

var (
	erfK = [...]float32{
		kRsqrt2: 1 / math.Sqrt2,
		kTop:    erfTop,
		kSplit:  erfSplit,
		kPScale: 2 / (erfSplit * erfSplit),
		kQScale: 2 / (erfTop - erfSplit),
		kQOff:   (erfTop + erfSplit) / (erfTop - erfSplit),
		kLog2e:  math.Log2E,
		kLn2Hi:  0.693359375,
		kLn2Lo:  -2.12194440e-4,
		kOne:    1,
		kHalf:   0.5,
	}
	erfP = [...]float32{0.98702514, -0.124635454, 0.0151037094, -0.00148549057,
		0.00012055394, -8.32441289e-06, 4.94066518e-07}
	erfQ = [...]float32{-7.40252864, -7.82065091, -2.12238855, -0.0390921967,
		0.0118634205, -0.00349334909, 0.000963390898, -0.00024366705,
		5.08186071e-05, -9.62668241e-07, -3.42028895e-06}
	expC = [...]float32{1, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040}
)

// horner evaluates the polynomial with coefficients c (lowest first) at t.
func horner(c []float32, t float32) float32 {
	s := c[len(c)-1]
	for i := len(c) - 2; i >= 0; i-- {
		s = s*t + c[i]
	}
	return s
}

// exp32 returns e^y for y in [-87, 0], with relative error about 2e-7.
func exp32(y float32) float32 {
	n := float32(math.RoundToEven(float64(y * erfK[kLog2e])))
	r := y - n*erfK[kLn2Hi] - n*erfK[kLn2Lo]
	return horner(expC[:], r) * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// erf32 returns erf(x) in float32 arithmetic with absolute error about 1e-7.
func erf32(x float32) float32 {
	a := min(float32(math.Abs(float64(x))), erfTop)
	if a < erfSplit {
		return x * horner(erfP[:], a*a*erfK[kPScale]-1)
	}
	e := 1 - exp32(horner(erfQ[:], a*erfK[kQScale]-erfK[kQOff]))
	return float32(math.Copysign(float64(e), float64(x)))
}

// gelu replaces each x by x·(1+erf(x/√2))/2.
func gelu(x []float32) {
	n := len(x) / nr * nr
	geluRows(x, nr, n/nr, nr)
	geluGo(x[n:])
}

// geluRows applies gelu to the rows×cols block of x with row stride ld.
func geluRows(x []float32, ld, rows, cols int) {
	done := 0
	if cols == nr {
		done = geluRows16(x, ld, rows)
	}
	for r := done; r < rows; r++ {
		geluGo(x[r*ld : r*ld+cols])
	}
}

// geluGo is gelu in portable Go.
func geluGo(x []float32) {
	for i, v := range x {
		x[i] = 0.5 * v * (1 + erf32(v*erfK[kRsqrt2]))
	}
}
