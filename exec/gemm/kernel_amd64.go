package gemm

import "golang.org/x/sys/cpu"

// avx2Kernel is the 6×16 AVX2+FMA kernel: 12 ymm accumulators.
var avx2Kernel = &kernel{name: "avx2", mr: 6, fn: kernAVX2}

var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

func bestKernel() *kernel {
	if hasAVX2 {
		return avx2Kernel
	}
	return goKernel
}

// kernels lists the kernels this CPU can run.
func kernels() []*kernel {
	if hasAVX2 {
		return []*kernel{avx2Kernel, goKernel}
	}
	return []*kernel{goKernel}
}

//go:noescape
func kernAVX2(k int, a, b, c *float32, ldc, acc int)

// peakFMA runs n iterations of 12 independent 8-wide FMAs (192 flops each).
//
//go:noescape
func peakFMA(n int)
