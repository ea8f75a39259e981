package gemm

import (
	"fmt"
	"testing"
)

// BenchmarkPeakFMA measures the peak of 8-wide (AVX2) and, where the CPU
// has AVX-512, 16-wide FMAs (12 independent accumulators) on 1 and 2
// threads; GFLOP/s is the total over the threads, GFLOP/cpu-s the rate of
// one core. PeakGFLOPS times the loop of the kernel in use.
func BenchmarkPeakFMA(b *testing.B) {
	if !hasAVX2 {
		b.Skip("no AVX2+FMA")
	}
	const iters = 1 << 20
	loops := []struct {
		name  string
		fn    func(int)
		flops int
	}{{"avx2", peakFMA, 12 * 8 * 2}}
	if hasAVX512 {
		loops = append(loops, struct {
			name  string
			fn    func(int)
			flops int
		}{"avx512", peakFMA16, 12 * 16 * 2})
	}
	for _, l := range loops {
		for _, threads := range []int{1, 2} {
			pool := NewPool(threads)
			b.Run(fmt.Sprintf("%s/threads=%d", l.name, threads), func(b *testing.B) {
				measure(b, float64(threads*iters*l.flops), func() {
					pool.ParallelFor(threads, func(lo, hi int) { l.fn(iters) })
				})
			})
			pool.Close()
		}
	}
}
