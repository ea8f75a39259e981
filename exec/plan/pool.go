package plan

import (
	"runtime"
	"sync"

	"github.com/tfc-project/tfc/exec/gemm"
	"github.com/tfc-project/tfc/ir"
)

// env is what kernel builders use besides the node: the runner's worker
// pool (nil runs everything on the caller) and the executor's packed
// weights, which all runners share.
type env struct {
	pool  *gemm.Pool
	packs *packCache
}

// gemmOpts returns gemm options running on the env's pool.
func (v *env) gemmOpts() *gemm.Options { return &gemm.Options{Pool: v.pool} }

// parallel runs fn over [0, n) on the pool. fn should be made once, in
// the builder, so that a run does not allocate a closure.
func (v *env) parallel(n int, fn func(lo, hi int)) { v.pool.ParallelFor(n, fn) }

// NewRunnerThreads returns a runner whose kernels run on threads
// goroutines (threads < 1 means runtime.NumCPU()). Close the runner to
// stop them.
func (e *Executor) NewRunnerThreads(threads int) *Runner {
	if threads < 1 {
		threads = runtime.NumCPU()
	}
	r := e.NewRunner()
	if threads > 1 {
		r.env.pool = gemm.NewPool(threads)
	}
	return r
}

// Close stops the runner's worker goroutines; the runner must not be used
// afterwards.
func (r *Runner) Close() {
	r.env.pool.Close()
	r.env.pool = nil
}

// packKey names a packed weight: the constant tensor and whether it is
// transposed.
type packKey struct {
	w     *ir.Tensor
	trans bool
}

// packCache packs each constant weight matrix once per executor.
type packCache struct {
	mu sync.Mutex
	m  map[packKey]*gemm.PackedB
}

// get returns w (a constant k×n matrix, or n×k when trans) packed for
// gemm.SgemmPacked.
func (c *packCache) get(w *ir.Tensor, trans bool, k, n int) (*gemm.PackedB, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := packKey{w, trans}
	if pb, ok := c.m[key]; ok {
		return pb, nil
	}
	ld := n
	if trans {
		ld = k
	}
	pb, err := gemm.PackB(trans, k, n, w.Data.([]float32), ld)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[packKey]*gemm.PackedB{}
	}
	c.m[key] = pb
	return pb, nil
}
