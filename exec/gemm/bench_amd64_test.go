package gemm

import "testing"

// BenchmarkPeakFMA measures the single-core peak of 8-wide FMAs: 12
// independent accumulators, 192 flops per iteration.
func BenchmarkPeakFMA(b *testing.B) {
	if !hasAVX2 {
		b.Skip("no AVX2+FMA")
	}
	const iters = 1 << 20
	measure(b, iters*192, func() { peakFMA(iters) })
}
