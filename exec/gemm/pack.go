package gemm

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Layout constants of packed B; they are part of the PackedB format.
const (
	kc = 256 // rows of op(B) (the K dimension) per block
	nr = 16  // columns per panel
)

// PackedB is op(B), a k×n matrix, packed once for SgemmPacked.
// It is read-only once built and may be shared by concurrent calls.
//
// Layout (also the format of Bytes): K is cut into blocks of 256 rows (the
// last one shorter when k is not a multiple of 256); N is cut into panels of
// 16 columns, the last one padded with zeros to 16. Block after block, each
// block holds its panels left to right, and each panel is its rows top to
// bottom, 16 float32 per row. The element (p, j) of op(B) is therefore at
// index (p/256)·256·P16 + (j/16)·kb·16 + (p%256)·16 + j%16, where
// P16 = 16·ceil(n/16) and kb is the number of rows of the block holding p.
// The total is k·P16 float32.
type PackedB struct {
	k, n int
	data []float32
}

// panels returns the number of 16-column panels for n columns.
func panels(n int) int { return (n + nr - 1) / nr }

// PackB packs op(B), a k×n matrix, where op(B) = B (b is k×n with row stride
// ldb) or, if transB, op(B) = Bᵀ (b is n×k with row stride ldb).
func PackB(transB bool, k, n int, b []float32, ldb int) (*PackedB, error) {
	if k < 0 || n < 0 {
		return nil, fmt.Errorf("gemm: negative dimension k=%d n=%d", k, n)
	}
	if err := checkMatrix("B", transB, k, n, b, ldb); err != nil {
		return nil, err
	}
	pb := &PackedB{k: k, n: n, data: make([]float32, k*panels(n)*nr)}
	for p := 0; p < k; p += kc {
		packB(pb.data[p*panels(n)*nr:], transB, b, ldb, p, min(kc, k-p), 0, n)
	}
	return pb, nil
}

// K returns the number of rows of op(B).
func (pb *PackedB) K() int { return pb.k }

// N returns the number of columns of op(B).
func (pb *PackedB) N() int { return pb.n }

// block returns the packed panels of op(B) rows [p, p+kb) starting at
// column j (a multiple of 16).
func (pb *PackedB) block(p, kb, j int) []float32 {
	return pb.data[p*panels(pb.n)*nr+j*kb:]
}

// Bytes returns the packed data as little-endian float32 in the layout
// described on PackedB; LoadPackedB restores it.
func (pb *PackedB) Bytes() []byte {
	out := make([]byte, 4*len(pb.data))
	for i, v := range pb.data {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
	}
	return out
}

// LoadPackedB restores a PackedB of a k×n op(B) from the bytes returned by
// Bytes.
func LoadPackedB(k, n int, data []byte) (*PackedB, error) {
	if k < 0 || n < 0 {
		return nil, fmt.Errorf("gemm: negative dimension k=%d n=%d", k, n)
	}
	want := k * panels(n) * nr
	if len(data) != 4*want {
		return nil, fmt.Errorf("gemm: packed %dx%d B needs %d bytes, got %d", k, n, 4*want, len(data))
	}
	pb := &PackedB{k: k, n: n, data: make([]float32, want)}
	for i := range pb.data {
		pb.data[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
	return pb, nil
}

// packB packs rows [p0, p0+kb) and columns [j0, j0+nb) of op(B) into dst as
// panels of 16 columns (kb×16 each, zero-padded on the right).
func packB(dst []float32, trans bool, b []float32, ldb, p0, kb, j0, nb int) {
	for jp := 0; jp < nb; jp += nr {
		w := min(nr, nb-jp)
		panel := dst[jp*kb : (jp+nr)*kb]
		j := j0 + jp
		switch {
		case trans:
			packT(panel, nr, b[j*ldb+p0:], ldb, w, kb, 1)
			if w < nr {
				for p := range kb {
					clear(panel[p*nr+w : (p+1)*nr])
				}
			}
		case w == nr:
			src := b[p0*ldb+j:]
			for p := copyRows16(panel, src, ldb, kb); p < kb; p++ {
				copy(panel[p*nr:(p+1)*nr], src[p*ldb:p*ldb+nr])
			}
		default:
			for p := range kb {
				row := panel[p*nr : (p+1)*nr]
				copy(row, b[(p0+p)*ldb+j:(p0+p)*ldb+j+w])
				clear(row[w:])
			}
		}
	}
}

// packA packs rows [i0, i0+mb) and columns [p0, p0+kb) of op(A), scaled by
// alpha, into dst as micro-panels of mr rows: panel q holds, for each p, the
// mr values of rows i0+q·mr ... (zero past row i0+mb). dst needs 8 floats
// of slack after the last panel.
func packA(dst []float32, trans bool, a []float32, lda, i0, mb, p0, kb, mr int, alpha float32) {
	for ip := 0; ip < mb; ip += mr {
		h := min(mr, mb-ip)
		panel := dst[ip*kb:]
		i := i0 + ip
		if trans {
			for p := range kb {
				d := panel[p*mr : (p+1)*mr]
				for r, v := range a[(p0+p)*lda+i : (p0+p)*lda+i+h] {
					d[r] = alpha * v
				}
				if h < mr {
					clear(d[h:])
				}
			}
			continue
		}
		packT(panel, mr, a[i*lda+p0:], lda, h, kb, alpha)
		for r := h; r < mr; r++ {
			for p := range kb {
				panel[p*mr+r] = 0
			}
		}
	}
}

// packT transposes: it stores alpha·src[r·lds+p] at dst[p·ldd+r] for
// r < rows and p < kb.
func packT(dst []float32, ldd int, src []float32, lds, rows, kb int, alpha float32) {
	for r0 := 0; r0 < rows; r0 += 8 { // packT8 takes at most 8 rows
		h := min(8, rows-r0)
		d, s := dst[r0:], src[r0*lds:]
		done := packT8(d, ldd, s, lds, h, kb, alpha)
		for r := range h {
			for p, v := range s[r*lds+done : r*lds+kb] {
				d[(done+p)*ldd+r] = alpha * v
			}
		}
	}
}
