package plan

import (
	"math"

	"github.com/tfc-project/tfc/exec/gemm"
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// scoreBudget bounds the score scratch of a worker (floats): a block of
// query rows holds rows × (keys of a tile) scores at once. Large blocks let
// one packing of K serve many queries; the bound keeps the scores in L2.
// A variable so that tests can force key tiles on small shapes.
var scoreBudget = 1 << 16

// attnTiles returns the query rows per block and the keys per tile for sq
// queries and skv keys. While at least 64 rows (or all of them) fit with
// every key, there is one tile (a multiple of 16 rows, at most 256, within
// scoreBudget where possible); longer key sequences are cut into tiles of
// a multiple of 16 keys for blocks of up to 128 rows, combined with an
// online softmax, so the scores never span the whole key length.
func attnTiles(sq, skv int) (qb, kt int) {
	if r := scoreBudget / max(skv, 1) / 16 * 16; r >= min(sq, 64) {
		return max(1, min(r, 256, sq)), max(skv, 1)
	}
	qb = max(1, min(sq, 128))
	kt = max(16, scoreBudget/qb/16*16)
	return qb, min(kt, skv)
}

// headLayout addresses the rows of a Q, K, V or output tensor by batch and
// head: [B, S, H·D] (heads merged) or [B, H, S, D].
type headLayout struct {
	b, h, s, d int
	bs, hs, ld int // batch, head and row strides
	base       int // offset of the first row (of K and V in a packed QKV)
}

func layoutOf(t *ir.Tensor, heads int) (headLayout, bool) {
	sh := t.Shape
	switch {
	case len(sh) == 4:
		b, h, s, d := int(sh[0]), int(sh[1]), int(sh[2]), int(sh[3])
		return headLayout{b: b, h: h, s: s, d: d, bs: h * s * d, hs: s * d, ld: d}, true
	case len(sh) == 3 && heads > 0 && sh[2]%int64(heads) == 0:
		b, s, h, d := int(sh[0]), int(sh[1]), heads, int(sh[2])/heads
		return headLayout{b: b, h: h, s: s, d: d, bs: s * h * d, hs: d, ld: h * d}, true
	}
	return headLayout{}, false
}

// off is the offset of row s of head h in batch b.
func (l headLayout) off(b, h, s int) int { return l.base + b*l.bs + h*l.hs + s*l.ld }

// packedLayouts addresses Q, K and V side by side in a packed
// [B, S, (H + 2·Hkv)·D] tensor.
func packedLayouts(t *ir.Tensor, nh, nkv int) (q, k, v headLayout, ok bool) {
	sh := t.Shape
	if len(sh) != 3 || nh <= 0 || nkv <= 0 || sh[2]%int64(nh+2*nkv) != 0 {
		return q, k, v, false
	}
	b, s, w := int(sh[0]), int(sh[1]), int(sh[2])
	d := w / (nh + 2*nkv)
	q = headLayout{b: b, h: nh, s: s, d: d, bs: s * w, hs: d, ld: w}
	k, v = q, q
	k.h, v.h = nkv, nkv
	k.base, v.base = nh*d, (nh+nkv)*d
	return q, k, v, true
}

// attnKernel is ai.tfc Attention: per (batch, head, block of qb
// queries) it computes the scores of the block with gemm, adds the bias,
// masks causally, takes the softmax and multiplies by V into the output.
// Units are dealt round-robin to parts workers, each with its own score
// scratch.
type attnKernel struct {
	q, k, v, o  headLayout
	group       int // query heads per key/value head
	scale       float32
	causal      bool
	qb          int // query rows per block
	kt          int // keys per tile
	blocks      int // query blocks per head
	units       int
	parts       int
	biasStrides [4]int // of Bias broadcast to [B, H, Sq, Skv]; hasBias says it is there
	hasBias     bool
	scratch     [][]float32
	errs        []error // per part, of the last run
	body        func(lo, hi int)

	qd, kd, vd, od, bias []float32 // set per run
}

func buildAttention(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	q, k, v, bias := input(in, 0), input(in, 1), input(in, 2), input(in, 3)
	packed := k == nil && v == nil
	if packed {
		k, v = q, q
	}
	if !f32(q, k, v, out[0]) || bias != nil && !f32(bias) || len(q.Shape) != len(out[0].Shape) {
		return nil
	}
	nh := int(n.AttrInt("num_heads", 0))
	nkv := int(n.AttrInt("kv_num_heads", 0))
	if nkv == 0 {
		nkv = nh
	}
	a := &attnKernel{scale: n.AttrFloat("scale", 0), causal: n.AttrInt("causal", 0) != 0}
	var ok [4]bool
	if packed {
		a.q, a.k, a.v, ok[0] = packedLayouts(q, nh, nkv)
		ok[1], ok[2] = ok[0], ok[0]
	} else {
		a.q, ok[0] = layoutOf(q, nh)
		a.k, ok[1] = layoutOf(k, nkv)
		a.v, ok[2] = layoutOf(v, nkv)
	}
	if !ok[0] || !ok[1] || !ok[2] {
		return nil
	}
	if a.k.b != a.q.b || a.v.b != a.q.b || a.k.d != a.q.d || a.v.s != a.k.s || a.v.h != a.k.h || a.k.h == 0 || a.q.h%a.k.h != 0 || a.k.s == 0 {
		return nil
	}
	if a.scale == 0 {
		a.scale = float32(1 / math.Sqrt(float64(a.q.d)))
	}
	a.group = a.q.h / a.k.h
	a.o, ok[3] = layoutOf(out[0], a.q.h)
	if !ok[3] || a.o.b != a.q.b || a.o.s != a.q.s || a.o.d != a.v.d || a.o.h != a.q.h {
		return nil
	}
	full := []int64{int64(a.q.b), int64(a.q.h), int64(a.q.s), int64(a.k.s)}
	if bias != nil {
		if bs, err := kernel.BroadcastShapes(bias.Shape, full); err != nil || numel(bs) != numel(full) || len(bs) != 4 {
			return nil
		}
		for i, s := range kernel.BroadcastStrides(bias.Shape, full) {
			a.biasStrides[i] = int(s)
		}
		a.hasBias = true
	}
	a.qb, a.kt = attnTiles(a.q.s, a.k.s)
	a.blocks = (a.q.s + a.qb - 1) / a.qb
	a.units = a.q.b * a.q.h * a.blocks
	a.parts = max(1, min(e.pool.Threads(), a.units))
	for range a.parts {
		// scores, then the running max and sum of each row
		a.scratch = append(a.scratch, make([]float32, a.qb*a.kt+2*a.qb))
	}
	a.errs = make([]error, a.parts)
	a.body = a.run
	return func(in, out []*ir.Tensor) error {
		a.qd, a.kd, a.vd, a.od, a.bias = opt(in[0]), opt(input(in, 1)), opt(input(in, 2)), opt(out[0]), opt(input(in, 3))
		if packed {
			a.kd, a.vd = a.qd, a.qd
		}
		e.parallel(a.parts, a.body)
		for _, err := range a.errs {
			if err != nil {
				return err
			}
		}
		return nil
	}
}

// run computes the units of parts [lo, hi). Part p takes a contiguous
// range of units, so whole heads (every query block of a head, the same
// work for each head even when causal): a thread then reads the query,
// key and value columns of few heads, which the projection before it
// computed in column ranges, largely on the same thread.
func (a *attnKernel) run(lo, hi int) {
	for p := lo; p < hi; p++ {
		a.errs[p] = nil
		for u := p * a.units / a.parts; u < (p+1)*a.units/a.parts && a.errs[p] == nil; u++ {
			a.errs[p] = a.unit(a.scratch[p], u)
		}
	}
}

// unit computes one block of queries of one head.
func (a *attnKernel) unit(s []float32, u int) error {
	b, h, blk := u/(a.q.h*a.blocks), u/a.blocks%a.q.h, u%a.blocks
	q0 := blk * a.qb
	rows := min(a.qb, a.q.s-q0)
	skv, kh, kt := a.k.s, h/a.group, a.kt
	// Keys past the last one any query of the block may see are skipped.
	keys := skv
	if a.causal {
		keys = min(skv, max(0, q0+rows+skv-a.q.s))
	}
	od := a.od[a.o.off(b, h, q0):]
	if keys <= kt {
		// One tile: the plain softmax.
		if err := a.scores(s, b, h, kh, q0, rows, 0, keys); err != nil {
			return err
		}
		for i := range rows {
			softmaxRow(s[i*kt:i*kt+keys], s[i*kt:i*kt+keys])
		}
		return gemm.Sgemm(false, false, rows, a.v.d, keys, 1, s, kt, a.vd[a.v.off(b, kh, 0):], a.v.ld,
			0, od, a.o.ld, nil)
	}
	// Key tiles with an online softmax: the output rows accumulate
	// e^(score-m)·V with the running max m, rescaled when m grows, and are
	// divided by the running sum l at the end.
	mx, l := s[a.qb*kt:][:rows], s[a.qb*kt+a.qb:][:rows]
	for i := range rows {
		mx[i], l[i] = float32(math.Inf(-1)), 0
	}
	for t0 := 0; t0 < keys; t0 += kt {
		kn := min(kt, keys-t0)
		if err := a.scores(s, b, h, kh, q0, rows, t0, kn); err != nil {
			return err
		}
		for i := range rows {
			alpha := gemm.SoftmaxTile(s[i*kt:i*kt+kn], &mx[i], &l[i])
			if t0 > 0 && alpha != 1 {
				orow := od[i*a.o.ld : i*a.o.ld+a.v.d]
				for x := range orow {
					orow[x] *= alpha
				}
			}
		}
		var beta float32
		if t0 > 0 {
			beta = 1
		}
		if err := gemm.Sgemm(false, false, rows, a.v.d, kn, 1, s, kt, a.vd[a.v.off(b, kh, t0):], a.v.ld,
			beta, od, a.o.ld, nil); err != nil {
			return err
		}
	}
	for i := range rows {
		inv := 1 / l[i]
		orow := od[i*a.o.ld : i*a.o.ld+a.v.d]
		for x := range orow {
			orow[x] *= inv
		}
	}
	return nil
}

// scores stores in s (rows kt apart) the scaled scores of query rows
// [q0, q0+rows) of head h against keys [t0, t0+kn) of key head kh, with
// the bias added and the keys a query may not see (causal) at -Inf.
func (a *attnKernel) scores(s []float32, b, h, kh, q0, rows, t0, kn int) error {
	kt, skv := a.kt, a.k.s
	if kn > 0 {
		if err := gemm.Sgemm(false, true, rows, kn, a.q.d, a.scale, a.qd[a.q.off(b, h, q0):], a.q.ld,
			a.kd[a.k.off(b, kh, t0):], a.k.ld, 0, s, kt, nil); err != nil {
			return err
		}
	}
	for i := range rows {
		row := s[i*kt : i*kt+kn]
		if a.causal {
			visible := min(skv, max(0, q0+i+1+skv-a.q.s))
			for j := max(visible-t0, 0); j < kn; j++ {
				row[j] = float32(math.Inf(-1))
			}
		}
		if a.hasBias {
			bo := b*a.biasStrides[0] + h*a.biasStrides[1] + (q0+i)*a.biasStrides[2] + t0*a.biasStrides[3]
			for j := range kn {
				row[j] += a.bias[bo+j*a.biasStrides[3]]
			}
		}
	}
	return nil
}
