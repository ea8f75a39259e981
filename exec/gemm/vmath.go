package gemm

import "math"

// tanhK are the constants of the tanh-form GELU and of softmax's exp in
// vmath_amd64.s, which reads them at 4 times their index.
var tanhK = [...]float32{
	-2 * sqrt2OverPi,            // t = x·(k0 + k1·x²) = -2·√(2/π)·(x+0.044715·x³)
	-2 * sqrt2OverPi * 0.044715, // k1
	-100,                        // t is clamped to [-100, 100]: e^t is 0 or +Inf
	100,                         // beyond, and the polynomial stays exact
	-110,                        // softmax's exp argument floor: e^-110 is 0 in float32
}

const sqrt2OverPi = 0.7978845608028654

// GELU stores in dst the GELU of src+bias, where bias is nil or holds at
// least len(src) values: x·(1+erf(x/√2))/2, or with tanh its approximation
// x·(1+tanh(√(2/π)·(x+0.044715·x³)))/2. dst may be src and must be at
// least as long. With AVX-512 it runs 16 lanes at a time. Measured error
// against the float64 formula, relative to max(1, |gelu(x)|), on
// [-12, 12] (TestGELUForms): 1.0e-7 (erf) and 1.2e-7 (tanh) with AVX-512,
// 1.1e-7 and 0.6e-7 in portable Go.
func GELU(dst, src, bias []float32, tanh bool) {
	dst = dst[:len(src)]
	if bias != nil {
		bias = bias[:len(src)]
	}
	n := 0
	if vecMath {
		n = len(src) / nr
		if n > 0 {
			var bp *float32
			if bias != nil {
				bp = &bias[0]
			}
			geluAVX512(&dst[0], &src[0], nr, n, bp, nr, b2i(tanh))
		}
		n *= nr
	}
	for i := n; i < len(src); i++ {
		v := src[i]
		if bias != nil {
			v += bias[i]
		}
		if tanh {
			f := float64(v)
			dst[i] = float32(0.5 * f * (1 + math.Tanh(sqrt2OverPi*(f+0.044715*f*f*f))))
		} else {
			dst[i] = 0.5 * v * (1 + erf32(v*erfK[kRsqrt2]))
		}
	}
}

// Exp stores e^src[i] in dst, which may be src and must be at least as
// long: with AVX-512 in float32 (within 2 ulp, TestExpSigmoid), else in
// float64 rounded.
func Exp(dst, src []float32) { expOrSigmoid(dst, src, false) }

// Sigmoid stores 1/(1+e^-src[i]) in dst, which may be src and must be at
// least as long: with AVX-512 in float32 (within 3 ulp, and 0 where the
// result is below the normal float32 range, for src[i] < -87), else in
// float64 rounded.
func Sigmoid(dst, src []float32) { expOrSigmoid(dst, src, true) }

func expOrSigmoid(dst, src []float32, sigmoid bool) {
	dst = dst[:len(src)]
	if len(src) == 0 {
		return
	}
	if vecMath {
		expAVX512(&dst[0], &src[0], len(src), b2i(sigmoid))
		return
	}
	for i, v := range src {
		if sigmoid {
			dst[i] = float32(1 / (1 + math.Exp(-float64(v))))
		} else {
			dst[i] = float32(math.Exp(float64(v)))
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Softmax stores softmax(src) in dst, which may be src and must be at
// least as long. With AVX-512, exp has a relative error of at most 7.4e-8
// on [-104, 0] (TestExp) and the sum is taken in float32 over 16 lanes;
// portable Go uses math.Exp.
func Softmax(dst, src []float32) {
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	if vecMath {
		mx := maxAVX512(&src[0], len(src))
		if !math.IsInf(float64(mx), 0) && mx == mx {
			sum := expSumAVX512(&src[0], &dst[0], len(src), mx)
			scaleAVX512(&dst[0], len(dst), 1/sum)
			return
		}
	}
	softmaxGo(dst, src)
}

// softmaxGo is Softmax in portable Go, in float64 where it matters.
func softmaxGo(dst, src []float32) {
	mx := float32(math.Inf(-1))
	for _, v := range src {
		mx = max(mx, v)
	}
	sum := 0.0
	for i, v := range src {
		ev := float32(math.Exp(float64(v - mx)))
		dst[i] = ev
		sum += float64(ev)
	}
	inv := float32(1 / sum)
	for i := range dst {
		dst[i] *= inv
	}
}

// LayerNorm normalizes one row over its len(x) values. With skip (same
// length), x+skip is normalized instead and stored first in sum, or in y
// when sum is nil. Then y = (x-mean)·scale/√(var+eps) + bias, with mean 0
// when rms (RMSNorm); bias may be nil. y may be x. With AVX-512 the sums
// are taken in float32 over 16 lanes (variance in a second pass around the
// mean); portable Go accumulates in float64.
func LayerNorm(y, sum, x, skip, scale, bias []float32, eps float64, rms bool) {
	n := len(x)
	if n == 0 {
		return
	}
	y, scale = y[:n], scale[:n]
	if bias != nil {
		bias = bias[:n]
	}
	if !vecMath {
		layerNormGo(y, sum, x, skip, scale, bias, eps, rms)
		return
	}
	var s float32
	if skip != nil {
		dst := y
		if sum != nil {
			dst = sum[:n]
		}
		s = addSumAVX512(&x[0], &skip[:n][0], &dst[0], n)
		x = dst
	} else if !rms {
		s = sumAVX512(&x[0], n)
	}
	var mean float32
	if !rms {
		mean = s / float32(n)
	}
	v := sqDevAVX512(&x[0], n, mean)
	inv := float32(1 / math.Sqrt(float64(v)/float64(n)+eps))
	var bp *float32
	if bias != nil {
		bp = &bias[0]
	}
	normAVX512(&x[0], &y[0], &scale[0], bp, n, mean, inv)
}

// layerNormGo is LayerNorm in portable Go.
func layerNormGo(y, sum, x, skip, scale, bias []float32, eps float64, rms bool) {
	if skip != nil {
		dst := y
		if sum != nil {
			dst = sum[:len(x)]
		}
		for i, v := range skip[:len(x)] {
			dst[i] = x[i] + v
		}
		x = dst
	}
	mean := 0.0
	if !rms {
		for _, v := range x {
			mean += float64(v)
		}
		mean /= float64(len(x))
	}
	variance := 0.0
	for _, v := range x {
		d := float64(v) - mean
		variance += d * d
	}
	inv := float32(1 / math.Sqrt(variance/float64(len(x))+eps))
	m := float32(mean)
	if bias != nil {
		for i, v := range x {
			y[i] = (v-m)*inv*scale[i] + bias[i]
		}
		return
	}
	for i, v := range x {
		y[i] = (v - m) * inv * scale[i]
	}
}

// SoftmaxTile is one step of an online softmax over a row whose values
// come in tiles (x, one tile): with m the largest value and l the sum of
// e^(v-m) over the earlier tiles (m = -Inf and l = 0 before the first),
// it replaces x by e^(x-m'), where m' = max(m, max(x)), sets m to m' and
// l to l·α + Σe^(x-m'), and returns α = e^(m-m'), the factor by which
// anything accumulated with the earlier tiles' weights must be scaled.
// While every value so far is -Inf, x becomes zeros and α is 1. Dividing
// the accumulated result by l at the end gives the softmax-weighted sum.
func SoftmaxTile(x []float32, m, l *float32) (alpha float32) {
	if len(x) == 0 {
		return 1
	}
	var mt float32
	if vecMath {
		mt = maxAVX512(&x[0], len(x))
	} else {
		mt = float32(math.Inf(-1))
		for _, v := range x {
			mt = max(mt, v)
		}
	}
	mn := max(*m, mt)
	if math.IsInf(float64(mn), -1) {
		clear(x)
		return 1
	}
	var sum float32
	if vecMath && !math.IsInf(float64(mn), 1) && mn == mn {
		sum = expSumAVX512(&x[0], &x[0], len(x), mn)
	} else {
		s := 0.0
		for i, v := range x {
			e := float32(math.Exp(float64(v - mn)))
			x[i] = e
			s += float64(e)
		}
		sum = float32(s)
	}
	alpha = float32(math.Exp(float64(*m - mn)))
	*l = *l*alpha + sum
	*m = mn
	return alpha
}
