package gemm

import "testing"

func BenchmarkGELU(b *testing.B) {
	x := make([]float32, 4096)
	for _, fast := range []bool{false, true} {
		fastPack = fast
		b.Run(map[bool]string{false: "go", true: "asm"}[fast], func(b *testing.B) {
			src := make([]float32, len(x))
			for i := range src {
				src[i] = float32(i-2048) / 500
			}
			for b.Loop() {
				copy(x, src)
				gelu(x)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/4096, "ns/elem")
		})
	}
	fastPack = hasAVX2
}
