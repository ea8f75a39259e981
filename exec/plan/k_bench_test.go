package plan

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tfc-project/tfc/exec/gemm"
	"github.com/tfc-project/tfc/ir"
)

// benchKernel times n's fast kernel on ins on a pool of all CPUs; flops
// per run, when given, are reported as GFLOP/s.
func benchKernel(b *testing.B, n *ir.Node, ins []*ir.Tensor, out []int64, flops float64) {
	n.Outputs = outputs(1)
	y, _ := ir.NewTensor(ir.Float32, out)
	pool := gemm.NewPool(0)
	defer pool.Close()
	outs := []*ir.Tensor{y}
	run := kernels[n.QualifiedOp()].build(&env{pool: pool, packs: &packCache{}}, n, ins, outs, ins)
	if run == nil {
		b.Fatal("builder declined")
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := run(ins, outs); err != nil {
			b.Fatal(err)
		}
	}
	if flops > 0 {
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	}
}

func BenchmarkAttention(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range []int64{128, 512, 2048} {
		b.Run(fmt.Sprintf("bert-base/S=%d", s), func(b *testing.B) {
			attrs := map[string]*ir.Attr{"num_heads": aInt(12), "scale": aFloat(0.125)}
			ins := []*ir.Tensor{randF32(r, 1, s, 768), randF32(r, 1, s, 768), randF32(r, 1, s, 768)}
			benchKernel(b, node("ai.tfc:Attention", attrs), ins, []int64{1, s, 768}, 4*float64(s*s*768))
		})
	}
}

func BenchmarkLayerNorm(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	ins := []*ir.Tensor{randF32(r, 1, 512, 768), randF32(r, 1, 512, 768), randF32(r, 768), randF32(r, 768)}
	benchKernel(b, node("ai.tfc:SkipLayerNorm", nil), ins, []int64{1, 512, 768}, 0)
}

// BenchmarkBinary times the float32 broadcasting ops at GPT-2 attention
// and residual sizes: scores times a scalar, and an elementwise sum.
func BenchmarkBinary(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	b.Run("Mul/scores*scalar", func(b *testing.B) {
		ins := []*ir.Tensor{randF32(r, 1, 12, 128, 128), randF32(r)}
		benchKernel(b, node("Mul", nil), ins, []int64{1, 12, 128, 128}, 0)
	})
	b.Run("Add/residual", func(b *testing.B) {
		ins := []*ir.Tensor{randF32(r, 1, 128, 768), randF32(r, 1, 128, 768)}
		benchKernel(b, node("Add", nil), ins, []int64{1, 128, 768}, 0)
	})
	b.Run("Where/causal-mask", func(b *testing.B) {
		mask, _ := ir.NewTensor(ir.Bool, []int64{1, 1, 128, 128})
		for i, m := 0, mask.Data.([]bool); i < len(m); i++ {
			m[i] = i%128 <= i/128
		}
		ins := []*ir.Tensor{mask, randF32(r, 1, 12, 128, 128), randF32(r)}
		benchKernel(b, node("Where", nil), ins, []int64{1, 12, 128, 128}, 0)
	})
	b.Run("Add/bias", func(b *testing.B) {
		ins := []*ir.Tensor{randF32(r, 1, 128, 768), randF32(r, 768)}
		benchKernel(b, node("Add", nil), ins, []int64{1, 128, 768}, 0)
	})
}

// BenchmarkLlamaMLP times the elementwise ops of a Llama-7B feed-forward
// block at 128 tokens (SwiGLU: x·sigmoid(x)·y over [128, 11008]).
func BenchmarkLlamaMLP(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	b.Run("Sigmoid", func(b *testing.B) {
		benchKernel(b, node("Sigmoid", nil), []*ir.Tensor{randF32(r, 1, 128, 11008)}, []int64{1, 128, 11008}, 0)
	})
	b.Run("Mul", func(b *testing.B) {
		ins := []*ir.Tensor{randF32(r, 1, 128, 11008), randF32(r, 1, 128, 11008)}
		benchKernel(b, node("Mul", nil), ins, []int64{1, 128, 11008}, 0)
	})
}

// BenchmarkTranspose times GPT-2's K transpose, [1,12,128,64] → [1,12,64,128].
func BenchmarkTranspose(b *testing.B) {
	r := rand.New(rand.NewPCG(4, 4))
	ins := []*ir.Tensor{randF32(r, 1, 12, 128, 64)}
	benchKernel(b, node("Transpose", map[string]*ir.Attr{"perm": aInts(0, 1, 3, 2)}), ins, []int64{1, 12, 64, 128}, 0)
}
