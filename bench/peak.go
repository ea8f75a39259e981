package main

import (
	"runtime"
	"time"
)

// peakGFLOPS measures one core's float32 FMA peak in GFLOP/s: the best of a
// few timed runs of a loop of independent 8-wide FMAs (AVX2). It returns 0
// where that loop is not available.
func peakGFLOPS() float64 {
	if !haveFMA {
		return 0
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const iters = 1 << 22
	best := 0.0
	for range 5 {
		start := time.Now()
		fmaLoop(iters)
		best = max(best, float64(iters*fmaFlopsPerIter)/time.Since(start).Seconds()/1e9)
	}
	return best
}
