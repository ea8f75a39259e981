package cuda

import (
	"testing"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/ir"
)

// TestLowerPackedAttention lowers Attention of a packed QKV input: K and V
// are the same buffer at column offsets H·D and (H + Hkv)·D, with Q's
// strides.
func TestLowerPackedAttention(t *testing.T) {
	g, err := ir.Parse(`graph packed(%qkv:f32[2,8,64]) -> (%y) {
  opset "" 17
  opset "ai.tfc" 1
  %y:f32[2,8,32] = ai.tfc:Attention %qkv {num_heads=4, kv_num_heads=2, scale=0.25, causal=1}
}`)
	if err != nil {
		t.Fatal(err)
	}
	p, err := codegen.Lower(g, codegen.Options{Target: Target{}, Shapes: map[string][]int64{"qkv": {2, 8, 64}}})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := lowerPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(pr.launches) != 1 || pr.launches[0].kernel != "attention_f32" {
		t.Fatalf("launches %+v", pr.launches)
	}
	args := pr.launches[0].args
	qkv := p.ValueID(g.Inputs[0])
	if args[0] != ptrArg(qkv) || args[1] != (ptrOffArg{qkv, 4 * 8 * 4}) || args[2] != (ptrOffArg{qkv, 6 * 8 * 4}) {
		t.Errorf("Q, K, V arguments %v %v %v", args[0], args[1], args[2])
	}
	s := args[5].(attnShape)
	want := [3]int64{8 * 64, 8, 64}
	if s.B != 2 || s.H != 4 || s.HKV != 2 || s.SQ != 8 || s.SKV != 8 || s.QS != want || s.KS != want || s.VS != want || s.OS != [3]int64{8 * 32, 8, 32} {
		t.Errorf("shape %+v", s)
	}
}
