package cuda

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/tfc-project/tfc/codegen"
)

// Precision selects how cuBLAS computes the float32 matrix products.
type Precision int

const (
	// Float32 computes in float32 (exact; the default).
	Float32 Precision = iota
	// TF32 rounds the operands to TensorFloat-32 on tensor cores.
	TF32
	// BF16 rounds the operands to bfloat16 on tensor cores.
	BF16
	// FP16 rounds the operands to float16 on tensor cores.
	FP16
)

var precisionNames = []string{"fp32", "tf32", "bf16", "fp16"}

// String returns the precision's flag name.
func (p Precision) String() string {
	if int(p) < len(precisionNames) {
		return precisionNames[p]
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

// ParsePrecision reads a precision flag: fp32, tf32, bf16 or fp16.
func ParsePrecision(s string) (Precision, error) {
	for i, n := range precisionNames {
		if strings.EqualFold(s, n) {
			return Precision(i), nil
		}
	}
	return 0, fmt.Errorf("cuda: precision %q is none of %s", s, strings.Join(precisionNames, ", "))
}

// computeType is the cublasComputeType_t of p; inputs and outputs stay float32.
func (p Precision) computeType() int32 {
	return [...]int32{68, 77, 75, 74}[p] // CUBLAS_COMPUTE_32F, _32F_FAST_TF32, _32F_FAST_16BF, _32F_FAST_16F
}

// Options configure a Model.
type Options struct {
	// Device is the ordinal of the device to run on.
	Device int
	// Precision of the matrix products; Float32 unless opted in.
	Precision Precision
	// NoGraph launches every run's kernels one by one instead of
	// replaying the CUDA graph captured after the first run.
	NoGraph bool
}

// Model is a plan made ready on a device: its kernels compiled and its
// weights uploaded, once. Runners share it.
type Model struct {
	ctx     *context
	plan    *codegen.Plan
	prog    *program
	opts    Options
	weights uintptr
	modules []uintptr
	funcs   map[funcKey]uintptr
}

// funcKey names a kernel of the module compiled for a head dimension.
type funcKey struct {
	name    string
	headDim int
}

// NewModel lowers p for the device, compiles the kernels it uses and
// uploads its weights. p must have static shapes (compiled with fixed
// input shapes). Without CUDA the error matches ErrNoCUDA.
func NewModel(p *codegen.Plan, opts Options) (*Model, error) {
	if opts.Precision < Float32 || opts.Precision > FP16 {
		return nil, fmt.Errorf("cuda: %v", opts.Precision)
	}
	prog, err := lowerPlan(p)
	if err != nil {
		return nil, err
	}
	ctx, err := newContext(opts.Device)
	if err != nil {
		return nil, err
	}
	m := &Model{ctx: ctx, plan: p, prog: prog, opts: opts, funcs: map[funcKey]uintptr{}}
	if err := m.load(); err != nil {
		return nil, errors.Join(err, m.Close())
	}
	return m, nil
}

// load compiles the modules and uploads the weights.
func (m *Model) load() error {
	a, pr := m.ctx.a, m.prog
	if err := m.ctx.enter(); err != nil {
		return err
	}
	defer m.ctx.leave()
	src, err := kernelSource()
	if err != nil {
		return err
	}
	for _, hd := range moduleHeadDims(pr) {
		ptx, err := a.ptx(src, compileOptions(m.ctx.dev.Arch(), hd))
		if err != nil {
			return err
		}
		var mod uintptr
		if err := a.check("cuModuleLoadData", a.cuModuleLoadData(&mod, &ptx[0])); err != nil {
			return err
		}
		m.modules = append(m.modules, mod)
		for _, l := range pr.launches {
			key := funcKey{l.kernel, l.headDim}
			if l.gemm != nil || l.headDim != hd && l.headDim != 0 || m.funcs[key] != 0 {
				continue
			}
			var f uintptr
			if err := a.check("cuModuleGetFunction("+l.kernel+")", a.cuModuleGetFunction(&f, mod, l.kernel)); err != nil {
				return err
			}
			m.funcs[key] = f
		}
	}
	if pr.weightsBytes == 0 {
		return nil
	}
	if err := a.check("cuMemAlloc(weights)", a.cuMemAlloc(&m.weights, uint64(pr.weightsBytes))); err != nil {
		return err
	}
	for id, v := range m.plan.Values {
		if l := pr.loc[id]; l.region == inWeights {
			raw := codegen.Raw(v.Const.Data)
			if len(raw) > 0 {
				if err := a.check("cuMemcpyHtoD(weights)", a.cuMemcpyHtoDAsync(m.weights+uintptr(l.offset), unsafe.Pointer(&raw[0]), uint64(len(raw)), 0)); err != nil {
					return err
				}
			}
		}
	}
	return a.check("cuStreamSynchronize(weights)", a.cuStreamSynchronize(0))
}

// moduleHeadDims are the head dimensions to compile the source for: the
// plan's attention head dimensions, or one module (0) when it has none.
func moduleHeadDims(pr *program) []int {
	if len(pr.headDims) == 0 {
		return []int{0}
	}
	return pr.headDims
}

// Close frees the model's device memory and modules.
func (m *Model) Close() error {
	a := m.ctx.a
	if err := m.ctx.enter(); err != nil {
		return err
	}
	defer m.ctx.leave()
	var errs []error
	for _, mod := range m.modules {
		errs = append(errs, a.check("cuModuleUnload", a.cuModuleUnload(mod)))
	}
	if m.weights != 0 {
		errs = append(errs, a.check("cuMemFree(weights)", a.cuMemFree(m.weights)))
	}
	m.modules, m.weights = nil, 0
	return errors.Join(append(errs, m.ctx.release())...)
}
