package plan

import (
	"github.com/tfc-project/tfc/exec/gemm"
	"github.com/tfc-project/tfc/ir"
)

// registerNorm adds the row kernels: the normalizations, Softmax over the
// last axis, and GELU.
func registerNorm() {
	for _, op := range []string{"ai.tfc:LayerNorm", "ai.tfc:SkipLayerNorm", "ai.tfc:RMSNorm"} {
		kernels[op] = kernelDef{build: buildNorm}
	}
	kernels["Softmax"] = kernelDef{build: buildSoftmax}
	kernels["ai.tfc:Gelu"] = kernelDef{build: buildGelu}
	kernels["ai.tfc:BiasGelu"] = kernelDef{build: buildGelu}
	kernels["ai.tfc:Attention"] = kernelDef{build: buildAttention}
}

// rowKernel runs a function over the rows of a float32 tensor on the
// pool. Its slices are set from the tensors at every run; body is bound
// once so that runs do not allocate.
type rowKernel struct {
	h       int // row length
	rows    int
	x, skip []float32
	scale   []float32
	bias    []float32
	y, sum  []float32
	row     func(k *rowKernel, r int)
	body    func(lo, hi int)
}

func newRowKernel(h, rows int, row func(k *rowKernel, r int)) *rowKernel {
	k := &rowKernel{h: h, rows: rows, row: row}
	k.body = k.run
	return k
}

func (k *rowKernel) run(lo, hi int) {
	for r := lo; r < hi; r++ {
		k.row(k, r)
	}
}

// opt returns t's float32 data, or nil for an absent input.
func opt(t *ir.Tensor) []float32 {
	if t == nil {
		return nil
	}
	return t.Data.([]float32)
}

// rowsOf checks that t is float32 with n elements.
func rowsOf(t *ir.Tensor, n int) bool { return t == nil || f32(t) && numel(t.Shape) == n }

// buildNorm runs LayerNorm(X, Scale, B?), SkipLayerNorm(X, Skip, Scale,
// B?) → Y, Sum? and RMSNorm(X, Scale) over the last axis; Scale and B hold
// one row, Skip is X's size.
func buildNorm(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	first := 1
	if n.Op == "SkipLayerNorm" {
		first = 2
	}
	x, skip, scale, bias := input(in, 0), input(in, 1), input(in, first), input(in, first+1)
	if first == 1 {
		skip = nil
	}
	if !f32(x, scale, out[0]) || len(x.Shape) == 0 {
		return nil
	}
	h := int(x.Shape[len(x.Shape)-1])
	size := numel(x.Shape)
	var sum *ir.Tensor
	if len(out) > 1 {
		sum = out[1]
	}
	if h == 0 || !rowsOf(skip, size) || !rowsOf(scale, h) || !rowsOf(bias, h) || !rowsOf(sum, size) || numel(out[0].Shape) != size {
		return nil
	}
	eps := float64(n.AttrFloat("epsilon", 1e-5))
	rms := n.Op == "RMSNorm"
	k := newRowKernel(h, size/h, func(k *rowKernel, r int) {
		lo, hi := r*k.h, (r+1)*k.h
		var skip, sum []float32
		if k.skip != nil {
			skip = k.skip[lo:hi]
			if k.sum != nil {
				sum = k.sum[lo:hi]
			}
		}
		gemm.LayerNorm(k.y[lo:hi], sum, k.x[lo:hi], skip, k.scale, k.bias, eps, rms)
	})
	return func(in, out []*ir.Tensor) error {
		k.x, k.scale, k.bias, k.y = opt(in[0]), opt(in[first]), opt(input(in, first+1)), opt(out[0])
		k.skip, k.sum = nil, nil
		if first == 2 {
			k.skip = opt(in[1])
			if len(out) > 1 {
				k.sum = opt(out[1])
			}
		}
		e.parallel(k.rows, k.body)
		return nil
	}
}

// buildSoftmax runs Softmax over the last axis.
func buildSoftmax(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	x := input(in, 0)
	if !f32(x, out[0]) || len(x.Shape) == 0 {
		return nil
	}
	r := int64(len(x.Shape))
	axis := n.AttrInt("axis", -1)
	if n.Version < 13 {
		axis = n.AttrInt("axis", 1)
	}
	if axis != -1 && axis != r-1 {
		return nil
	}
	h := int(x.Shape[r-1])
	if h == 0 {
		return nil
	}
	k := newRowKernel(h, numel(x.Shape)/h, func(k *rowKernel, r int) {
		softmaxRow(k.x[r*k.h:(r+1)*k.h], k.y[r*k.h:(r+1)*k.h])
	})
	return func(in, out []*ir.Tensor) error {
		k.x, k.y = opt(in[0]), opt(out[0])
		e.parallel(k.rows, k.body)
		return nil
	}
}

// softmaxRow writes softmax(x) into y (which may be x): AVX-512 where the
// CPU has it (see gemm.Softmax).
func softmaxRow(x, y []float32) { gemm.Softmax(y, x) }

// buildGelu runs Gelu(X) and BiasGelu(X, B) with B one row, exact (erf)
// or tanh-approximate.
func buildGelu(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	x, bias := input(in, 0), input(in, 1)
	if !f32(x, out[0]) || len(x.Shape) == 0 {
		return nil
	}
	h := int(x.Shape[len(x.Shape)-1])
	approx := n.AttrString("approximate", "none")
	if h == 0 || !rowsOf(bias, h) || numel(out[0].Shape) != numel(x.Shape) || approx != "none" && approx != "tanh" {
		return nil
	}
	tanh := approx == "tanh"
	k := newRowKernel(h, numel(x.Shape)/h, func(k *rowKernel, r int) {
		gemm.GELU(k.y[r*k.h:(r+1)*k.h], k.x[r*k.h:(r+1)*k.h], k.bias, tanh)
	})
	return func(in, out []*ir.Tensor) error {
		k.x, k.bias, k.y = opt(in[0]), opt(input(in, 1)), opt(out[0])
		e.parallel(k.rows, k.body)
		return nil
	}
}
