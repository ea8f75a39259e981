package gemm

import (
	"fmt"
	"testing"
)

// benchShapes are the BERT-base matrix products at sequence length 128.
var benchShapes = [][3]int{{128, 768, 768}, {128, 3072, 768}, {128, 768, 3072}} // m, n, k

// measure runs body b.N times and reports GFLOP/s of wall time and, on a
// shared machine more telling, GFLOP per CPU-second: the rate of one core
// while it runs (time the process was descheduled does not count), to be
// compared with BenchmarkPeakFMA/threads=1.
func measure(b *testing.B, flops float64, body func()) {
	cpu0 := cpuTime()
	for b.Loop() {
		body()
	}
	total := flops * float64(b.N) / 1e9
	b.ReportMetric(total/b.Elapsed().Seconds(), "GFLOP/s")
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(total/cpu, "GFLOP/cpu-s")
	}
}

// filled returns n floats of small non-zero values: a fresh zero slice
// would read the kernel's shared zero page, not real memory.
func filled(n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%17-8) / 16
	}
	return x
}

func benchPools(b *testing.B, f func(b *testing.B, opt *Options)) {
	for _, threads := range []int{1, 2} {
		pool := NewPool(threads)
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) { f(b, &Options{Pool: pool}) })
		pool.Close()
	}
}

func BenchmarkSgemm(b *testing.B) {
	for _, s := range benchShapes {
		m, n, k := s[0], s[1], s[2]
		a, w, c := filled(m*k), filled(k*n), filled(m*n)
		pb, _ := PackB(false, k, n, w, n)
		flops := 2 * float64(m*n*k)
		b.Run(fmt.Sprintf("%dx%dx%d/packed", m, k, n), func(b *testing.B) {
			benchPools(b, func(b *testing.B, opt *Options) {
				measure(b, flops, func() {
					SgemmPacked(false, m, n, k, 1, a, k, pb, 0, c, n, opt)
				})
			})
		})
		b.Run(fmt.Sprintf("%dx%dx%d/unpacked", m, k, n), func(b *testing.B) {
			benchPools(b, func(b *testing.B, opt *Options) {
				measure(b, flops, func() {
					Sgemm(false, false, m, n, k, 1, a, k, w, n, 0, c, n, opt)
				})
			})
		})
		b.Run(fmt.Sprintf("%dx%dx%d/packed+bias+gelu", m, k, n), func(b *testing.B) {
			benchPools(b, func(b *testing.B, opt *Options) {
				opt.Epilogue = Epilogue{Bias: make([]float32, n), GELU: true}
				measure(b, flops, func() {
					SgemmPacked(false, m, n, k, 1, a, k, pb, 0, c, n, opt)
				})
			})
		})
		b.Run(fmt.Sprintf("%dx%dx%d/packed+bias+residual", m, k, n), func(b *testing.B) {
			benchPools(b, func(b *testing.B, opt *Options) {
				opt.Epilogue = Epilogue{Bias: filled(n), Residual: filled(m * n)}
				measure(b, flops, func() {
					SgemmPacked(false, m, n, k, 1, a, k, pb, 0, c, n, opt)
				})
			})
		})
	}
}

// BenchmarkAttention runs the two batched products of BERT-base attention
// (12 heads, sequence 128, head size 64): Q·Kᵀ and P·V.
func BenchmarkAttention(b *testing.B) {
	const heads, seq, dh = 12, 128, 64
	q, kt := filled(heads*seq*dh), filled(heads*seq*dh)
	p := filled(heads * seq * seq)
	out := filled(heads * seq * dh)
	flops := 2 * float64(heads*seq*seq*dh)
	b.Run("QKt", func(b *testing.B) {
		benchPools(b, func(b *testing.B, opt *Options) {
			measure(b, flops, func() {
				SgemmBatched(heads, false, true, seq, seq, dh, 0.125, q, dh, seq*dh, kt, dh, seq*dh, 0, p, seq, seq*seq, opt)
			})
		})
	})
	b.Run("PV", func(b *testing.B) {
		benchPools(b, func(b *testing.B, opt *Options) {
			measure(b, flops, func() {
				SgemmBatched(heads, false, false, seq, dh, seq, 1, p, seq, seq*seq, q, dh, seq*dh, 0, out, dh, seq*dh, opt)
			})
		})
	})
}

// BenchmarkGELU measures the GELU epilogue alone, portable and (where the
// CPU has it) assembly.
func BenchmarkGELU(b *testing.B) {
	saved := fastPack
	defer func() { fastPack = saved }()
	src := make([]float32, 4096)
	for i := range src {
		src[i] = float32(i-2048) / 500
	}
	x := make([]float32, len(src))
	for _, fast := range []bool{false, saved} {
		fastPack = fast
		b.Run(fmt.Sprintf("fast=%v", fast), func(b *testing.B) {
			for b.Loop() {
				copy(x, src)
				gelu(x)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/elem")
		})
	}
}

// BenchmarkRowMath times the row routines of vmath.go on BERT-base rows
// (128 rows: 768 for LayerNorm, 3072 for GELU, 128 for softmax), portable
// and (where the CPU has it) AVX-512.
func BenchmarkRowMath(b *testing.B) {
	saved := vecMath
	defer func() { vecMath = saved }()
	x, skip, y := filled(128*3072), filled(128*768), make([]float32, 128*3072)
	scale, bias := filled(768), filled(768)
	for _, vec := range []bool{false, saved} {
		vecMath = vec
		b.Run(fmt.Sprintf("SkipLayerNorm/vec=%v", vec), func(b *testing.B) {
			for b.Loop() {
				for r := range 128 {
					LayerNorm(y[r*768:(r+1)*768], nil, x[r*768:(r+1)*768], skip[r*768:(r+1)*768], scale, bias, 1e-5, false)
				}
			}
		})
		b.Run(fmt.Sprintf("GELU/vec=%v", vec), func(b *testing.B) {
			for b.Loop() {
				GELU(y, x, nil, false)
			}
		})
		b.Run(fmt.Sprintf("Softmax/vec=%v", vec), func(b *testing.B) {
			for b.Loop() {
				for r := range 128 * 12 {
					Softmax(y[r*128:(r+1)*128], x[r*128:(r+1)*128])
				}
			}
		})
	}
}

// BenchmarkSgemmColdB runs the BERT shapes with packed weights that come
// from memory, not cache, as in a model run: each call takes the next of
// enough distinct packed B matrices to fill 512 MiB, far beyond any
// cache. Compare with BenchmarkSgemm's packed case, whose B stays cached.
func BenchmarkSgemmColdB(b *testing.B) {
	for _, s := range benchShapes {
		m, n, k := s[0], s[1], s[2]
		a, w, c := filled(m*k), filled(k*n), filled(m*n)
		pbs := make([]*PackedB, (512<<20)/(4*k*n))
		for i := range pbs {
			pbs[i], _ = PackB(false, k, n, w, n)
		}
		flops := 2 * float64(m*n*k)
		b.Run(fmt.Sprintf("%dx%dx%d", m, k, n), func(b *testing.B) {
			benchPools(b, func(b *testing.B, opt *Options) {
				i := 0
				measure(b, flops, func() {
					SgemmPacked(false, m, n, k, 1, a, k, pbs[i%len(pbs)], 0, c, n, opt)
					i++
				})
			})
		})
	}
}

// BenchmarkSgemmRow runs one row (a decoding step at batch 1) by the
// GPT-2-small feed-forward weights, cold as in a model (cycling through
// 256 MiB of them), and reports the rate at which B is read: the product
// of one row reads every weight once, so memory bandwidth bounds it.
func BenchmarkSgemmRow(b *testing.B) {
	n, k := 3072, 768
	a, w, c := filled(k), filled(k*n), filled(n)
	pbs := make([]*PackedB, (256<<20)/(4*k*n))
	for i := range pbs {
		pbs[i], _ = PackB(false, k, n, w, n)
	}
	benchPools(b, func(b *testing.B, opt *Options) {
		i := 0
		for b.Loop() {
			SgemmPacked(false, 1, n, k, 1, a, k, pbs[i%len(pbs)], 0, c, n, opt)
			i++
		}
		b.ReportMetric(float64(4*k*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
	})
}
