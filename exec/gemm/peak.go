package gemm

import (
	"runtime"
	"time"
)

// PeakGFLOPS measures one core's float32 FMA peak in GFLOP/s: the best of a
// few timed runs of a loop of independent FMAs as wide as the vectors of
// the micro-kernel in use (16 lanes with AVX-512, 8 with AVX2), the
// yardstick for the GEMM's efficiency. It returns 0 where that loop is not
// available (no AVX2+FMA, or not amd64).
func PeakGFLOPS() float64 {
	loop, flops := peakLoop()
	if loop == nil {
		return 0
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const iters = 1 << 21
	best := 0.0
	for range 5 {
		start := time.Now()
		loop(iters)
		best = max(best, float64(iters*flops)/time.Since(start).Seconds()/1e9)
	}
	return best
}
