package gemm

import (
	"os"

	"golang.org/x/sys/cpu"
)

// avx2Kernel is the 6×16 AVX2+FMA kernel: 12 ymm accumulators.
var avx2Kernel = &kernel{name: "avx2", mr: 6, fn: kernAVX2}

// avx512Kernel is the AVX-512 kernel (kernel_avx512_amd64.s, written by
// gen_kernels.go): 8×32 tiles over two B panels with 16 zmm accumulators,
// and 8×16 for a last odd panel.
var avx512Kernel = &kernel{name: "avx512", mr: 8, fn: kernAVX512x1, fn2: kernAVX512x2, row: rowAVX512}

var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = cpu.X86.HasAVX512F && hasAVX2
	// preferAVX512 makes the AVX-512 kernel the default where the CPU has
	// it (measured on Zen 5: about twice the AVX2 kernel's rate);
	// TFC_GEMM_AVX512=0 forces the AVX2 kernel. The tests cover every
	// kernel the CPU can run, whatever this says.
	preferAVX512 = hasAVX512 && os.Getenv("TFC_GEMM_AVX512") != "0"
)

// fastPack enables the AVX2 packing routines; tests turn it off to cover
// the portable ones.
var fastPack = hasAVX2

func bestKernel() *kernel { return kernels()[0] }

// kernels lists the kernels this CPU can run, best first.
func kernels() []*kernel {
	switch {
	case preferAVX512:
		return []*kernel{avx512Kernel, avx2Kernel, goKernel}
	case hasAVX512:
		return []*kernel{avx2Kernel, avx512Kernel, goKernel}
	case hasAVX2:
		return []*kernel{avx2Kernel, goKernel}
	}
	return []*kernel{goKernel}
}

//go:noescape
func kernAVX2(k int, a, b, c *float32, ldc, acc int)

//go:generate go run gen_kernels.go

//go:noescape
func kernAVX512x1(k int, a, b, c *float32, ldc, acc int)

//go:noescape
func rowAVX512(k int, a, b, c *float32, acc int)

//go:noescape
func kernAVX512x2(k int, a, b, c *float32, ldc, acc int)

// peakFMA runs n iterations of 12 independent 8-wide FMAs (192 flops each).
//
//go:noescape
func peakFMA(n int)

// peakFMA16 runs n iterations of 12 independent 16-wide FMAs (384 flops
// each); it needs AVX-512F.
//
//go:noescape
func peakFMA16(n int)

// peakLoop returns the FMA loop of the widest vectors the default kernel
// uses and its flops per iteration, or nil without AVX2+FMA.
func peakLoop() (func(int), int) {
	switch {
	case activeKernel == avx512Kernel:
		return peakFMA16, 12 * 16 * 2
	case hasAVX2:
		return peakFMA, 12 * 8 * 2
	}
	return nil, 0
}

//go:noescape
func transpose8(dst, src *float32, lds, ldd, kb, rows int, alpha float32)

// packT8 does the first p columns of packT with AVX2 when rows is 6 or 8,
// a multiple of 8 of them, and returns how many it did.
func packT8(dst []float32, ldd int, src []float32, lds, rows, kb int, alpha float32) int {
	n := kb &^ 7
	if !fastPack || rows != 6 && rows != 8 || n == 0 {
		return 0
	}
	if (n-1)*ldd+8 > len(dst) { // the 8-float stores of the last p overrun
		n -= 8
	}
	if n <= 0 || (rows-1)*lds+n > len(src) {
		return 0
	}
	transpose8(&dst[0], &src[0], lds, ldd, n, rows, alpha)
	return n
}

//go:noescape
func copy16(dst, src *float32, lds, kb int)

// copyRows16 copies kb rows of 16 floats, lds apart in src, to consecutive
// rows of dst with AVX2 and returns kb, or returns 0 without AVX2.
func copyRows16(dst, src []float32, lds, kb int) int {
	if !fastPack || kb == 0 || len(dst) < kb*nr || len(src) < (kb-1)*lds+nr {
		return 0
	}
	copy16(&dst[0], &src[0], lds, kb)
	return kb
}

// geluRows16 applies gelu to 16 floats in each of rows rows of x, ld
// apart, with AVX2 and returns rows; 0 without AVX2.
func geluRows16(x []float32, ld, rows int) int {
	if !fastPack || rows == 0 || len(x) < (rows-1)*ld+nr {
		return 0
	}
	geluAVX2(&x[0], ld, rows)
	return rows
}

//go:noescape
func geluAVX2(x *float32, ld, rows int)
