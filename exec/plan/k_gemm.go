package plan

import (
	"slices"

	"github.com/tfc-project/tfc/exec/gemm"
	"github.com/tfc-project/tfc/ir"
)

// registerGemm adds the matrix-product kernels: ai.tfc Linear, MatMul and
// Gemm, all float32 through exec/gemm. Constant right-hand matrices are
// packed once per executor.
func registerGemm() {
	kernels["ai.tfc:Linear"] = kernelDef{build: buildLinear}
	kernels["MatMul"] = kernelDef{build: buildMatMul}
	kernels["Gemm"] = kernelDef{build: buildGemm}
}

// f32 reports whether every listed tensor is present and float32.
func f32(ts ...*ir.Tensor) bool {
	for _, t := range ts {
		if t == nil || t.DType != ir.Float32 {
			return false
		}
	}
	return true
}

// isConst reports whether input slot i of n is a constant (a weight).
func isConst(n *ir.Node, in []*ir.Tensor, i int) bool {
	return i < len(n.Inputs) && n.Inputs[i] != nil && n.Inputs[i].Const != nil && n.Inputs[i].Const == in[i]
}

// input returns in[i], or nil when the optional input is absent.
func input(in []*ir.Tensor, i int) *ir.Tensor {
	if i < len(in) {
		return in[i]
	}
	return nil
}

// rowProduct is C[m×n] = A[m×k]·B[k×n] (+ bias per column): B packed when
// it is a weight, else read at run time.
type rowProduct struct {
	m, n, k int
	transB  bool
	packed  *gemm.PackedB
	pool    *gemm.Pool
}

// newRowProduct prepares the product with B = in[bi]; nil when B is a
// weight that cannot be packed.
func newRowProduct(e *env, n *ir.Node, in []*ir.Tensor, bi int, transB bool, m, nn, k int) *rowProduct {
	rp := &rowProduct{m: m, n: nn, k: k, transB: transB, pool: e.pool}
	if isConst(n, in, bi) {
		pb, err := e.packs.get(in[bi], transB, k, nn)
		if err != nil {
			return nil
		}
		rp.packed = pb
	}
	return rp
}

// run computes c = alpha·a·b + ep.
func (rp *rowProduct) run(alpha float32, a, b, c []float32, ep gemm.Epilogue) error {
	opt := gemm.Options{Pool: rp.pool, Epilogue: ep}
	if rp.packed != nil {
		return gemm.SgemmPacked(false, rp.m, rp.n, rp.k, alpha, a, rp.k, rp.packed, 0, c, rp.n, &opt)
	}
	ldb := rp.n
	if rp.transB {
		ldb = rp.k
	}
	return gemm.Sgemm(false, rp.transB, rp.m, rp.n, rp.k, alpha, a, rp.k, b, ldb, 0, c, rp.n, &opt)
}

// biasOf returns the bias slice of an optional [N]-like input, or nil.
func biasOf(t *ir.Tensor) []float32 {
	if t == nil {
		return nil
	}
	return t.Data.([]float32)
}

// buildLinear runs Linear(X[..., K], W[K, N], B?[N]) as one product with
// the bias and the activation in gemm's epilogue.
func buildLinear(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	x, w, b := input(in, 0), input(in, 1), input(in, 2)
	gelu, tanh, ok := ir.LinearActivation(n)
	if !ok || !f32(x, w, out[0]) || len(w.Shape) != 2 || len(x.Shape) < 1 || (b != nil && !f32(b)) {
		return nil
	}
	k, nn := int(w.Shape[0]), int(w.Shape[1])
	if x.Shape[len(x.Shape)-1] != int64(k) || numel(out[0].Shape) != numel(x.Shape)/max(k, 1)*nn {
		return nil
	}
	if b != nil && (numel(b.Shape) != nn || b.Shape[len(b.Shape)-1] != int64(nn)) {
		return nil
	}
	rp := newRowProduct(e, n, in, 1, false, numel(x.Shape)/max(k, 1), nn, k)
	if rp == nil {
		return nil
	}
	return func(in, out []*ir.Tensor) error {
		return rp.run(1, in[0].Data.([]float32), in[1].Data.([]float32), out[0].Data.([]float32),
			gemm.Epilogue{Bias: biasOf(input(in, 2)), GELU: gelu, Tanh: tanh})
	}
}

// buildMatMul runs MatMul of operands of rank ≥ 2: as one product when B
// is a matrix, else batched when each side's batch dims are the output's
// or all ones.
func buildMatMul(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	a, b := input(in, 0), input(in, 1)
	if !f32(a, b, out[0]) || len(a.Shape) < 2 || len(b.Shape) < 2 {
		return nil
	}
	ra, rb := len(a.Shape), len(b.Shape)
	m, k, nn := int(a.Shape[ra-2]), int(a.Shape[ra-1]), int(b.Shape[rb-1])
	if int(b.Shape[rb-2]) != k {
		return nil
	}
	if rb == 2 {
		if numel(out[0].Shape) != numel(a.Shape)/max(k, 1)*nn {
			return nil
		}
		rp := newRowProduct(e, n, in, 1, false, numel(a.Shape)/max(k, 1), nn, k)
		if rp == nil {
			return nil
		}
		return func(in, out []*ir.Tensor) error {
			return rp.run(1, in[0].Data.([]float32), in[1].Data.([]float32), out[0].Data.([]float32), gemm.Epilogue{})
		}
	}
	os := out[0].Shape
	batch := numel(os[:len(os)-2])
	sa, ok1 := batchStride(a.Shape, os, m*k)
	sb, ok2 := batchStride(b.Shape, os, k*nn)
	if !ok1 || !ok2 || numel(os) != batch*m*nn {
		return nil
	}
	opt := e.gemmOpts()
	return func(in, out []*ir.Tensor) error {
		return gemm.SgemmBatched(batch, false, false, m, nn, k, 1, in[0].Data.([]float32), k, sa,
			in[1].Data.([]float32), nn, sb, 0, out[0].Data.([]float32), nn, m*nn, opt)
	}
}

// batchStride returns the batch stride of an operand of shape s within
// the output shape os: size when its batch dims are the output's, 0 when
// they are all ones.
func batchStride(s, os []int64, size int) (int, bool) {
	bs, bo := s[:len(s)-2], os[:len(os)-2]
	if numel(bs) == 1 {
		return 0, true
	}
	for len(bs) < len(bo) && bo[len(bo)-len(bs)-1] == 1 {
		bo = bo[1:]
	}
	return size, slices.Equal(bs, bo[len(bo)-len(bs):])
}

// buildGemm runs Gemm(A, B, C?) with alpha, transA, transB; C must be a
// row vector added with beta = 1 (the bias of a linear layer).
func buildGemm(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	a, b, c := input(in, 0), input(in, 1), input(in, 2)
	if !f32(a, b, out[0]) || len(a.Shape) != 2 || len(b.Shape) != 2 || n.AttrInt("transA", 0) != 0 {
		return nil
	}
	alpha, beta, transB := n.AttrFloat("alpha", 1), n.AttrFloat("beta", 1), n.AttrInt("transB", 0) != 0
	m, k := int(a.Shape[0]), int(a.Shape[1])
	kb, nn := int(b.Shape[0]), int(b.Shape[1])
	if transB {
		kb, nn = nn, kb
	}
	if kb != k {
		return nil
	}
	if c != nil && (!f32(c) || beta != 1 || numel(c.Shape) != nn || len(c.Shape) == 0 || c.Shape[len(c.Shape)-1] != int64(nn)) {
		return nil
	}
	if numel(out[0].Shape) != m*nn {
		return nil
	}
	rp := newRowProduct(e, n, in, 1, transB, m, nn, k)
	if rp == nil {
		return nil
	}
	return func(in, out []*ir.Tensor) error {
		return rp.run(alpha, in[0].Data.([]float32), in[1].Data.([]float32), out[0].Data.([]float32), gemm.Epilogue{Bias: biasOf(input(in, 2))})
	}
}
