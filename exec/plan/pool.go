package plan

import (
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/exec/gemm"
	"github.com/tfc-project/tfc/ir"
)

// env is what kernel builders use besides the node: the runner's worker
// pool (nil runs everything on the caller) and the executor's packed
// weights, which all runners share.
type env struct {
	pool  *gemm.Pool
	packs *packCache
	col   []float32 // Conv's im2col scratch, shared by the runner's steps
}

// colBuffer returns n floats of the runner's im2col scratch, grown on
// first need: the steps of a runner run one at a time, so every Conv uses
// the same buffer.
func (v *env) colBuffer(n int) []float32 {
	if cap(v.col) < n {
		v.col = make([]float32, n)
	}
	return v.col[:n]
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
	return e.NewRunnerOnCPUs(threads, nil)
}

// NewRunnerOnCPUs is NewRunnerThreads with the runner's threads bound to
// CPUs of cpus during runs that are alone in the process (gemm.Pool.Bind):
// the caller of Run to cpus[0], worker i to cpus[i]; cpus shorter than
// threads binds nothing.
func (e *Executor) NewRunnerOnCPUs(threads int, cpus []int) *Runner {
	if threads < 1 {
		threads = runtime.NumCPU()
	}
	r := e.NewRunner()
	if threads > 1 {
		r.env.pool = gemm.NewPoolOnCPUs(threads, cpus)
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

// packCache packs each constant weight matrix once per executor, or takes
// it from the plan's pre-packed weights (an artifact's panels, used in
// place) when their layout is the running kernel's.
type packCache struct {
	mu sync.Mutex
	m  map[packKey]*gemm.PackedB
	// stats counts where the packed weights came from.
	stats PackStats
}

// PackStats says where an executor's packed GEMM weights came from.
type PackStats struct {
	// Prepacked counts the plan's pre-packed weights used as they are (in
	// place, from the artifact's memory).
	Prepacked int
	// Mismatched counts pre-packed weights whose layout is not the running
	// kernel's: they are packed again at run time from the row-major data
	// (unpacked from their panels when the artifact holds nothing else).
	Mismatched int
	// PackedAtRun counts weights packed when a kernel was built.
	PackedAtRun int
}

// PackStats returns where the executor's packed weights came from so far.
func (e *Executor) PackStats() PackStats {
	e.packs.mu.Lock()
	defer e.packs.mu.Unlock()
	return e.packs.stats
}

// layout converts gemm's layout to the artifact's.
func layout(l gemm.Layout) codegen.PackLayout {
	return codegen.PackLayout{Name: l.Name, Version: l.Version, KC: l.KC, NR: l.NR}
}

// init takes p's pre-packed weights whose layout is the running kernel's;
// the others get their row-major data back, to be packed at run time, as
// are those that a compile packs only on demand (Pack), which still have
// their data.
func (c *packCache) init(p *codegen.Plan) {
	cur := layout(gemm.CurrentLayout())
	for _, w := range p.Packed {
		if w.Panels == nil {
			continue
		}
		if w.Layout == cur {
			if pb, err := gemm.PackedBFrom(w.K(), w.N(), w.Panels); err == nil {
				if c.m == nil {
					c.m = map[packKey]*gemm.PackedB{}
				}
				c.m[packKey{w.Value.Const, w.Trans}] = pb
				c.stats.Prepacked++
				continue
			}
		}
		p.Restore(w.Value.Const)
		c.stats.Mismatched++
	}
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
	c.stats.PackedAtRun++
	return pb, nil
}

// refInputs returns ins for a reference kernel: ins itself, or a copy in
// which packed-only weights (a plan read with codegen.ReadPacked) are
// unpacked from their panels. It does not allocate when there are none.
func (e *Executor) refInputs(ins []*ir.Tensor) []*ir.Tensor {
	var out []*ir.Tensor
	for i, t := range ins {
		if u := e.p.Unpacked(t); u != t {
			if out == nil {
				out = slices.Clone(ins)
			}
			out[i] = u
		}
	}
	if out == nil {
		return ins
	}
	return out
}

// interpretUnpacked runs the whole graph on the reference kernels, node
// by node, reading packed-only weights through codegen.Plan.Unpacked
// (the interpreter's Run would read their missing data).
func (e *Executor) interpretUnpacked(inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
	if err := exec.CheckInputs(e.p.Graph, inputs); err != nil {
		return nil, err
	}
	_, outs, err := e.record(inputs)
	if err != nil {
		return nil, err
	}
	res := make(map[string]*ir.Tensor, len(outs))
	for i, v := range e.p.Graph.Outputs {
		res[v.Name] = outs[i]
	}
	return res, nil
}

// Prepack records, at compile time, every constant right-hand operand
// that the GEMM kernels would pack when built (newRowProduct in
// k_gemm.go: slot 1 of Linear, of MatMul by a matrix and of Gemm), once
// per weight and transposition, to be packed when the artifact is written
// (PackedWeight.Pack: one weight's panels at a time), and marks a weight
// Only when every use of it is one of those products, so that the
// artifact need not store it twice.
func (Target) Prepack(p *codegen.Plan) error {
	type key struct {
		v     *ir.Value
		trans bool
	}
	done := map[key]bool{}
	served := map[*ir.Value]int{}
	cur := layout(gemm.CurrentLayout())
	var added []*codegen.PackedWeight
	for _, s := range p.Steps {
		v, trans, ok := packedOperand(s)
		if !ok {
			continue
		}
		served[v]++
		if done[key{v, trans}] {
			continue
		}
		done[key{v, trans}] = true
		w := &codegen.PackedWeight{Value: v, Trans: trans, Layout: cur}
		k, n, ld := w.K(), w.N(), w.N()
		if trans {
			ld = k
		}
		data, ok := v.Const.Data.([]float32)
		if !ok || len(data) < k*n {
			return fmt.Errorf("plan: weight %q is not a %dx%d float32 matrix", v.Name, k, n)
		}
		w.Pack = func() []float32 {
			pb, _ := gemm.PackB(trans, k, n, data, ld) // the shape is checked above
			return pb.Panels()
		}
		p.AddPacked(w)
		added = append(added, w)
	}
	if len(added) == 0 {
		return nil
	}
	uses := map[*ir.Value]int{}
	p.Graph.Walk(func(_ *ir.Graph, n *ir.Node) {
		for _, v := range n.Inputs {
			uses[v]++
		}
	})
	for _, v := range append(slices.Clone(p.Graph.Outputs), p.Graph.Inputs...) {
		uses[v]++
	}
	for _, w := range added {
		w.Only = uses[w.Value] == served[w.Value]
	}
	return nil
}

// packedOperand returns the weight that the kernel of s packs, if any,
// and whether it is transposed; it mirrors the builders of k_gemm.go.
func packedOperand(s codegen.Step) (*ir.Value, bool, bool) {
	n := s.Node
	if s.Kernel != targetName+":"+n.QualifiedOp() || len(n.Inputs) < 2 {
		return nil, false, false
	}
	a, b := n.Inputs[0], n.Inputs[1]
	if a == nil || b == nil || b.Const == nil || b.Const.DType != ir.Float32 || len(b.Const.Shape) != 2 || b.Const.Check() != nil {
		return nil, false, false
	}
	trans := false
	switch n.QualifiedOp() {
	case "ai.tfc:Linear":
	case "MatMul":
		if a.Shape.Ranked && len(a.Shape.Dims) < 2 {
			return nil, false, false
		}
	case "Gemm":
		if n.AttrInt("transA", 0) != 0 || len(n.Inputs) > 2 && n.Inputs[2] != nil && n.AttrFloat("beta", 1) != 1 {
			return nil, false, false
		}
		trans = n.AttrInt("transB", 0) != 0
	default:
		return nil, false, false
	}
	return b, trans, true
}
