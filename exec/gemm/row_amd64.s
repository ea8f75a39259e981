#include "textflag.h"

// func rowAVX512(k int, a, b, c *float32, acc int)
//
// c[0:16] = (acc ? c : 0) + Σ_{i<k} a[i]·b[16i : 16i+16]: one row of op(A)
// times one 16-column packed B panel, with four partial sums so that the
// FMAs do not wait on each other.
TEXT ·rowAVX512(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ acc+32(FP), R8
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	CMPQ CX, $4
	JLT  rowtail

rowloop:
	VBROADCASTSS 0(SI), Z4
	VFMADD231PS  0(DI), Z4, Z0
	VBROADCASTSS 4(SI), Z5
	VFMADD231PS  64(DI), Z5, Z1
	VBROADCASTSS 8(SI), Z6
	VFMADD231PS  128(DI), Z6, Z2
	VBROADCASTSS 12(SI), Z7
	VFMADD231PS  192(DI), Z7, Z3
	ADDQ $16, SI
	ADDQ $256, DI
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  rowloop

rowtail:
	TESTQ CX, CX
	JEQ   rowsum

rowone:
	VBROADCASTSS (SI), Z4
	VFMADD231PS  (DI), Z4, Z0
	ADDQ $4, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  rowone

rowsum:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	TESTQ  R8, R8
	JEQ    rowstore
	VADDPS (DX), Z0, Z0

rowstore:
	VMOVUPS Z0, (DX)
	VZEROUPPER
	RET
