package nn

import (
	"fmt"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// matmulPlan is a numpy matmul of a [..., m, k] by b [..., k, n] with
// broadcast batch dims; a 1-D a is a row [1, k], a 1-D b a column [k, 1],
// and the added dim is dropped from the output.
type matmulPlan struct {
	m, k, n int
	// out is the output shape.
	out []int64
	// aOff and bOff give, per output matrix, the offsets of its operands.
	aOff, bOff []int
}

// planMatMul checks the operand shapes and plans the product.
func planMatMul(as, bs []int64) (*matmulPlan, error) {
	if len(as) == 0 || len(bs) == 0 {
		return nil, fmt.Errorf("matmul of a scalar: %v x %v", as, bs)
	}
	a, b := as, bs
	if len(a) == 1 {
		a = []int64{1, a[0]}
	}
	if len(b) == 1 {
		b = []int64{b[0], 1}
	}
	ra, rb := len(a), len(b)
	if a[ra-1] != b[rb-2] {
		return nil, fmt.Errorf("inner dimensions differ: %v x %v", as, bs)
	}
	batch, err := kernel.BroadcastShapes(a[:ra-2], b[:rb-2])
	if err != nil {
		return nil, fmt.Errorf("batch dimensions: %v x %v: %v", as, bs, err)
	}
	p := &matmulPlan{m: int(a[ra-2]), k: int(a[ra-1]), n: int(b[rb-1])}
	p.out = append([]int64{}, batch...)
	if len(as) > 1 {
		p.out = append(p.out, a[ra-2])
	}
	if len(bs) > 1 {
		p.out = append(p.out, b[rb-1])
	}
	if _, err := ir.NumElements(p.out); err != nil {
		return nil, err
	}
	p.aOff = kernel.BroadcastIndex(a[:ra-2], batch)
	p.bOff = kernel.BroadcastIndex(b[:rb-2], batch)
	for i := range p.aOff {
		p.aOff[i] *= p.m * p.k
		p.bOff[i] *= p.k * p.n
	}
	return p, nil
}

// run computes the product of the flat operands a and b.
func run[T int64 | float64](p *matmulPlan, a, b []T) []T {
	m, k, n := p.m, p.k, p.n
	c := make([]T, len(p.aOff)*m*n)
	for bi := range p.aOff {
		am, bm, cm := a[p.aOff[bi]:], b[p.bOff[bi]:], c[bi*m*n:]
		for i := 0; i < m; i++ {
			row := cm[i*n : (i+1)*n]
			for l := 0; l < k; l++ {
				av := am[i*k+l]
				for j, bv := range bm[l*n : (l+1)*n] {
					row[j] += av * bv
				}
			}
		}
	}
	return c
}

// multiply returns the numpy matmul of a and b (of one dtype): floats
// compute in float64, integers exactly in int64 with wrap-around.
func multiply(ctx *kernel.Context, a, b *ir.Tensor) (*ir.Tensor, error) {
	if a.DType != b.DType {
		return nil, ctx.Errorf("operand dtypes differ: %v x %v", a.DType, b.DType)
	}
	p, err := planMatMul(a.Shape, b.Shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	if a.DType.IsInt() {
		t, err := ir.FromInt64s(a.DType, p.out, run(p, a.Int64s(), b.Int64s()))
		if err != nil {
			return nil, ctx.Errorf("%v", err)
		}
		return t, nil
	}
	if !isFloat(a) {
		return nil, ctx.Errorf("unsupported dtype %v", a.DType)
	}
	return fromFloats(ctx, a.DType, p.out, run(p, a.Float64s(), b.Float64s()))
}

// matMul is MatMul (all versions).
func matMul(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	return multiply(ctx, in[0], in[1])
}

// transposed2D returns the transpose of a matrix t, checking it is 2-D.
func transposed2D(ctx *kernel.Context, t *ir.Tensor, what string, trans bool) ([]float64, int64, int64, error) {
	if t.Rank() != 2 {
		return nil, 0, 0, ctx.Errorf("%s has shape %v, want a matrix", what, t.Shape)
	}
	v, r, c := t.Float64s(), t.Shape[0], t.Shape[1]
	if !trans {
		return v, r, c, nil
	}
	out := make([]float64, len(v))
	for i := int64(0); i < r; i++ {
		for j := int64(0); j < c; j++ {
			out[j*r+i] = v[i*c+j]
		}
	}
	return out, c, r, nil
}

// gemm is Gemm (all versions): alpha*A'*B' + beta*C with A' and B'
// optionally transposed and C broadcast to [M, N]. Older versions' broadcast
// attribute is subsumed by always broadcasting C.
func gemm(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	n := ctx.Node
	a, m, k, err := transposed2D(ctx, in[0], "A", n.AttrInt("transA", 0) != 0)
	if err != nil {
		return nil, err
	}
	b, k2, cols, err := transposed2D(ctx, in[1], "B", n.AttrInt("transB", 0) != 0)
	if err != nil {
		return nil, err
	}
	if k != k2 {
		return nil, ctx.Errorf("inner dimensions differ: A %v, B %v (transA=%d, transB=%d)",
			in[0].Shape, in[1].Shape, n.AttrInt("transA", 0), n.AttrInt("transB", 0))
	}
	p, err := planMatMul([]int64{m, k}, []int64{k, cols})
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	y := run(p, a, b)
	alpha, beta := float64(n.AttrFloat("alpha", 1)), float64(n.AttrFloat("beta", 1))
	for i := range y {
		y[i] *= alpha
	}
	if c := in[2:]; len(c) > 0 && c[0] != nil {
		if s, err := kernel.BroadcastShapes(c[0].Shape, p.out); err != nil || !slices.Equal(s, p.out) {
			return nil, ctx.Errorf("C of shape %v does not broadcast to %v", c[0].Shape, p.out)
		}
		cv := c[0].Float64s()
		for i, j := range kernel.BroadcastIndex(c[0].Shape, p.out) {
			y[i] += beta * cv[j]
		}
	}
	return fromFloats(ctx, in[0].DType, p.out, y)
}
