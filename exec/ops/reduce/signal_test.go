package reduce_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestDFT(t *testing.T) {
	x := f32(shape(1, 4, 1), 1, 2, 3, 4)
	// fft([1, 2, 3, 4]) = [10, -2+2i, -2, -2-2i].
	spectrum := []float64{10, 0, -2, 2, -2, 0, -2, -2}
	opstest.Check(t, tol, "fft", opstest.RunOp(t, "DFT", 17, nil, 1, x)[0], ir.Float32, shape(1, 4, 2), spectrum...)
	y := f32(shape(1, 4, 2), spectrum...)
	inverse := opstest.Attrs("inverse", 1)
	opstest.Check(t, tol, "ifft", opstest.RunOp(t, "DFT", 20, inverse, 1, y, nil, i64(nil, 1))[0], ir.Float32, shape(1, 4, 2), 1, 0, 2, 0, 3, 0, 4, 0)
	onesided := opstest.Attrs("onesided", 1)
	opstest.Check(t, tol, "rfft", opstest.RunOp(t, "DFT", 20, onesided, 1, x, nil, i64(nil, -2))[0], ir.Float32, shape(1, 3, 2), spectrum[:6]...)
	irfft := opstest.Attrs("onesided", 1, "inverse", 1)
	half := f32(shape(1, 3, 2), spectrum[:6]...)
	opstest.Check(t, tol, "irfft", opstest.RunOp(t, "DFT", 20, irfft, 1, half)[0], ir.Float32, shape(1, 4, 1), 1, 2, 3, 4)
	// dft_length 2 uses the first two samples: fft([1, 2]) = [3, -1].
	opstest.Check(t, tol, "dft_length", opstest.RunOp(t, "DFT", 20, nil, 1, x, i64(nil, 2))[0], ir.Float32, shape(1, 2, 2), 3, 0, -1, 0)
	if _, err := opstest.TryOp("DFT", 20, nil, 1, x, nil, i64(nil, 2)); err == nil {
		t.Error("DFT over the component axis: no error")
	}
}

func TestSTFT(t *testing.T) {
	signal := f32(shape(1, 6, 1), 1, 2, 3, 4, 5, 6)
	// Frames [1 2 3 4] and [3 4 5 6], one-sided spectra.
	got := opstest.RunOp(t, "STFT", 17, nil, 1, signal, i64(nil, 2), nil, i64(nil, 4))[0]
	opstest.Check(t, tol, "stft", got, ir.Float32, shape(1, 2, 3, 2), 10, 0, -2, 2, -2, 0, 18, 0, -2, 2, -2, 0)
	// The window [0, 1, 0, 1] keeps samples 2 and 4 (then 4 and 6).
	window := f32(shape(4), 0, 1, 0, 1)
	got = opstest.RunOp(t, "STFT", 17, opstest.Attrs("onesided", 0), 1, signal, i64(nil, 2), window)[0]
	opstest.Check(t, tol, "windowed", got, ir.Float32, shape(1, 2, 4, 2), 6, 0, 0, 2, -6, 0, 0, -2, 10, 0, 0, 2, -10, 0, 0, -2)
}

func TestWindows(t *testing.T) {
	symmetric := opstest.Attrs("periodic", 0)
	double := opstest.Attrs("output_datatype", int64(ir.Float64))
	size := opstest.Tensor(ir.Int32, nil, 4)
	opstest.Check(t, tol, "hann", opstest.RunOp(t, "HannWindow", 17, nil, 1, size)[0], ir.Float32, shape(4), 0, 0.5, 1, 0.5)
	opstest.Check(t, tol, "hann symmetric", opstest.RunOp(t, "HannWindow", 17, symmetric, 1, i64(nil, 5))[0], ir.Float32, shape(5), 0, 0.5, 1, 0.5, 0)
	opstest.Check(t, tol, "hamming", opstest.RunOp(t, "HammingWindow", 17, double, 1, i64(nil, 2))[0], ir.Float64, shape(2), 4.0/46, 1)
	opstest.Check(t, tol, "blackman", opstest.RunOp(t, "BlackmanWindow", 17, nil, 1, size)[0], ir.Float32, shape(4), 0, 0.34, 1, 0.34)
	if _, err := opstest.TryOp("HannWindow", 17, nil, 1, i64(nil, -1)); err == nil {
		t.Error("negative size: no error")
	}
}

// TestMelWeightMatrix checks the Operators.md example.
func TestMelWeightMatrix(t *testing.T) {
	got := opstest.RunOp(t, "MelWeightMatrix", 17, nil, 1,
		opstest.Tensor(ir.Int32, nil, 8), opstest.Tensor(ir.Int32, nil, 16), opstest.Tensor(ir.Int32, nil, 8192), f32(nil, 0), f32(nil, 4096))[0]
	want := make([]float64, 9*8)
	for _, rc := range [][2]int{{0, 0}, {0, 1}, {1, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 6}, {5, 7}} {
		want[rc[0]*8+rc[1]] = 1
	}
	opstest.Check(t, tol, "mel", got, ir.Float32, shape(9, 8), want...)
}
