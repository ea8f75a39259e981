package gemm

import (
	"runtime"
	"time"
)

// peakFlopsPerIter is the float32 operations of one peakFMA iteration:
// 12 independent 8-wide FMAs of 2 flops per lane.
const peakFlopsPerIter = 12 * 8 * 2

// PeakGFLOPS measures one core's float32 FMA peak in GFLOP/s: the best of a
// few timed runs of a loop of independent 8-wide FMAs, the yardstick for
// the GEMM's efficiency. It returns 0 where that loop is not available
// (no AVX2+FMA, or not amd64).
func PeakGFLOPS() float64 {
	if !hasAVX2 {
		return 0
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const iters = 1 << 22
	best := 0.0
	for range 5 {
		start := time.Now()
		peakFMA(iters)
		best = max(best, float64(iters*peakFlopsPerIter)/time.Since(start).Seconds()/1e9)
	}
	return best
}
