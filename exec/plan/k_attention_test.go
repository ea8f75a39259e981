package plan

import (
	"math/rand/v2"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

// TestPackedAttentionKernel checks Attention with a packed QKV input
// ([B, S, (H + 2·Hkv)·D], K and V omitted) against the reference kernel.
func TestPackedAttentionKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, c := range []struct {
		qkv        []int64
		heads, kvh int64
		causal     int64
		bias       []int64
	}{
		{qkv: []int64{2, 5, 72}, heads: 3},
		{qkv: []int64{2, 70, 48}, heads: 2, bias: []int64{2, 1, 1, 70}},
		{qkv: []int64{1, 40, 48}, heads: 4, causal: 1},
		{qkv: []int64{1, 33, 64}, heads: 4, kvh: 2, causal: 1},
	} {
		attrs := map[string]*ir.Attr{"num_heads": aInt(c.heads), "kv_num_heads": aInt(c.kvh), "scale": aFloat(0.3), "causal": aInt(c.causal)}
		in := []*ir.Tensor{randF32(r, c.qkv...)}
		if c.bias != nil {
			in = append(in, nil, nil, randF32(r, c.bias...))
		}
		checkKernel(t, node("ai.tfc:Attention", attrs), in)
	}
}
