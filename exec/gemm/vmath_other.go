//go:build !amd64

package gemm

// vecMath is false: there are no assembly math routines here.
var vecMath = false

const hasAVX512 = false

func geluAVX512(dst, src *float32, ld, rows int, bias *float32, bs, tanh int) {
	panic("gemm: no AVX-512")
}
func maxAVX512(x *float32, n int) float32                          { panic("gemm: no AVX-512") }
func expAVX512(dst, src *float32, n int, sigmoid int)              { panic("gemm: no AVX-512") }
func expSumAVX512(x, y *float32, n int, m float32) float32         { panic("gemm: no AVX-512") }
func scaleAVX512(y *float32, n int, s float32)                     { panic("gemm: no AVX-512") }
func sumAVX512(x *float32, n int) float32                          { panic("gemm: no AVX-512") }
func addSumAVX512(a, b, dst *float32, n int) float32               { panic("gemm: no AVX-512") }
func sqDevAVX512(x *float32, n int, m float32) float32             { panic("gemm: no AVX-512") }
func normAVX512(x, y, scale, bias *float32, n int, m, inv float32) { panic("gemm: no AVX-512") }
func addRowsAVX512(c *float32, ldc, rows int, bias, res *float32)  { panic("gemm: no AVX-512") }
