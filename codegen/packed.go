package codegen

import (
	"fmt"

	"github.com/tfc-project/tfc/ir"
)

// PackLayout describes how the panels of a PackedWeight are laid out (see
// FORMAT.md): op(B), a k×n matrix, is cut into blocks of KC rows (the
// last one shorter) and each block into panels of NR columns (the last
// one padded with zeros); block after block, each block holds its panels
// left to right, each panel its rows top to bottom, NR float32 per row.
// Name and Version name the family, so that a kernel that reads panels
// differently is never handed these.
type PackLayout struct {
	Name    string
	Version int
	KC, NR  int
}

// String writes the layout as name/vN/kcK/nrN.
func (l PackLayout) String() string {
	return fmt.Sprintf("%s/v%d/kc%d/nr%d", l.Name, l.Version, l.KC, l.NR)
}

// maxPackDim bounds KC and NR of an artifact's layout.
const maxPackDim = 1 << 16

// Valid reports whether the layout's sizes can describe panels.
func (l PackLayout) Valid() bool {
	return l.KC > 0 && l.NR > 0 && l.KC <= maxPackDim && l.NR <= maxPackDim && l.Version >= 0
}

// PackedWeight is a constant right-hand operand of a matrix product,
// packed ahead of time into the panels the target's GEMM kernel reads.
type PackedWeight struct {
	// Value is the constant, a float32 matrix: op(B) itself (k×n), or its
	// transpose (n×k) when Trans is set.
	Value *ir.Value
	Trans bool
	// Layout is the layout of Panels.
	Layout PackLayout
	// Panels hold op(B) in Layout: PanelLen(K, N) float32. They may be nil
	// when Pack is set.
	Panels []float32
	// Pack, when Panels is nil, packs them on demand (a fresh slice each
	// call): a compile then holds one packed weight at a time while it
	// writes the artifact, not all of them.
	Pack func() []float32
	// Only marks a weight that nothing but packed products reads: the
	// artifact stores its panels alone (no row-major copy), and a plan read
	// with ReadPacked or MapFile leaves Value.Const without data until
	// Plan.Unpacked restores it from the panels. All entries of one value
	// agree on Only.
	Only bool
}

// K returns the number of rows of op(B).
func (w *PackedWeight) K() int {
	s := w.Value.Const.Shape
	if w.Trans {
		return int(s[1])
	}
	return int(s[0])
}

// N returns the number of columns of op(B).
func (w *PackedWeight) N() int {
	s := w.Value.Const.Shape
	if w.Trans {
		return int(s[0])
	}
	return int(s[1])
}

// PanelLen returns the number of float32 of a k×n op(B) packed in l.
func (l PackLayout) PanelLen(k, n int) int { return k * ((n + l.NR - 1) / l.NR) * l.NR }

// Prepacker is a Target that packs the plan's constant GEMM operands at
// compile time (Lower calls it on plans that run node by node).
type Prepacker interface {
	Prepack(p *Plan) error
}

// AddPacked records a packed weight; entries are written in the order
// they are added.
func (p *Plan) AddPacked(w *PackedWeight) {
	p.Packed = append(p.Packed, w)
	if p.packedOf == nil {
		p.packedOf = map[*ir.Tensor]*PackedWeight{}
	}
	if _, ok := p.packedOf[w.Value.Const]; !ok {
		p.packedOf[w.Value.Const] = w
	}
}

// missing reports whether t is a packed-only weight whose row-major data
// are absent (a plan read with ReadPacked or MapFile), and its entry.
func (p *Plan) missing(t *ir.Tensor) (*PackedWeight, bool) {
	if t == nil || t.DType != ir.Float32 {
		return nil, false
	}
	w, ok := p.packedOf[t]
	if !ok || !w.Only || t.Len() != 0 || len(t.Shape) != 2 || t.Shape[0]*t.Shape[1] == 0 {
		return nil, false
	}
	return w, true
}

// Unpacked returns t with its row-major data: t itself, except for a
// packed-only weight of a plan read with ReadPacked or MapFile, whose data
// it unpacks from the panels into a new tensor (not kept: each call
// unpacks again). The reference kernels read constants through it.
func (p *Plan) Unpacked(t *ir.Tensor) *ir.Tensor {
	w, ok := p.missing(t)
	if !ok {
		return t
	}
	return &ir.Tensor{DType: t.DType, Shape: t.Shape, Data: w.unpack()}
}

// HasMissing reports whether some weight of the plan has no row-major
// data (see Unpacked).
func (p *Plan) HasMissing() bool {
	for _, w := range p.Packed {
		if _, ok := p.missing(w.Value.Const); ok {
			return true
		}
	}
	return false
}

// Restore gives the packed-only weight held by t its row-major data back,
// unpacked from its panels, for good (the plan then holds both); it does
// nothing to any other tensor. Call it before the plan is shared.
func (p *Plan) Restore(t *ir.Tensor) {
	if w, ok := p.missing(t); ok {
		t.Data = w.unpack()
	}
}

// RestoreAll restores every packed-only weight (see Restore).
func (p *Plan) RestoreAll() {
	for _, w := range p.Packed {
		p.Restore(w.Value.Const)
	}
}

// unpack returns the value's row-major data from the panels.
func (w *PackedWeight) unpack() []float32 {
	k, n := w.K(), w.N()
	out := make([]float32, k*n)
	UnpackPanels(w.Layout, w.Trans, k, n, w.Panels, out)
	return out
}

// UnpackPanels writes op(B), a k×n matrix packed in l, to dst row-major:
// as k×n, or as its n×k transpose B when trans is set. panels must hold
// l.PanelLen(k, n) and dst k·n float32.
func UnpackPanels(l PackLayout, trans bool, k, n int, panels, dst []float32) {
	forPanelRows(l, k, n, panels, func(seg []float32, r, j0 int) {
		if !trans {
			copy(dst[r*n+j0:], seg)
			return
		}
		for x, v := range seg {
			dst[(j0+x)*k+r] = v
		}
	})
}

// PackPanels packs op(B) (b is k×n row-major, or n×k when trans) into
// the layout l: a portable packer for tests and for layouts other than
// the running kernel's.
func PackPanels(l PackLayout, trans bool, k, n int, b []float32) []float32 {
	out := make([]float32, l.PanelLen(k, n))
	forPanelRows(l, k, n, out, func(seg []float32, r, j0 int) {
		if !trans {
			copy(seg, b[r*n+j0:])
			return
		}
		for x := range seg {
			seg[x] = b[(j0+x)*k+r]
		}
	})
	return out
}

// forPanelRows calls f on every row segment of the panels of op(B), a k×n
// matrix packed in l: seg is the segment in panels (as many floats as the
// panel has columns of op(B)), and it holds row r, columns j0 on, of op(B).
func forPanelRows(l PackLayout, k, n int, panels []float32, f func(seg []float32, r, j0 int)) {
	pn := (n + l.NR - 1) / l.NR * l.NR
	for p0 := 0; p0 < k; p0 += l.KC {
		kb := min(l.KC, k-p0)
		blk := panels[p0*pn:]
		for j0 := 0; j0 < n; j0 += l.NR {
			w := min(l.NR, n-j0)
			panel := blk[j0*kb:]
			for p := range kb {
				f(panel[p*l.NR:p*l.NR+w], p0+p, j0)
			}
		}
	}
}
