package gemm

import (
	"fmt"
	"strings"
	"sync"
)

// Blocking sizes besides the PackedB layout constants.
const (
	mcMax = 144 // rows of op(A) packed at once (kc×mc floats fit in L2)
	ncMax = 384 // columns per tile: its C block and the A block stay in L2
)

// Options are the optional settings of a multiplication; a nil *Options
// means single-threaded with no epilogue.
type Options struct {
	// Pool runs the tiles in parallel; nil runs them on the caller.
	Pool *Pool
	// Epilogue is applied to every element of C after the product.
	Epilogue Epilogue
}

// Epilogue is an element-wise tail fused into the multiplication. With
// y = alpha·op(A)·op(B) + beta·C, the stored result is
//
//	C[i,j] = act(y[i,j] + Bias[j]) + Residual[i,j]
//
// where act is GELU (exact, or with Tanh its tanh approximation) or the
// identity, and a nil Bias or Residual is skipped.
type Epilogue struct {
	// Bias is added per column; it must hold at least n values.
	Bias []float32
	// GELU applies the exact GELU, x·(1+erf(x/√2))/2, after the bias.
	GELU bool
	// Tanh makes GELU the tanh approximation,
	// x·(1+tanh(√(2/π)·(x+0.044715·x³)))/2 (GPT-2's gelu_new).
	Tanh bool
	// Residual is added last. It is laid out like C (same ldc, and the
	// same batch stride in SgemmBatched) and must not overlap C.
	Residual []float32
}

func (e *Epilogue) active() bool {
	return e != nil && (e.Bias != nil || e.GELU || e.Residual != nil)
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices,
// where op(A) is m×k and op(B) is k×n. If transA, a holds A as k×m with row
// stride lda and op(A) = Aᵀ; otherwise a holds m×k with row stride lda.
// Likewise for b, transB and ldb. c is m×n with row stride ldc. When beta
// is 0, C is not read (NaNs in it do not propagate). opt may be nil.
// c must not overlap a or b.
// It returns an error, and leaves C untouched, when a dimension is
// negative, a stride is smaller than its row length, or a slice is too
// short for its dimensions.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, opt *Options) error {
	return SgemmBatched(1, transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, opt)
}

// SgemmPacked is Sgemm with op(B) pre-packed by PackB; pb must be k×n.
func SgemmPacked(transA bool, m, n, k int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int, opt *Options) error {
	if pb == nil || pb.k != k || pb.n != n {
		return fmt.Errorf("gemm: packed B does not match k=%d n=%d", k, n)
	}
	j := job{transA: transA, m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, lda: lda, pb: pb, c: c, ldc: ldc, batch: 1}
	return j.do(opt)
}

// SgemmBatched runs batch independent multiplications; the i-th uses
// a[i·strideA:], b[i·strideB:] and c[i·strideC:] with the meaning of Sgemm
// (a stride of 0 shares one matrix between all of them, e.g. weights).
// The C matrices of different batch entries must not overlap.
func SgemmBatched(batch int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int, opt *Options) error {
	j := job{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, lda: lda, strideA: strideA, b: b, ldb: ldb, strideB: strideB,
		c: c, ldc: ldc, strideC: strideC, batch: batch}
	return j.do(opt)
}

// job is one validated call, split into units of work: batch entry × M tile
// × N tile.
type job struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32

	a         []float32
	lda       int
	strideA   int
	b         []float32 // nil when pb is set
	ldb       int
	strideB   int
	pb        *PackedB
	c         []float32
	ldc       int
	strideC   int
	batch     int
	ep        Epilogue // a copy, so that opt does not escape
	hasEp     bool     // ep is active
	kern      *kernel
	row       bool             // one row by packed B, units are panel ranges (rowPanels)
	runFn     func(lo, hi int) // run bound to this job (jobPool)
	mc, mt    int              // rows per M tile, number of M tiles
	nc, nt    int              // columns per N tile (a multiple of 16), number of N tiles
	unitsPerB int              // mt·nt
}

// matLen returns the length a rows×cols matrix with row stride ld needs.
func matLen(rows, cols, ld int) int {
	if rows == 0 || cols == 0 {
		return 0
	}
	return (rows-1)*ld + cols
}

// checkMatrix validates x holding op(X), a rows×cols matrix, with stride ld.
func checkMatrix(name string, trans bool, rows, cols int, x []float32, ld int) error {
	if trans {
		rows, cols = cols, rows
	}
	if rows == 0 || cols == 0 {
		return nil
	}
	if ld < cols {
		return fmt.Errorf("gemm: ld%s=%d is less than %d columns", strings.ToLower(name), ld, cols)
	}
	if need := matLen(rows, cols, ld); len(x) < need {
		return fmt.Errorf("gemm: %s has %d elements, %dx%d with stride %d needs %d", name, len(x), rows, cols, ld, need)
	}
	return nil
}

// checkBatched validates batch matrices spaced by stride.
func checkBatched(name string, trans bool, batch, rows, cols int, x []float32, ld, stride int) error {
	if stride < 0 {
		return fmt.Errorf("gemm: negative stride of %s", name)
	}
	if len(x) < (batch-1)*stride {
		return fmt.Errorf("gemm: %s has %d elements, too few for %d matrices %d apart", name, len(x), batch, stride)
	}
	return checkMatrix(name, trans, rows, cols, x[(batch-1)*stride:], ld)
}

func (j *job) validate() error {
	if j.m < 0 || j.n < 0 || j.k < 0 || j.batch < 0 {
		return fmt.Errorf("gemm: negative dimension batch=%d m=%d n=%d k=%d", j.batch, j.m, j.n, j.k)
	}
	if j.batch == 0 || j.m == 0 || j.n == 0 {
		return nil
	}
	if err := checkBatched("A", j.transA, j.batch, j.m, j.k, j.a, j.lda, j.strideA); err != nil {
		return err
	}
	if j.pb == nil {
		if err := checkBatched("B", j.transB, j.batch, j.k, j.n, j.b, j.ldb, j.strideB); err != nil {
			return err
		}
	}
	if err := checkBatched("C", false, j.batch, j.m, j.n, j.c, j.ldc, j.strideC); err != nil {
		return err
	}
	if j.batch > 1 && j.strideC < matLen(j.m, j.n, j.ldc) {
		return fmt.Errorf("gemm: strideC=%d makes the C matrices overlap", j.strideC)
	}
	if !j.hasEp {
		return nil
	}
	if j.ep.Bias != nil && len(j.ep.Bias) < j.n {
		return fmt.Errorf("gemm: bias has %d elements, want %d", len(j.ep.Bias), j.n)
	}
	if j.ep.Residual != nil {
		return checkBatched("Residual", false, j.batch, j.m, j.n, j.ep.Residual, j.ldc, j.strideC)
	}
	return nil
}

// do validates the job, plans the tiles and runs them.
func (j *job) do(opt *Options) error {
	var pool *Pool
	if opt != nil {
		pool = opt.Pool
		if opt.Epilogue.active() {
			j.ep, j.hasEp = opt.Epilogue, true
		}
	}
	if err := j.validate(); err != nil {
		return err
	}
	if j.batch == 0 || j.m == 0 || j.n == 0 {
		return nil
	}
	j.kern = activeKernel
	if j.m == 1 && j.batch == 1 && j.pb != nil && !j.transA && j.alpha == 1 && j.beta == 0 && j.k > 0 && j.kern.row != nil {
		// One row (a decoding step): every weight is read once, so the
		// speed is that of streaming B; each thread takes a range of
		// panels and reads each K block of it in order.
		j.row, j.unitsPerB = true, min(pool.Threads(), panels(j.n))
	} else {
		j.plan(pool.Threads())
	}
	units := j.batch * j.unitsPerB
	if pool.Threads() == 1 || units == 1 {
		j.run(0, units)
		return nil
	}
	// The workers need the job on the heap: take one from jobPool, whose
	// run method value is bound once, so that calls do not allocate.
	h := jobPool.Get().(*job)
	run := h.runFn
	*h = *j
	h.runFn = run
	pool.ParallelFor(units, run)
	*h = job{runFn: run}
	jobPool.Put(h)
	return nil
}

// plan chooses the M and N tiles so that there are at least threads units
// when the shape allows it.
func (j *job) plan(threads int) {
	mr := j.kern.mr
	mcap := mcMax / mr * mr
	j.mt = (j.m + mcap - 1) / mcap
	nparts := (j.n + ncMax - 1) / ncMax
	tiles := (threads + j.batch - 1) / j.batch // wanted per batch entry
	if w := (tiles + j.mt - 1) / j.mt; w > nparts {
		nparts = min(w, panels(j.n))
	}
	// While there are few units, make their number a multiple of threads
	// so that no thread gets one more than the others.
	for u := j.batch * j.mt * nparts; u%threads != 0 && u < 4*threads && nparts < panels(j.n); u += j.batch * j.mt {
		nparts++
	}
	j.nc = panels((j.n+nparts-1)/nparts) * nr
	j.nt = (j.n + j.nc - 1) / j.nc
	if j.mt*j.nt < tiles {
		// Too few columns: split M finer too.
		j.mt = min((tiles+j.nt-1)/j.nt, (j.m+mr-1)/mr)
	}
	j.mc = ((j.m+j.mt-1)/j.mt + mr - 1) / mr * mr
	j.mt = (j.m + j.mc - 1) / j.mc
	j.unitsPerB = j.mt * j.nt
}

// aKeepMax bounds the packed A that a unit range keeps for its next unit
// (floats): 4 MiB covers an M tile with K up to 7281.
var aKeepMax = 1 << 20

// scratch holds the packing buffers of one running unit range.
type scratch struct {
	a    []float32 // packed op(A), all K blocks of one M tile
	b    []float32 // packed op(B) block, kc×ncMax
	tile []float32 // one micro-tile for edges, maxMR×16
	// The M tile whose packed A is in a, when aValid: consecutive units
	// of a run that share it (the N tiles of one M tile) pack A once.
	aBatch, aRow int
	aValid       bool
}

var jobPool = sync.Pool{New: func() any {
	j := new(job)
	j.runFn = j.run
	return j
}}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{
		b:    make([]float32, kc*ncMax),
		tile: make([]float32, maxMR*nr),
	}
}}

// run computes units [lo, hi).
func (j *job) run(lo, hi int) {
	if j.row {
		np := panels(j.n)
		j.rowPanels(lo*np/j.unitsPerB, hi*np/j.unitsPerB)
		return
	}
	s := scratchPool.Get().(*scratch)
	s.aValid = false
	for u := lo; u < hi; u++ {
		bi, t := u/j.unitsPerB, u%j.unitsPerB
		i0, j0 := t/j.nt*j.mc, t%j.nt*j.nc
		j.unit(s, bi, i0, min(j.mc, j.m-i0), j0, min(j.nc, j.n-j0))
	}
	scratchPool.Put(s)
}

// unit computes rows [i0, i0+mb) × columns [j0, j0+nb) of C for batch
// entry bi.
func (j *job) unit(s *scratch, bi, i0, mb, j0, nb int) {
	c := j.c[bi*j.strideC:]
	var res []float32
	if j.hasEp && j.ep.Residual != nil {
		res = j.ep.Residual[bi*j.strideC:]
	}
	if j.beta != 1 && (j.beta != 0 || j.k == 0) {
		scale(c, j.ldc, i0, mb, j0, nb, j.beta)
	}
	if j.k == 0 {
		if j.hasEp {
			j.ep.apply(c, res, j.ldc, i0, mb, j0, nb)
		}
		return
	}
	mr := j.kern.mr
	a := j.a[bi*j.strideA:]
	// Packed A: K block p at sa[p·mbPad:], mbPad×kb floats, all blocks
	// kept for the next unit when they fit in aKeepMax floats; otherwise
	// one block at a time at the start of s.a.
	mbPad := (mb + mr - 1) / mr * mr
	keep := mbPad*j.k+8 <= aKeepMax
	need := mbPad*min(j.k, kc) + 8
	if keep {
		need = mbPad*j.k + 8
	}
	packed := keep && s.aValid && s.aBatch == bi && s.aRow == i0
	if len(s.a) < need {
		s.a = make([]float32, need)
		packed = false
	}
	s.aBatch, s.aRow, s.aValid = bi, i0, keep
	for p := 0; p < j.k; p += kc {
		kb := min(kc, j.k-p)
		sa := s.a
		if keep {
			sa = s.a[p*mbPad:]
		}
		if !packed {
			packA(sa, j.transA, a, j.lda, i0, mb, p, kb, mr, j.alpha)
		}
		var bblk []float32
		if j.pb != nil {
			bblk = j.pb.block(p, kb, j0)
		} else {
			packB(s.b, j.transB, j.b[bi*j.strideB:], j.ldb, p, kb, j0, nb)
			bblk = s.b
		}
		acc := 0
		if p > 0 || j.beta != 0 {
			acc = 1
		}
		last := p+kb == j.k
		for jr := 0; jr < nb; jr += nr {
			w := min(nr, nb-jr)
			bp := &bblk[jr*kb]
			if j.kern.fn2 != nil && jr+2*nr <= nb {
				// Two full panels at once; rows past the last full
				// micro-panel go one panel at a time below.
				// While they run, the next panel pair is fetched into
				// L2 a slice per micro-panel: the weights of a model
				// come from memory, not cache.
				var next []float32
				if jr+4*nr <= nb {
					next = bblk[(jr+2*nr)*kb:][:2*nr*kb]
				} else if !last && j.pb != nil {
					kn := min(kc, j.k-p-kc)
					next = j.pb.block(p+kc, kn, j0)[:2*nr*kn]
				}
				steps := max(1, mb/mr)
				chunk := ((len(next)+steps-1)/steps + 15) &^ 15 // floats per micro-panel, in whole lines
				ir := 0
				for ; ir+mr <= mb; ir += mr {
					ci := (i0+ir)*j.ldc + j0 + jr
					if off := ir / mr * chunk; off < len(next) {
						prefetchL2(&next[off], (min(chunk, len(next)-off)+15)/16)
					}
					j.kern.fn2(kb, &sa[ir*kb], bp, &c[ci], j.ldc, acc)
					if last && j.hasEp {
						j.ep.apply(c, res, j.ldc, i0+ir, mr, j0+jr, 2*nr)
					}
				}
				for _, jr := range [2]int{jr, jr + nr} {
					j.edgeRows(s, sa, c, res, bblk, i0, ir, mb, j0, jr, nr, kb, acc, last)
				}
				jr += nr
				continue
			}
			for ir := 0; ir < mb; ir += mr {
				h := min(mr, mb-ir)
				ap := &sa[ir*kb]
				ci := (i0+ir)*j.ldc + j0 + jr
				if h == mr && w == nr {
					j.kern.fn(kb, ap, bp, &c[ci], j.ldc, acc)
				} else {
					j.kern.fn(kb, ap, bp, &s.tile[0], nr, 0)
					merge(c[ci:], j.ldc, s.tile, h, w, acc)
				}
				if last && j.hasEp {
					j.ep.apply(c, res, j.ldc, i0+ir, h, j0+jr, w)
				}
			}
		}
	}
}

// rowPanels computes the columns of packed B panels [q0, q1) of the one
// row of C, K block by K block, then its epilogue.
func (j *job) rowPanels(q0, q1 int) {
	var tmp [nr]float32 // the last panel, when narrower than nr
	for p := 0; p < j.k; p += kc {
		kb, acc := min(kc, j.k-p), 0
		if p > 0 {
			acc = 1
		}
		blk := j.pb.block(p, kb, 0)
		for q := q0; q < q1; q++ {
			col, bp := q*nr, &blk[q*nr*kb]
			if col+nr <= j.n {
				j.kern.row(kb, &j.a[p], bp, &j.c[col], acc)
				continue
			}
			w := j.n - col
			copy(tmp[:w], j.c[col:])
			j.kern.row(kb, &j.a[p], bp, &tmp[0], acc)
			copy(j.c[col:col+w], tmp[:w])
		}
	}
	if j.hasEp {
		c0 := q0 * nr
		j.ep.apply(j.c, j.ep.Residual, j.ldc, 0, 1, c0, min(q1*nr, j.n)-c0)
	}
}

// edgeRows computes rows [ir, mb) of the unit's block for the panel at
// column jr (w wide) through the edge tile, one micro-panel at a time.
func (j *job) edgeRows(s *scratch, sa, c, res, bblk []float32, i0, ir, mb, j0, jr, w, kb, acc int, last bool) {
	mr := j.kern.mr
	for ; ir < mb; ir += mr {
		h := min(mr, mb-ir)
		ci := (i0+ir)*j.ldc + j0 + jr
		j.kern.fn(kb, &sa[ir*kb], &bblk[jr*kb], &s.tile[0], nr, 0)
		merge(c[ci:], j.ldc, s.tile, h, w, acc)
		if last && j.hasEp {
			j.ep.apply(c, res, j.ldc, i0+ir, h, j0+jr, w)
		}
	}
}

// scale multiplies the rows×cols block of c at (i0, j0) by beta; beta 0
// stores zeros.
func scale(c []float32, ldc, i0, rows, j0, cols int, beta float32) {
	for i := i0; i < i0+rows; i++ {
		row := c[i*ldc+j0 : i*ldc+j0+cols]
		if beta == 0 {
			clear(row)
			continue
		}
		for x := range row {
			row[x] *= beta
		}
	}
}

// merge stores (acc == 0) or adds the h×w corner of the 16-wide tile t into
// c with row stride ldc.
func merge(c []float32, ldc int, t []float32, h, w, acc int) {
	for r := range h {
		row, src := c[r*ldc:r*ldc+w], t[r*nr:r*nr+w]
		if acc == 0 {
			copy(row, src)
			continue
		}
		for x, v := range src {
			row[x] += v
		}
	}
}

// apply runs the epilogue on the rows×cols block of c at (i0, j0); res,
// if not nil, is laid out like c.
func (e *Epilogue) apply(c, res []float32, ldc, i0, rows, j0, cols int) {
	if vecMath && cols%nr == 0 {
		// AVX-512, 16 columns at a time: bias and GELU in one pass, or
		// bias and residual in one pass.
		for jc := j0; jc < j0+cols; jc += nr {
			off := i0*ldc + jc
			x := c[off : off+(rows-1)*ldc+nr]
			var bias, r *float32
			if e.Bias != nil {
				bias = &e.Bias[jc : jc+nr][0]
			}
			if e.GELU {
				geluAVX512(&x[0], &x[0], ldc, rows, bias, 0, b2i(e.Tanh))
				bias = nil
			}
			if res != nil {
				r = &res[off : off+(rows-1)*ldc+nr][0]
			}
			if bias != nil || r != nil {
				addRowsAVX512(&x[0], ldc, rows, bias, r)
			}
		}
		return
	}
	e.biasGELU(c, ldc, i0, rows, j0, cols)
	if res != nil {
		for i := i0; i < i0+rows; i++ {
			row := c[i*ldc+j0 : i*ldc+j0+cols]
			for x, v := range res[i*ldc+j0 : i*ldc+j0+cols] {
				row[x] += v
			}
		}
	}
}

// biasGELU adds the bias to, then applies GELU to, the rows×cols block of
// c at (i0, j0), in portable Go (or AVX2 for the erf GELU).
func (e *Epilogue) biasGELU(c []float32, ldc, i0, rows, j0, cols int) {
	if e.Bias != nil {
		bias := e.Bias[j0 : j0+cols]
		for i := i0; i < i0+rows; i++ {
			for x, v := range bias {
				c[i*ldc+j0+x] += v
			}
		}
	}
	switch {
	case e.GELU && e.Tanh:
		for i := i0; i < i0+rows; i++ {
			row := c[i*ldc+j0 : i*ldc+j0+cols]
			GELU(row, row, nil, true)
		}
	case e.GELU:
		geluRows(c[i0*ldc+j0:], ldc, rows, cols)
	}
}
