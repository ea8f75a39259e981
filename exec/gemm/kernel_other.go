//go:build !amd64

package gemm

// fastPack is false: there are no assembly packing or GELU routines here.
var fastPack = false

func bestKernel() *kernel { return goKernel }

// kernels lists the kernels this CPU can run, best first.
func kernels() []*kernel { return []*kernel{goKernel} }

// packT8 is the fast path of packT, absent on this architecture.
func packT8(dst []float32, ldd int, src []float32, lds, rows, kb int, alpha float32) int {
	return 0
}

// copyRows16 is the fast path of packing 16 columns of B, absent on this
// architecture.
func copyRows16(dst, src []float32, lds, kb int) int { return 0 }

// geluRows16 is the fast path of geluRows, absent on this architecture.
func geluRows16(x []float32, ld, rows int) int { return 0 }

// hasAVX2 is false off amd64.
const hasAVX2 = false

// peakLoop returns nil: PeakGFLOPS has no loop to time here.
func peakLoop() (func(int), int) { return nil, 0 }
