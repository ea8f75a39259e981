package reduce

import (
	"math"
	"math/cmplx"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// fourier returns the first nOut terms of the length-l discrete Fourier
// transform of x (zero-padded to l): y[k] = Σ x[n] e^{∓2πi kn/l}, the sign
// positive and the sum divided by l when inverse. It sums directly, in
// O(l·nOut), reducing kn mod l first for accurate twiddles.
func fourier(x []complex128, l, nOut int, inverse bool) []complex128 {
	sign, scale := -1.0, 1.0
	if inverse {
		sign, scale = 1, 1/float64(l)
	}
	y := make([]complex128, nOut)
	for k := range y {
		var s complex128
		for n, v := range x[:min(len(x), l)] {
			s += v * cmplx.Rect(1, sign*2*math.Pi*float64(k*n%l)/float64(l))
		}
		y[k] = s * complex(scale, 0)
	}
	return y
}

// scalarInt reads a one-element integer tensor.
func scalarInt(ctx *kernel.Context, what string, t *ir.Tensor) (int64, error) {
	if t == nil || t.Len() != 1 || !t.DType.IsInt() {
		return 0, ctx.Errorf("%s must be a one-element integer tensor, got %v", what, t)
	}
	return t.Int64s()[0], nil
}

// dftKernel is DFT: the axis is an attribute (default 1) in opset 17 and
// the third input (default -2) from opset 20; the last axis holds one
// (real) or two (real, imaginary) components.
func dftKernel(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	r := x.Rank()
	if r < 2 || (x.Shape[r-1] != 1 && x.Shape[r-1] != 2) {
		return nil, ctx.Errorf("input must end in an axis of 1 (real) or 2 (complex), got shape %v", x.Shape)
	}
	axis := ctx.Node.AttrInt("axis", 1)
	if ctx.Node.Version >= 20 {
		axis = -2
		if t := optional(in, 2); t != nil {
			var err error
			if axis, err = scalarInt(ctx, "axis", t); err != nil {
				return nil, err
			}
		}
	}
	a, err := kernel.NormAxis(axis, r)
	if err != nil || a == r-1 {
		return nil, ctx.Errorf("axis %d is not a signal axis of shape %v", axis, x.Shape)
	}
	inverse := ctx.Node.AttrInt("inverse", 0) != 0
	onesided := ctx.Node.AttrInt("onesided", 0) != 0
	irfft := onesided && inverse
	n := x.Shape[a]
	l := n
	if irfft {
		l = 2 * (n - 1)
	}
	if t := optional(in, 1); t != nil {
		if l, err = scalarInt(ctx, "dft_length", t); err != nil {
			return nil, err
		}
	}
	if l < 1 {
		return nil, ctx.Errorf("dft_length %d must be positive", l)
	}
	shape := slices.Clone(x.Shape)
	shape[a], shape[r-1] = l, 2
	switch {
	case irfft:
		shape[r-1] = 1
	case onesided:
		shape[a] = l/2 + 1
	}
	total, err := ir.NumElements(shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	comps := int(x.Shape[r-1])
	src, dst := viewAround(x.Shape[:r-1], a), viewAround(shape[:r-1], a)
	vals := x.Float64s()
	out := make([]float64, total)
	line := make([]complex128, min(n, l))
	for o := 0; o < src.outer; o++ {
		for i := 0; i < src.inner; i++ {
			for k := range line {
				p := src.at(o, k, i) * comps
				line[k] = complex(vals[p], 0)
				if comps == 2 {
					line[k] += complex(0, vals[p+1])
				}
			}
			spectrum := line
			if irfft {
				spectrum = hermitian(line, int(l))
			}
			y := fourier(spectrum, int(l), dst.n, inverse)
			for k, v := range y {
				p := dst.at(o, k, i) * int(shape[r-1])
				out[p] = real(v)
				if !irfft {
					out[p+1] = imag(v)
				}
			}
		}
	}
	return ir.FromFloat64s(x.DType, shape, out)
}

// hermitian extends the first bins of a real signal's spectrum to all l
// bins by conjugate symmetry (bins past l/2 of half are dropped, missing
// ones are zero).
func hermitian(half []complex128, l int) []complex128 {
	full := make([]complex128, l)
	copy(full, half[:min(len(half), l/2+1)])
	for k := l/2 + 1; k < l; k++ {
		full[k] = cmplx.Conj(full[l-k])
	}
	return full
}

// stft is STFT: the DFT of each frame of frame_length samples, frame_step
// apart, of every signal of the batch, multiplied by the window when given.
func stft(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	if x.Rank() != 3 || (x.Shape[2] != 1 && x.Shape[2] != 2) {
		return nil, ctx.Errorf("signal must have shape [batch, length, 1 or 2], got %v", x.Shape)
	}
	step, err := scalarInt(ctx, "frame_step", in[1])
	if err != nil {
		return nil, err
	}
	window := optional(in, 2)
	length := int64(-1)
	if window != nil {
		length = int64(window.Len())
	}
	if t := optional(in, 3); t != nil {
		if length, err = scalarInt(ctx, "frame_length", t); err != nil {
			return nil, err
		}
	}
	switch {
	case length < 1 || step < 1:
		return nil, ctx.Errorf("frame_length (%d) and frame_step (%d) must be positive", length, step)
	case window != nil && int64(window.Len()) != length:
		return nil, ctx.Errorf("window has %d elements, frame_length is %d", window.Len(), length)
	case length > x.Shape[1]:
		return nil, ctx.Errorf("frame_length %d exceeds the signal length %d", length, x.Shape[1])
	}
	bins := length
	if ctx.Node.AttrInt("onesided", 1) != 0 {
		bins = length/2 + 1
	}
	frames := 1 + (x.Shape[1]-length)/step
	shape := []int64{x.Shape[0], frames, bins, 2}
	total, err := ir.NumElements(shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	w := slices.Repeat([]float64{1}, int(length))
	if window != nil {
		w = window.Float64s()
	}
	comps := int(x.Shape[2])
	vals := x.Float64s()
	out := make([]float64, 0, total)
	frame := make([]complex128, length)
	for b := 0; b < int(x.Shape[0]); b++ {
		for f := 0; f < int(frames); f++ {
			for n := range frame {
				p := (b*int(x.Shape[1]) + f*int(step) + n) * comps
				frame[n] = complex(vals[p]*w[n], 0)
				if comps == 2 {
					frame[n] += complex(0, vals[p+1]*w[n])
				}
			}
			for _, v := range fourier(frame, int(length), int(bins), false) {
				out = append(out, real(v), imag(v))
			}
		}
	}
	return ir.FromFloat64s(x.DType, shape, out)
}

// cosineWindow is a window op, w[n] = Σ_k a[k] cos(2πkn/N), with N the
// size when periodic and size-1 when symmetric.
func cosineWindow(a ...float64) kernel.Func {
	return kernel.Single(func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		size, err := scalarInt(ctx, "size", in[0])
		if err != nil {
			return nil, err
		}
		if _, err := ir.NumElements([]int64{size}); err != nil {
			return nil, ctx.Errorf("size: %v", err)
		}
		period := float64(size)
		if ctx.Node.AttrInt("periodic", 1) == 0 && size > 1 {
			period--
		}
		w := make([]float64, size)
		for n := range w {
			for k, c := range a {
				w[n] += c * math.Cos(2*math.Pi*float64(k*n)/period)
			}
		}
		return ir.FromFloat64s(ir.DType(ctx.Node.AttrInt("output_datatype", int64(ir.Float32))), []int64{size}, w)
	})
}

// melWeightMatrix is MelWeightMatrix: num_mel_bins triangular filters,
// equally spaced on the mel scale mel(f) = 2595 log10(1 + f/700) between
// the edge frequencies, over the dft_length/2+1 spectrogram bins; computed
// as the ONNX reference does.
func melWeightMatrix(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	var ints [3]int64
	for i, what := range []string{"num_mel_bins", "dft_length", "sample_rate"} {
		var err error
		if ints[i], err = scalarInt(ctx, what, in[i]); err != nil {
			return nil, err
		}
	}
	mels, dftLen, rate := ints[0], ints[1], ints[2]
	if in[3] == nil || in[3].Len() != 1 || in[4] == nil || in[4].Len() != 1 {
		return nil, ctx.Errorf("lower_edge_hertz and upper_edge_hertz must be scalars")
	}
	if mels < 1 || dftLen < 1 || rate < 1 {
		return nil, ctx.Errorf("num_mel_bins (%d), dft_length (%d) and sample_rate (%d) must be positive", mels, dftLen, rate)
	}
	specBins := dftLen/2 + 1
	shape := []int64{specBins, mels}
	total, err := ir.NumElements(shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	mel := func(f float64) float64 { return 2595 * math.Log10(1+f/700) }
	lo, hi := mel(in[3].Float64s()[0]), mel(in[4].Float64s()[0])
	edges := make([]int64, mels+2) // filter edges, as spectrogram bins
	for i := range edges {
		m := float64(i)*(hi-lo)/float64(len(edges)) + lo
		hz := 700 * (math.Pow(10, m/2595) - 1)
		edges[i] = int64(math.Floor(float64(dftLen+1) * hz / float64(rate)))
		if edges[i] < 0 || edges[i] >= specBins {
			return nil, ctx.Errorf("edge frequency %g Hz falls outside the %d spectrogram bins", hz, specBins)
		}
	}
	out := make([]float64, total)
	for i := int64(0); i < mels; i++ {
		left, center, right := edges[i], edges[i+1], edges[i+2]
		if center == left {
			out[center*mels+i] = 1
		}
		for j := left; j <= center && center > left; j++ {
			out[j*mels+i] = float64(j-left) / float64(center-left)
		}
		for j := center; j < right; j++ {
			out[j*mels+i] = float64(right-j) / float64(right-center)
		}
	}
	return ir.FromFloat64s(ir.DType(ctx.Node.AttrInt("output_datatype", int64(ir.Float32))), shape, out)
}
