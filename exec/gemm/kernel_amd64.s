#include "textflag.h"

// STEP does one step of k: a 1×16 row of B (Y0, Y1) times 6 values of A
// broadcast (Y2, Y3) into the 6×16 accumulators Y4..Y15.
#define STEP \
	VMOVUPS (DI), Y0 \
	VMOVUPS 32(DI), Y1 \
	VBROADCASTSS 0(SI), Y2 \
	VBROADCASTSS 4(SI), Y3 \
	VFMADD231PS Y0, Y2, Y4 \
	VFMADD231PS Y1, Y2, Y5 \
	VFMADD231PS Y0, Y3, Y6 \
	VFMADD231PS Y1, Y3, Y7 \
	VBROADCASTSS 8(SI), Y2 \
	VBROADCASTSS 12(SI), Y3 \
	VFMADD231PS Y0, Y2, Y8 \
	VFMADD231PS Y1, Y2, Y9 \
	VFMADD231PS Y0, Y3, Y10 \
	VFMADD231PS Y1, Y3, Y11 \
	VBROADCASTSS 16(SI), Y2 \
	VBROADCASTSS 20(SI), Y3 \
	VFMADD231PS Y0, Y2, Y12 \
	VFMADD231PS Y1, Y2, Y13 \
	VFMADD231PS Y0, Y3, Y14 \
	VFMADD231PS Y1, Y3, Y15 \
	ADDQ $24, SI \
	ADDQ $64, DI

// STOREROW stores a row of the tile (lo, hi) at DX and moves DX to the
// next row; ADDROW adds the row to C first.
#define STOREROW(lo, hi) VMOVUPS lo, (DX); VMOVUPS hi, 32(DX); ADDQ R8, DX
#define ADDROW(lo, hi) VADDPS (DX), lo, lo; VADDPS 32(DX), hi, hi; STOREROW(lo, hi)

// PFROW prefetches a row of the C tile at AX (64 bytes, which may straddle
// two cache lines) and moves AX to the next row.
#define PFROW PREFETCHT0 (AX); PREFETCHT0 60(AX); ADDQ R8, AX

// func kernAVX2(k int, a, b, c *float32, ldc, acc int)
TEXT ·kernAVX2(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8
	MOVQ DX, AX
	PFROW
	PFROW
	PFROW
	PFROW
	PFROW
	PFROW
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15
	CMPQ CX, $4
	JLT  tail

loop4:
	STEP
	STEP
	STEP
	STEP
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  loop4

tail:
	TESTQ CX, CX
	JEQ   done

loop1:
	STEP
	DECQ CX
	JNZ  loop1

done:
	MOVQ  acc+40(FP), AX
	TESTQ AX, AX
	JNE   add
	STOREROW(Y4, Y5)
	STOREROW(Y6, Y7)
	STOREROW(Y8, Y9)
	STOREROW(Y10, Y11)
	STOREROW(Y12, Y13)
	STOREROW(Y14, Y15)
	VZEROUPPER
	RET

add:
	ADDROW(Y4, Y5)
	ADDROW(Y6, Y7)
	ADDROW(Y8, Y9)
	ADDROW(Y10, Y11)
	ADDROW(Y12, Y13)
	ADDROW(Y14, Y15)
	VZEROUPPER
	RET

// func peakFMA(n int)
TEXT ·peakFMA(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	TESTQ CX, CX
	JEQ  peakdone

peakloop:
	VFMADD231PS Y12, Y13, Y0
	VFMADD231PS Y12, Y13, Y1
	VFMADD231PS Y12, Y13, Y2
	VFMADD231PS Y12, Y13, Y3
	VFMADD231PS Y12, Y13, Y4
	VFMADD231PS Y12, Y13, Y5
	VFMADD231PS Y12, Y13, Y6
	VFMADD231PS Y12, Y13, Y7
	VFMADD231PS Y12, Y13, Y8
	VFMADD231PS Y12, Y13, Y9
	VFMADD231PS Y12, Y13, Y10
	VFMADD231PS Y12, Y13, Y11
	DECQ CX
	JNZ  peakloop

peakdone:
	VZEROUPPER
	RET

// func peakFMA16(n int)
TEXT ·peakFMA16(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	TESTQ CX, CX
	JEQ  peak16done

peak16loop:
	VFMADD231PS Z12, Z13, Z0
	VFMADD231PS Z12, Z13, Z1
	VFMADD231PS Z12, Z13, Z2
	VFMADD231PS Z12, Z13, Z3
	VFMADD231PS Z12, Z13, Z4
	VFMADD231PS Z12, Z13, Z5
	VFMADD231PS Z12, Z13, Z6
	VFMADD231PS Z12, Z13, Z7
	VFMADD231PS Z12, Z13, Z8
	VFMADD231PS Z12, Z13, Z9
	VFMADD231PS Z12, Z13, Z10
	VFMADD231PS Z12, Z13, Z11
	DECQ CX
	JNZ  peak16loop

peak16done:
	VZEROUPPER
	RET

// PUTCOL joins 128-bit halves of lo and hi (imm: 0x20 low halves, 0x31
// high halves) into one packed column of 8 and stores it at DI, moving DI
// on by ldd.
#define PUTCOL(imm, hi, lo) VPERM2F128 imm, hi, lo, Y10; VMOVUPS Y10, (DI); ADDQ R9, DI

// func transpose8(dst, src *float32, lds, ldd, kb, rows int, alpha float32)
//
// For p in [0, kb) (kb a multiple of 8), stores alpha·src[r·lds+p] for
// r < rows (6 or 8) at dst[p·ldd+r]; with 6 rows, dst[p·ldd+6] and
// dst[p·ldd+7] are written too (with zeros), so ldd may be 6 when the
// stores go in increasing order and two floats of slack follow dst.
TEXT ·transpose8(SB), NOSPLIT, $0-52
	MOVQ src+8(FP), SI
	MOVQ dst+0(FP), DI
	MOVQ lds+16(FP), R8
	SHLQ $2, R8
	MOVQ ldd+24(FP), R9
	SHLQ $2, R9
	MOVQ kb+32(FP), CX
	MOVQ rows+40(FP), BX
	VBROADCASTSS alpha+48(FP), Y15
	LEAQ (SI)(R8*4), R10 // row 4
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	SHRQ $3, CX
	JEQ  tdone

tloop:
	VMULPS (SI), Y15, Y0
	VMULPS (SI)(R8*1), Y15, Y1
	VMULPS (SI)(R8*2), Y15, Y2
	LEAQ (SI)(R8*2), AX
	VMULPS (AX)(R8*1), Y15, Y3
	VMULPS (R10), Y15, Y4
	VMULPS (R10)(R8*1), Y15, Y5
	CMPQ BX, $8
	JLT  six
	VMULPS (R10)(R8*2), Y15, Y6
	LEAQ (R10)(R8*2), AX
	VMULPS (AX)(R8*1), Y15, Y7

six:
	VUNPCKLPS Y1, Y0, Y8  // r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5]
	VUNPCKHPS Y1, Y0, Y9  // r0[2] r1[2] r0[3] r1[3] | ...
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y6
	VSHUFPS $0x44, Y10, Y8, Y0  // column 0 of rows 0-3 | column 4
	VSHUFPS $0xEE, Y10, Y8, Y1  // column 1 | column 5
	VSHUFPS $0x44, Y11, Y9, Y2  // column 2 | column 6
	VSHUFPS $0xEE, Y11, Y9, Y3  // column 3 | column 7
	VSHUFPS $0x44, Y14, Y12, Y4 // rows 4-7
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y6, Y13, Y8
	VSHUFPS $0xEE, Y6, Y13, Y9
	PUTCOL($0x20, Y4, Y0)
	PUTCOL($0x20, Y5, Y1)
	PUTCOL($0x20, Y8, Y2)
	PUTCOL($0x20, Y9, Y3)
	PUTCOL($0x31, Y4, Y0)
	PUTCOL($0x31, Y5, Y1)
	PUTCOL($0x31, Y8, Y2)
	PUTCOL($0x31, Y9, Y3)
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	ADDQ $32, SI
	ADDQ $32, R10
	DECQ CX
	JNZ  tloop

tdone:
	VZEROUPPER
	RET

// func copy16(dst, src *float32, lds, kb int)
//
// Copies kb rows of 16 floats, lds apart in src, to consecutive rows of dst.
TEXT ·copy16(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R8
	SHLQ $2, R8
	MOVQ kb+24(FP), CX
	TESTQ CX, CX
	JEQ  cdone

cloop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ R8, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  cloop

cdone:
	VZEROUPPER
	RET

// HORNER does one Horner step on both chains: acc = acc·t + c; the
// loops below run it from the highest coefficient down (BX walks the table).
#define HORNER(c, t0, acc0, t1, acc1) VBROADCASTSS c, Y13; VFMADD213PS Y13, t0, acc0; VFMADD213PS Y13, t1, acc1

// func geluAVX2(x *float32, ld, rows int)
//
// Applies gelu to 16 floats in each of rows rows, ld floats apart, as two
// independent chains of 8, with the method and tables of erf32 (gelu.go).
// Y15: abs mask, Y14: 1, Y13 and Y12: constants of the current step.
TEXT ·geluAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ ld+8(FP), R8
	SHLQ $2, R8
	MOVQ rows+16(FP), CX
	TESTQ CX, CX
	JEQ  gdone
	VPCMPEQD Y15, Y15, Y15
	VPSRLD $1, Y15, Y15
	VBROADCASTSS ·erfK+36(SB), Y14

gloop:
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y6
	VBROADCASTSS ·erfK+0(SB), Y13
	VMULPS Y13, Y0, Y1
	VMULPS Y13, Y6, Y7
	VANDPS Y15, Y1, Y1
	VANDPS Y15, Y7, Y7
	VBROADCASTSS ·erfK+4(SB), Y13
	VMINPS Y13, Y1, Y1
	VMINPS Y13, Y7, Y7
	// small |z|: a·P(a²·kPScale - 1)
	VMULPS Y1, Y1, Y3
	VMULPS Y7, Y7, Y9
	VBROADCASTSS ·erfK+12(SB), Y13
	VFMSUB213PS Y14, Y13, Y3
	VFMSUB213PS Y14, Y13, Y9
	VBROADCASTSS ·erfP+24(SB), Y13
	VMOVAPS Y13, Y4
	VMOVAPS Y13, Y10
	LEAQ ·erfP+20(SB), BX
	MOVQ $6, DX

hornerP:
	HORNER((BX), Y3, Y4, Y9, Y10)
	SUBQ $4, BX
	DECQ DX
	JNZ  hornerP
	VMULPS Y1, Y4, Y2
	VMULPS Y7, Y10, Y8
	// large |z|: 1 - exp(q), q = Q(a·kQScale - kQOff)
	VBROADCASTSS ·erfK+20(SB), Y12
	VBROADCASTSS ·erfK+16(SB), Y13
	VMOVAPS Y1, Y3
	VMOVAPS Y7, Y9
	VFMSUB213PS Y12, Y13, Y3
	VFMSUB213PS Y12, Y13, Y9
	VBROADCASTSS ·erfQ+40(SB), Y13
	VMOVAPS Y13, Y4
	VMOVAPS Y13, Y10
	LEAQ ·erfQ+36(SB), BX
	MOVQ $10, DX

hornerQ:
	HORNER((BX), Y3, Y4, Y9, Y10)
	SUBQ $4, BX
	DECQ DX
	JNZ  hornerQ
	// exp(q) = 2^n·P(r), n = round(q·log2 e), r = q - n·ln 2
	VBROADCASTSS ·erfK+24(SB), Y13
	VMULPS Y13, Y4, Y5
	VMULPS Y13, Y10, Y11
	VROUNDPS $0, Y5, Y5
	VROUNDPS $0, Y11, Y11
	VMOVAPS Y4, Y3
	VMOVAPS Y10, Y9
	VBROADCASTSS ·erfK+28(SB), Y13
	VFNMADD231PS Y5, Y13, Y3
	VFNMADD231PS Y11, Y13, Y9
	VBROADCASTSS ·erfK+32(SB), Y13
	VFNMADD231PS Y5, Y13, Y3
	VFNMADD231PS Y11, Y13, Y9
	VBROADCASTSS ·expC+28(SB), Y13
	VMOVAPS Y13, Y4
	VMOVAPS Y13, Y10
	LEAQ ·expC+24(SB), BX
	MOVQ $7, DX

hornerE:
	HORNER((BX), Y3, Y4, Y9, Y10)
	SUBQ $4, BX
	DECQ DX
	JNZ  hornerE
	VPSRLD $23, Y14, Y12 // 127, the exponent field of 1.0
	VCVTPS2DQ Y5, Y5
	VCVTPS2DQ Y11, Y11
	VPADDD Y12, Y5, Y5
	VPADDD Y12, Y11, Y11
	VPSLLD $23, Y5, Y5
	VPSLLD $23, Y11, Y11
	VMULPS Y5, Y4, Y4
	VMULPS Y11, Y10, Y10
	VSUBPS Y4, Y14, Y4
	VSUBPS Y10, Y14, Y10
	// erf = sign(x)·(a < erfSplit ? small : large); gelu = x·(1 + erf)/2
	VBROADCASTSS ·erfK+8(SB), Y13
	VCMPPS $1, Y13, Y1, Y12
	VBLENDVPS Y12, Y2, Y4, Y4
	VCMPPS $1, Y13, Y7, Y12
	VBLENDVPS Y12, Y8, Y10, Y10
	VANDNPS Y0, Y15, Y3
	VANDNPS Y6, Y15, Y9
	VORPS Y3, Y4, Y4
	VORPS Y9, Y10, Y10
	VADDPS Y14, Y4, Y4
	VADDPS Y14, Y10, Y10
	VBROADCASTSS ·erfK+40(SB), Y13
	VMULPS Y13, Y0, Y0
	VMULPS Y13, Y6, Y6
	VMULPS Y4, Y0, Y0
	VMULPS Y10, Y6, Y6
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y6, 32(DI)
	ADDQ R8, DI
	DECQ CX
	JNZ  gloop

gdone:
	VZEROUPPER
	RET
