package cuda

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"unsafe"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/ir"
)

// workspaceBytes is the cuBLAS workspace given to each runner, so that
// cuBLAS allocates nothing while a graph is captured.
const workspaceBytes = 32 << 20

// cuBLAS and driver constants.
const (
	cublasOpN           = 0
	cudaR32F            = 0
	cublasGemmDefault   = -1
	cublasDefaultMath   = 0
	cublasTF32Math      = 3
	captureModeRelaxed  = 2
	streamNonBlocking   = 1
	cublasStatusSuccess = 0
)

// Runner runs a Model: it owns one device allocation (the arena, the
// inputs and the cuBLAS workspace), a stream, a cuBLAS handle and, after
// the first run, the CUDA graph of the launches. A run copies the inputs
// in, launches (or replays the graph) and copies the outputs out. A runner
// is used by one goroutine at a time.
type Runner struct {
	m       *Model
	owns    bool // Close closes m too
	mem     uintptr
	stream  uintptr
	blas    uintptr
	params  [][]unsafe.Pointer // by launch
	pin     runtime.Pinner
	one     float32
	zero    float32
	graph   uintptr
	exec    uintptr
	ran     bool
	outputs map[string]*ir.Tensor
}

// NewRunner makes a model of p and a runner that owns it.
func NewRunner(p *codegen.Plan, opts Options) (*Runner, error) {
	m, err := NewModel(p, opts)
	if err != nil {
		return nil, err
	}
	r, err := m.NewRunner()
	if err != nil {
		return nil, errors.Join(err, m.Close())
	}
	r.owns = true
	return r, nil
}

// NewRunner allocates a runner's device memory, stream and cuBLAS handle.
func (m *Model) NewRunner() (*Runner, error) {
	r := &Runner{m: m, one: 1, outputs: map[string]*ir.Tensor{}}
	if err := r.init(); err != nil {
		return nil, errors.Join(err, r.Close())
	}
	return r, nil
}

// layout returns the offsets of the inputs and the workspace in a
// runner's allocation and its size.
func (pr *program) layout() (inputs, workspace, total int64) {
	inputs = alignUp(pr.arenaBytes)
	workspace = inputs + alignUp(pr.inputsBytes)
	total = workspace
	if slices.ContainsFunc(pr.launches, func(l launch) bool { return l.gemm != nil }) {
		total += workspaceBytes
	}
	return inputs, workspace, max(total, codegen.Alignment)
}

func (r *Runner) init() error {
	m, a := r.m, r.m.ctx.a
	if err := m.ctx.enter(); err != nil {
		return err
	}
	defer m.ctx.leave()
	_, ws, total := m.prog.layout()
	if err := a.check("cuMemAlloc(arena)", a.cuMemAlloc(&r.mem, uint64(total))); err != nil {
		return err
	}
	if err := a.check("cuStreamCreate", a.cuStreamCreate(&r.stream, streamNonBlocking)); err != nil {
		return err
	}
	mode := int32(cublasDefaultMath)
	if m.opts.Precision == TF32 {
		mode = cublasTF32Math
	}
	for _, c := range []struct {
		fn   string
		call func() int32
	}{
		{"cublasCreate", func() int32 { return a.cublasCreate(&r.blas) }},
		{"cublasSetStream", func() int32 { return a.cublasSetStream(r.blas, r.stream) }},
		{"cublasSetMathMode", func() int32 { return a.cublasSetMathMode(r.blas, mode) }},
		{"cublasSetWorkspace", func() int32 { return a.cublasSetWorkspace(r.blas, r.mem+uintptr(ws), uint64(total-ws)) }},
	} {
		if code := c.call(); code != cublasStatusSuccess {
			return &callError{fn: c.fn, code: code}
		}
	}
	for _, l := range m.prog.launches {
		r.params = append(r.params, r.kernelParams(l))
	}
	for _, v := range m.plan.Graph.Outputs {
		t, err := ir.NewTensor(v.DType, m.prog.shapes[m.plan.ValueID(v)])
		if err != nil {
			return fmt.Errorf("cuda: output %s: %w", v.Name, err)
		}
		r.outputs[v.Name] = t
	}
	return nil
}

// addr is the device address of a value (0 for id -1).
func (r *Runner) addr(id int) uintptr {
	if id < 0 {
		return 0
	}
	inputs, _, _ := r.m.prog.layout()
	switch l := r.m.prog.loc[id]; l.region {
	case inArena:
		return r.mem + uintptr(l.offset)
	case inInputs:
		return r.mem + uintptr(inputs+l.offset)
	case inWeights:
		return r.m.weights + uintptr(l.offset)
	}
	return 0
}

// kernelParams builds cuLaunchKernel's array of pointers to the
// arguments, pinned for the runner's life.
func (r *Runner) kernelParams(l launch) []unsafe.Pointer {
	ps := make([]unsafe.Pointer, len(l.args))
	for i, arg := range l.args {
		var p unsafe.Pointer
		switch v := arg.(type) {
		case ptrArg:
			x := r.addr(int(v))
			p = unsafe.Pointer(&x)
		case ptrOffArg:
			x := r.addr(v.id) + uintptr(v.off)
			p = unsafe.Pointer(&x)
		case int64:
			p = unsafe.Pointer(&v)
		case int32:
			p = unsafe.Pointer(&v)
		case float32:
			p = unsafe.Pointer(&v)
		case bcast:
			p = unsafe.Pointer(&v)
		case attnShape:
			p = unsafe.Pointer(&v)
		}
		r.pin.Pin(p)
		ps[i] = p
	}
	if len(ps) > 0 {
		r.pin.Pin(&ps[0])
	}
	return ps
}

// Run computes the outputs, by name, from the inputs, by name, whose
// shapes must be the plan's. The outputs belong to the runner and are
// overwritten by its next Run.
func (r *Runner) Run(inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
	m, a := r.m, r.m.ctx.a
	if err := m.ctx.enter(); err != nil {
		return nil, err
	}
	defer m.ctx.leave()
	for _, v := range m.plan.Graph.Inputs {
		id := m.plan.ValueID(v)
		t := inputs[v.Name]
		if t == nil {
			return nil, fmt.Errorf("cuda: missing input %q", v.Name)
		}
		if t.DType != v.DType || !slices.Equal(t.Shape, m.prog.shapes[id]) {
			return nil, fmt.Errorf("cuda: input %q is %v%v, the plan was compiled for %v%v", v.Name, t.DType, t.Shape, v.DType, m.prog.shapes[id])
		}
		if raw := codegen.Raw(t.Data); len(raw) > 0 && m.prog.loc[id].region == inInputs {
			if err := a.check("cuMemcpyHtoDAsync("+v.Name+")", a.cuMemcpyHtoDAsync(r.addr(id), unsafe.Pointer(&raw[0]), uint64(len(raw)), r.stream)); err != nil {
				return nil, err
			}
		}
	}
	if err := r.compute(); err != nil {
		return nil, err
	}
	for _, v := range m.plan.Graph.Outputs {
		raw := codegen.Raw(r.outputs[v.Name].Data)
		if len(raw) == 0 {
			continue
		}
		if err := a.check("cuMemcpyDtoHAsync("+v.Name+")", a.cuMemcpyDtoHAsync(unsafe.Pointer(&raw[0]), r.addr(m.plan.ValueID(v)), uint64(len(raw)), r.stream)); err != nil {
			return nil, err
		}
	}
	if err := a.check("cuStreamSynchronize", a.cuStreamSynchronize(r.stream)); err != nil {
		return nil, err
	}
	if !r.ran && !m.opts.NoGraph {
		if err := r.capture(); err != nil {
			return nil, err
		}
	}
	r.ran = true
	return r.outputs, nil
}

// compute replays the graph, or launches every kernel when there is none.
func (r *Runner) compute() error {
	a := r.m.ctx.a
	if r.exec != 0 {
		return a.check("cuGraphLaunch", a.cuGraphLaunch(r.exec, r.stream))
	}
	return r.enqueue()
}

// capture records the launches as a CUDA graph for the next runs.
func (r *Runner) capture() error {
	a := r.m.ctx.a
	if err := a.check("cuStreamBeginCapture", a.cuStreamBeginCapture(r.stream, captureModeRelaxed)); err != nil {
		return err
	}
	err := r.enqueue()
	if end := a.check("cuStreamEndCapture", a.cuStreamEndCapture(r.stream, &r.graph)); err == nil {
		err = end
	}
	if err != nil {
		return err
	}
	return a.check("cuGraphInstantiate", a.cuGraphInstantiateWithFlags(&r.exec, r.graph, 0))
}

// enqueue launches the program's kernels and products on the stream.
func (r *Runner) enqueue() error {
	m, a := r.m, r.m.ctx.a
	for i, l := range m.prog.launches {
		var err error
		if g := l.gemm; g != nil {
			// Row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ.
			if code := a.cublasGemmStridedBatchedEx(r.blas, cublasOpN, cublasOpN, int32(g.n), int32(g.m), int32(g.k),
				unsafe.Pointer(&r.one), r.addr(g.b), cudaR32F, int32(g.n), g.strideB, r.addr(g.a), cudaR32F, int32(g.k), g.strideA,
				unsafe.Pointer(&r.zero), r.addr(g.c), cudaR32F, int32(g.n), g.strideC, int32(g.batch),
				m.opts.Precision.computeType(), cublasGemmDefault); code != cublasStatusSuccess {
				err = &callError{fn: "cublasGemmStridedBatchedEx", code: code}
			}
		} else {
			var params *unsafe.Pointer
			if len(r.params[i]) > 0 {
				params = &r.params[i][0]
			}
			err = a.check("cuLaunchKernel("+l.kernel+")", a.cuLaunchKernel(m.funcs[funcKey{l.kernel, l.headDim}],
				l.grid[0], l.grid[1], l.grid[2], l.block[0], l.block[1], l.block[2], l.shared, r.stream, params, nil))
		}
		if err != nil {
			return fmt.Errorf("cuda: step %d %s: %w", l.step, m.plan.Steps[l.step].Node.Describe(), err)
		}
	}
	return nil
}

// Close frees the runner's device resources (and its model's when
// NewRunner made the model).
func (r *Runner) Close() error {
	m, a := r.m, r.m.ctx.a
	if err := m.ctx.enter(); err != nil {
		return err
	}
	var errs []error
	if r.exec != 0 {
		errs = append(errs, a.check("cuGraphExecDestroy", a.cuGraphExecDestroy(r.exec)))
	}
	if r.graph != 0 {
		errs = append(errs, a.check("cuGraphDestroy", a.cuGraphDestroy(r.graph)))
	}
	if r.blas != 0 {
		if code := a.cublasDestroy(r.blas); code != cublasStatusSuccess {
			errs = append(errs, &callError{fn: "cublasDestroy", code: code})
		}
	}
	if r.stream != 0 {
		errs = append(errs, a.check("cuStreamDestroy", a.cuStreamDestroy(r.stream)))
	}
	if r.mem != 0 {
		errs = append(errs, a.check("cuMemFree(arena)", a.cuMemFree(r.mem)))
	}
	r.pin.Unpin()
	r.exec, r.graph, r.blas, r.stream, r.mem = 0, 0, 0, 0, 0
	m.ctx.leave()
	if r.owns {
		errs = append(errs, m.Close())
	}
	return errors.Join(errs...)
}
