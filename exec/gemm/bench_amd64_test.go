package gemm

import (
	"fmt"
	"testing"
)

// BenchmarkPeakFMA measures the peak of 8-wide FMAs (12 independent
// accumulators, 192 flops per iteration) on 1 and 2 threads; GFLOP/s is the
// total over the threads, GFLOP/cpu-s the rate of one core.
func BenchmarkPeakFMA(b *testing.B) {
	if !hasAVX2 {
		b.Skip("no AVX2+FMA")
	}
	const iters = 1 << 20
	for _, threads := range []int{1, 2} {
		pool := NewPool(threads)
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			measure(b, float64(threads)*iters*peakFlopsPerIter, func() {
				pool.ParallelFor(threads, func(lo, hi int) { peakFMA(iters) })
			})
		})
		pool.Close()
	}
}
