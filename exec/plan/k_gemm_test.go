package plan

import (
	"math/rand/v2"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestLinearKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ x []int64 }{{[]int64{2, 7, 33}}, {[]int64{5, 33}}, {[]int64{1, 1, 33}}} {
		w, b := randF32(r, 33, 40), randF32(r, 40)
		checkKernel(t, node("ai.tfc:Linear", nil), []*ir.Tensor{randF32(r, c.x...), w, b}, 1, 2)
		checkKernel(t, node("ai.tfc:Linear", nil), []*ir.Tensor{randF32(r, c.x...), w}, 1)
		checkKernel(t, node("ai.tfc:Linear", nil), []*ir.Tensor{randF32(r, c.x...), w, b})
		for _, act := range []string{"gelu", "gelu_tanh"} {
			gelu := map[string]*ir.Attr{"activation": {Kind: ir.AttrString, String: act}}
			checkKernel(t, node("ai.tfc:Linear", gelu), []*ir.Tensor{randF32(r, c.x...), w, b}, 1, 2)
			checkKernel(t, node("ai.tfc:Linear", gelu), []*ir.Tensor{randF32(r, c.x...), w}, 1)
		}
	}
}

func TestMatMulKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ a, b []int64 }{
		{[]int64{3, 5, 8}, []int64{8, 6}},
		{[]int64{2, 3, 5, 8}, []int64{2, 3, 8, 6}},
		{[]int64{2, 3, 5, 8}, []int64{8, 6}},
		{[]int64{1, 5, 8}, []int64{4, 8, 6}},
		{[]int64{4, 5, 8}, []int64{1, 8, 6}},
		{[]int64{5, 8}, []int64{2, 8, 6}},
	} {
		checkKernel(t, node("MatMul", nil), []*ir.Tensor{randF32(r, c.a...), randF32(r, c.b...)})
		checkKernel(t, node("MatMul", nil), []*ir.Tensor{randF32(r, c.a...), randF32(r, c.b...)}, 1)
	}
}

func TestGemmKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, transB := range []int64{0, 1} {
		b := randF32(r, 9, 11)
		if transB == 1 {
			b = randF32(r, 11, 9)
		}
		attrs := map[string]*ir.Attr{"transB": aInt(transB), "alpha": aFloat(0.5)}
		checkKernel(t, node("Gemm", attrs), []*ir.Tensor{randF32(r, 6, 9), b, randF32(r, 11)}, 1, 2)
		checkKernel(t, node("Gemm", attrs), []*ir.Tensor{randF32(r, 6, 9), b, randF32(r, 1, 11)})
		checkKernel(t, node("Gemm", attrs), []*ir.Tensor{randF32(r, 6, 9), b})
	}
}
