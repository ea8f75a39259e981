#include "textflag.h"

// AVX-512F routines of vmath.go: GELU (erf and tanh forms), softmax's
// max, exp-and-sum and scale. They use the tables of gelu.go (erfK, erfP,
// erfQ, expC) and the method of erf32; exp scales by 2^n with VSCALEFPS,
// which saturates to 0 and +Inf instead of wrapping the exponent.

// EXPZ sets p to e^y for 16 lanes; y is clobbered (it ends as the reduced
// argument), n holds round(y·log2 e).
#define EXPZ(y, n, p) \
	VMULPS.BCST ·erfK+24(SB), y, n \
	VRNDSCALEPS $0, n, n \
	VFNMADD231PS.BCST ·erfK+28(SB), n, y \
	VFNMADD231PS.BCST ·erfK+32(SB), n, y \
	VBROADCASTSS ·expC+28(SB), p \
	VFMADD213PS.BCST ·expC+24(SB), y, p \
	VFMADD213PS.BCST ·expC+20(SB), y, p \
	VFMADD213PS.BCST ·expC+16(SB), y, p \
	VFMADD213PS.BCST ·expC+12(SB), y, p \
	VFMADD213PS.BCST ·expC+8(SB), y, p \
	VFMADD213PS.BCST ·expC+4(SB), y, p \
	VFMADD213PS.BCST ·expC+0(SB), y, p \
	VSCALEFPS n, p, p

// GELUERF replaces Z0 by x·(1+erf(x/√2))/2. Z31: abs mask, Z30: 1.
// Uses Z1-Z7 and K1.
#define GELUERF \
	VMULPS.BCST ·erfK+0(SB), Z0, Z1 \
	VPANDD Z31, Z1, Z1 \
	VMINPS.BCST ·erfK+4(SB), Z1, Z1 \
	VMULPS Z1, Z1, Z2 \
	VMULPS.BCST ·erfK+12(SB), Z2, Z2 \
	VSUBPS Z30, Z2, Z2 \
	VBROADCASTSS ·erfP+24(SB), Z3 \
	VFMADD213PS.BCST ·erfP+20(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfP+16(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfP+12(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfP+8(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfP+4(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfP+0(SB), Z2, Z3 \
	VMULPS Z1, Z3, Z4 \
	VMULPS.BCST ·erfK+16(SB), Z1, Z2 \
	VSUBPS.BCST ·erfK+20(SB), Z2, Z2 \
	VBROADCASTSS ·erfQ+40(SB), Z3 \
	VFMADD213PS.BCST ·erfQ+36(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfQ+32(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfQ+28(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfQ+24(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfQ+20(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfQ+16(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfQ+12(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfQ+8(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfQ+4(SB), Z2, Z3 \
	VFMADD213PS.BCST ·erfQ+0(SB), Z2, Z3 \
	EXPZ(Z3, Z5, Z6) \
	VSUBPS Z6, Z30, Z6 \
	VCMPPS.BCST $1, ·erfK+8(SB), Z1, K1 \
	VMOVAPS Z4, K1, Z6 \
	VPANDND Z0, Z31, Z7 \
	VPORD Z7, Z6, Z6 \
	VADDPS Z30, Z6, Z6 \
	VMULPS.BCST ·erfK+40(SB), Z0, Z0 \
	VMULPS Z6, Z0, Z0

// GELUTANH replaces Z0 by x/(1+e^t), t = -2·√(2/π)·(x+0.044715·x³),
// which is x·(1+tanh(√(2/π)·(x+0.044715·x³)))/2. Z30: 1, Z29: -100,
// Z28: 100. Uses Z2, Z3, Z5, Z6.
#define GELUTANH \
	VMULPS Z0, Z0, Z2 \
	VBROADCASTSS ·tanhK+4(SB), Z3 \
	VFMADD213PS.BCST ·tanhK+0(SB), Z2, Z3 \
	VMULPS Z0, Z3, Z3 \
	VMAXPS Z3, Z29, Z3 \
	VMINPS Z3, Z28, Z3 \
	EXPZ(Z3, Z5, Z6) \
	VADDPS Z30, Z6, Z6 \
	VDIVPS Z6, Z0, Z0

// func geluAVX512(dst, src *float32, ld, rows int, bias *float32, bs, tanh int)
//
// For each of rows rows of 16 floats, ld floats apart in src and dst:
// dst = gelu(src + bias), bias (16 floats, skipped when nil) moving on by
// bs floats per row.
TEXT ·geluAVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ rows+24(FP), CX
	MOVQ bias+32(FP), BX
	MOVQ bs+40(FP), R9
	SHLQ $2, R9
	MOVQ tanh+48(FP), R10
	TESTQ CX, CX
	JEQ  gzdone
	VPTERNLOGD $0xff, Z31, Z31, Z31
	VPSRLD $1, Z31, Z31
	VBROADCASTSS ·erfK+36(SB), Z30
	VBROADCASTSS ·tanhK+8(SB), Z29
	VBROADCASTSS ·tanhK+12(SB), Z28

gzloop:
	VMOVUPS (SI), Z0
	TESTQ BX, BX
	JEQ  gznobias
	VADDPS (BX), Z0, Z0
	ADDQ R9, BX

gznobias:
	TESTQ R10, R10
	JNE  gztanh
	GELUERF
	JMP  gzstore

gztanh:
	GELUTANH

gzstore:
	VMOVUPS Z0, (DI)
	ADDQ R8, SI
	ADDQ R8, DI
	DECQ CX
	JNZ  gzloop

gzdone:
	VZEROUPPER
	RET

// TAILMASK sets K1 to the low CX bits (CX < 16). Uses AX.
#define TAILMASK MOVL $1, AX; SHLL CX, AX; DECL AX; KMOVW AX, K1

// HREDUCE folds the 16 lanes of Z0 with op into the low lane of X0.
#define HREDUCE(op) \
	VEXTRACTF64X4 $1, Z0, Y1 \
	op Y1, Y0, Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	op X1, X0, X0 \
	VPERMILPS $0x4E, X0, X1 \
	op X1, X0, X0 \
	VPERMILPS $0xB1, X0, X1 \
	op X1, X0, X0

// func maxAVX512(x *float32, n int) float32
TEXT ·maxAVX512(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVL $0xff800000, AX
	VPBROADCASTD AX, Z0
	VMOVAPS Z0, Z2
	CMPQ CX, $16
	JLT  mxtail

mxloop:
	VMAXPS (SI), Z0, Z0
	ADDQ $64, SI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  mxloop

mxtail:
	TESTQ CX, CX
	JEQ  mxdone
	TAILMASK
	VMOVUPS (SI), K1, Z2
	VMAXPS Z2, Z0, Z0

mxdone:
	HREDUCE(VMAXPS)
	VMOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// func expSumAVX512(x, y *float32, n int, m float32) float32
//
// Stores y[i] = e^(x[i]-m), with the argument clamped below at -110
// (where the result is 0 in float32), and returns their sum.
TEXT ·expSumAVX512(SB), NOSPLIT, $0-36
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VBROADCASTSS m+24(FP), Z28
	VBROADCASTSS ·tanhK+16(SB), Z27
	VPXORD Z26, Z26, Z26
	CMPQ CX, $16
	JLT  extail

exloop:
	VMOVUPS (SI), Z3
	VSUBPS Z28, Z3, Z3
	VMAXPS Z3, Z27, Z3
	EXPZ(Z3, Z5, Z6)
	VMOVUPS Z6, (DI)
	VADDPS Z6, Z26, Z26
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  exloop

extail:
	TESTQ CX, CX
	JEQ  exdone
	TAILMASK
	VMOVUPS.Z (SI), K1, Z3
	VSUBPS Z28, Z3, Z3
	VMAXPS Z3, Z27, Z3
	EXPZ(Z3, Z5, Z6)
	VMOVUPS Z6, K1, (DI)
	VADDPS Z6, Z26, K1, Z26

exdone:
	VMOVAPS Z26, Z0
	HREDUCE(VADDPS)
	VMOVSS X0, ret+32(FP)
	VZEROUPPER
	RET

// func scaleAVX512(y *float32, n int, s float32)
TEXT ·scaleAVX512(SB), NOSPLIT, $0-20
	MOVQ y+0(FP), DI
	MOVQ n+8(FP), CX
	VBROADCASTSS s+16(FP), Z1
	CMPQ CX, $16
	JLT  sctail

scloop:
	VMULPS (DI), Z1, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, DI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  scloop

sctail:
	TESTQ CX, CX
	JEQ  scdone
	TAILMASK
	VMOVUPS.Z (DI), K1, Z0
	VMULPS Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)

scdone:
	VZEROUPPER
	RET

// func sumAVX512(x *float32, n int) float32
TEXT ·sumAVX512(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z4, Z4, Z4
	CMPQ CX, $16
	JLT  sutail

suloop:
	VADDPS (SI), Z0, Z0
	ADDQ $64, SI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  suloop

sutail:
	TESTQ CX, CX
	JEQ  sudone
	TAILMASK
	VMOVUPS.Z (SI), K1, Z4
	VADDPS Z4, Z0, Z0

sudone:
	HREDUCE(VADDPS)
	VMOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// func addSumAVX512(a, b, dst *float32, n int) float32
//
// Stores dst = a + b and returns the sum of dst.
TEXT ·addSumAVX512(SB), NOSPLIT, $0-36
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DX
	MOVQ dst+16(FP), DI
	MOVQ n+24(FP), CX
	VPXORD Z0, Z0, Z0
	CMPQ CX, $16
	JLT  astail

asloop:
	VMOVUPS (SI), Z4
	VADDPS (DX), Z4, Z4
	VMOVUPS Z4, (DI)
	VADDPS Z4, Z0, Z0
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  asloop

astail:
	TESTQ CX, CX
	JEQ  asdone
	TAILMASK
	VMOVUPS.Z (SI), K1, Z4
	VMOVUPS.Z (DX), K1, Z5
	VADDPS Z5, Z4, Z4
	VMOVUPS Z4, K1, (DI)
	VADDPS Z4, Z0, Z0

asdone:
	HREDUCE(VADDPS)
	VMOVSS X0, ret+32(FP)
	VZEROUPPER
	RET

// func sqDevAVX512(x *float32, n int, m float32) float32
//
// Returns the sum of (x[i]-m)².
TEXT ·sqDevAVX512(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS m+16(FP), Z1
	VPXORD Z0, Z0, Z0
	CMPQ CX, $16
	JLT  sqtail

sqloop:
	VMOVUPS (SI), Z4
	VSUBPS Z1, Z4, Z4
	VFMADD231PS Z4, Z4, Z0
	ADDQ $64, SI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  sqloop

sqtail:
	TESTQ CX, CX
	JEQ  sqdone
	TAILMASK
	VMOVUPS (SI), K1, Z4
	VSUBPS Z1, Z4, K1, Z4
	VMOVAPS.Z Z4, K1, Z4
	VFMADD231PS Z4, Z4, Z0

sqdone:
	HREDUCE(VADDPS)
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func normAVX512(x, y, scale, bias *float32, n int, m, inv float32)
//
// Stores y = (x-m)·inv·scale + bias (bias skipped when nil).
TEXT ·normAVX512(SB), NOSPLIT, $0-48
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ scale+16(FP), DX
	MOVQ bias+24(FP), BX
	MOVQ n+32(FP), CX
	VBROADCASTSS m+40(FP), Z1
	VBROADCASTSS inv+44(FP), Z2
	VPXORD Z3, Z3, Z3
	CMPQ CX, $16
	JLT  nmtail

nmloop:
	VMOVUPS (SI), Z4
	VSUBPS Z1, Z4, Z4
	VMULPS Z2, Z4, Z4
	VMULPS (DX), Z4, Z4
	TESTQ BX, BX
	JEQ  nmstore
	VADDPS (BX), Z4, Z4
	ADDQ $64, BX

nmstore:
	VMOVUPS Z4, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, DX
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  nmloop

nmtail:
	TESTQ CX, CX
	JEQ  nmdone
	TAILMASK
	VMOVUPS.Z (SI), K1, Z4
	VMOVUPS.Z (DX), K1, Z5
	VSUBPS Z1, Z4, Z4
	VMULPS Z2, Z4, Z4
	VMULPS Z5, Z4, Z4
	TESTQ BX, BX
	JEQ  nmtstore
	VMOVUPS.Z (BX), K1, Z5
	VADDPS Z5, Z4, Z4

nmtstore:
	VMOVUPS Z4, K1, (DI)

nmdone:
	VZEROUPPER
	RET

// func addRowsAVX512(c *float32, ldc, rows int, bias, res *float32)
//
// For rows rows of 16 floats, ldc apart: c += bias (the same 16 floats for
// every row; skipped when nil) + res (laid out like c; skipped when nil).
TEXT ·addRowsAVX512(SB), NOSPLIT, $0-40
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $2, R8
	MOVQ rows+16(FP), CX
	MOVQ bias+24(FP), BX
	MOVQ res+32(FP), SI
	VPXORD Z1, Z1, Z1
	TESTQ BX, BX
	JEQ  arnobias
	VMOVUPS (BX), Z1

arnobias:
	TESTQ CX, CX
	JEQ  ardone
	TESTQ SI, SI
	JEQ  arbias

arres:
	VADDPS (DI), Z1, Z0
	VADDPS (SI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ R8, DI
	ADDQ R8, SI
	DECQ CX
	JNZ  arres
	JMP  ardone

arbias:
	VADDPS (DI), Z1, Z0
	VMOVUPS Z0, (DI)
	ADDQ R8, DI
	DECQ CX
	JNZ  arbias

ardone:
	VZEROUPPER
	RET

// func expAVX512(dst, src *float32, n int, sigmoid int)
//
// Stores dst[i] = e^src[i], or with sigmoid 1/(1+e^-src[i]). The exp
// argument is clamped to [-110, 100], beyond which the float32 result is
// 0 or +Inf anyway; a NaN stays NaN.
TEXT ·expAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ sigmoid+24(FP), DX
	VBROADCASTSS ·tanhK+16(SB), Z27
	VBROADCASTSS ·tanhK+12(SB), Z26
	VBROADCASTSS ·expC+0(SB), Z30
	VPXORD Z29, Z29, Z29
	CMPQ CX, $16
	JLT  xptail

xploop:
	VMOVUPS (SI), Z3
	TESTQ DX, DX
	JEQ  xpexp
	VSUBPS Z3, Z29, Z3
xpexp:
	VMAXPS Z3, Z27, Z3
	VMINPS Z3, Z26, Z3
	EXPZ(Z3, Z5, Z6)
	TESTQ DX, DX
	JEQ  xpstore
	VADDPS Z30, Z6, Z6
	VDIVPS Z6, Z30, Z6
xpstore:
	VMOVUPS Z6, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  xploop

xptail:
	TESTQ CX, CX
	JEQ  xpdone
	TAILMASK
	VMOVUPS.Z (SI), K1, Z3
	TESTQ DX, DX
	JEQ  xptexp
	VSUBPS Z3, Z29, Z3
xptexp:
	VMAXPS Z3, Z27, Z3
	VMINPS Z3, Z26, Z3
	EXPZ(Z3, Z5, Z6)
	TESTQ DX, DX
	JEQ  xptstore
	VADDPS Z30, Z6, Z6
	VDIVPS Z6, Z30, Z6
xptstore:
	VMOVUPS Z6, K1, (DI)

xpdone:
	VZEROUPPER
	RET
