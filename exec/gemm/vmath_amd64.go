package gemm

// vecMath enables the AVX-512 routines of vmath_amd64.s; tests turn it off
// to cover the portable ones.
var vecMath = hasAVX512

//go:noescape
func geluAVX512(dst, src *float32, ld, rows int, bias *float32, bs, tanh int)

//go:noescape
func expAVX512(dst, src *float32, n int, sigmoid int)

//go:noescape
func maxAVX512(x *float32, n int) float32

//go:noescape
func expSumAVX512(x, y *float32, n int, m float32) float32

//go:noescape
func scaleAVX512(y *float32, n int, s float32)

//go:noescape
func sumAVX512(x *float32, n int) float32

//go:noescape
func addSumAVX512(a, b, dst *float32, n int) float32

//go:noescape
func sqDevAVX512(x *float32, n int, m float32) float32

//go:noescape
func normAVX512(x, y, scale, bias *float32, n int, m, inv float32)

//go:noescape
func addRowsAVX512(c *float32, ldc, rows int, bias, res *float32)
