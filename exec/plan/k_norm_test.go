package plan

import (
	"math/rand/v2"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestNormKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	eps := map[string]*ir.Attr{"epsilon": aFloat(1e-6)}
	for _, sh := range [][]int64{{2, 5, 48}, {3, 1}, {7}} {
		h := sh[len(sh)-1]
		checkKernel(t, node("ai.tfc:LayerNorm", eps), []*ir.Tensor{randF32(r, sh...), randF32(r, h), randF32(r, h)}, 1, 2)
		checkKernel(t, node("ai.tfc:LayerNorm", nil), []*ir.Tensor{randF32(r, sh...), randF32(r, h)})
		checkKernel(t, node("ai.tfc:RMSNorm", eps), []*ir.Tensor{randF32(r, sh...), randF32(r, h)})
		skip := node("ai.tfc:SkipLayerNorm", eps)
		skip.Outputs = outputs(2)
		checkKernel(t, skip, []*ir.Tensor{randF32(r, sh...), randF32(r, sh...), randF32(r, h), randF32(r, h)})
		checkKernel(t, node("ai.tfc:SkipLayerNorm", nil), []*ir.Tensor{randF32(r, sh...), randF32(r, sh...), randF32(r, h)})
	}
}

func TestSoftmaxGeluKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, sh := range [][]int64{{2, 3, 17}, {5}} {
		h := sh[len(sh)-1]
		checkKernel(t, node("Softmax", nil), []*ir.Tensor{randF32(r, sh...)})
		checkKernel(t, node("Softmax", map[string]*ir.Attr{"axis": aInt(int64(len(sh) - 1))}), []*ir.Tensor{randF32(r, sh...)})
		for _, approx := range []string{"none", "tanh"} {
			a := map[string]*ir.Attr{"approximate": aStr(approx)}
			checkKernel(t, node("ai.tfc:Gelu", a), []*ir.Tensor{randF32(r, sh...)})
			checkKernel(t, node("ai.tfc:BiasGelu", a), []*ir.Tensor{randF32(r, sh...), randF32(r, h)})
		}
	}
}

func TestAttentionKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, c := range []struct {
		q, kv      []int64
		heads, kvh int64
		causal     int64
		bias       []int64
	}{
		{q: []int64{2, 5, 24}, kv: []int64{2, 5, 24}, heads: 3},
		{q: []int64{2, 70, 16}, kv: []int64{2, 70, 16}, heads: 2, bias: []int64{2, 1, 1, 70}},
		{q: []int64{1, 40, 16}, kv: []int64{1, 40, 16}, heads: 4, causal: 1},
		{q: []int64{1, 3, 16}, kv: []int64{1, 9, 16}, heads: 4, causal: 1, bias: []int64{3, 9}},
		{q: []int64{2, 4, 6, 8}, kv: []int64{2, 2, 10, 8}, heads: 4, kvh: 2, bias: []int64{2, 4, 6, 10}},
		{q: []int64{1, 33, 32}, kv: []int64{1, 33, 16}, heads: 4, kvh: 2, causal: 1},
	} {
		attrs := map[string]*ir.Attr{"num_heads": aInt(c.heads), "kv_num_heads": aInt(c.kvh), "scale": aFloat(0.3), "causal": aInt(c.causal)}
		in := []*ir.Tensor{randF32(r, c.q...), randF32(r, c.kv...), randF32(r, c.kv...)}
		if c.bias != nil {
			in = append(in, randF32(r, c.bias...))
		}
		checkKernel(t, node("ai.tfc:Attention", attrs), in)
	}
}

// TestAttentionKernelTiled runs the attention tests with a score budget
// so small that the longer key sequences are cut into tiles of 16 keys,
// the online-softmax path of long sequences.
func TestAttentionKernelTiled(t *testing.T) {
	saved := scoreBudget
	defer func() { scoreBudget = saved }()
	scoreBudget = 256
	if qb, kt := attnTiles(70, 70); kt >= 70 || qb != 70 {
		t.Fatalf("attnTiles(70, 70) = %d, %d: want key tiles", qb, kt)
	}
	TestAttentionKernel(t)
	TestPackedAttentionKernel(t)
}
