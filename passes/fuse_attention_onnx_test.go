package passes

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/ir"
)

// onnxAttentionBody is the body of ONNX's Attention-23 function for 3-D
// inputs with 4 query heads and 2 key/value heads of size 2 (as the
// conformance tests expand it, folded): heads split by [B, S, H, -1], K
// and V repeated for the grouped heads, Q and Kᵀ each scaled by √scale,
// a constant mask %MASK% of shape [SQ, SK] added, heads merged by
// [0, 0, -1].
const onnxAttentionBody = `graph att(%q:f32[1,SQ,8], %k:f32[1,SK,4], %v:f32[1,SK,4]) -> (%y) {
  opset "" 23
  %two = const i64[1] [2]
  %qs4 = const i64[4] [1, SQ, 4, -1]
  %ks4 = const i64[4] [1, SK, 2, -1]
  %kexp = const i64[5] [1, 2, 2, SK, 2]
  %krep = const i64[4] [1, 4, SK, 2]
  %ys = const i64[3] [0, 0, -1]
  %sc = const f32[1] [0.8408964]
  %mask = const f32[SQ,SK] [%MASK%]
  %q4:f32[1,SQ,4,2] = Reshape %q, %qs4
  %k4:f32[1,SK,2,2] = Reshape %k, %ks4
  %v4:f32[1,SK,2,2] = Reshape %v, %ks4
  %qh:f32[1,4,SQ,2] = Transpose %q4 {perm=[0, 2, 1, 3]}
  %kh:f32[1,2,SK,2] = Transpose %k4 {perm=[0, 2, 1, 3]}
  %vh:f32[1,2,SK,2] = Transpose %v4 {perm=[0, 2, 1, 3]}
  %ku:f32[1,2,1,SK,2] = Unsqueeze %kh, %two
  %vu:f32[1,2,1,SK,2] = Unsqueeze %vh, %two
  %ke:f32[1,2,2,SK,2] = Expand %ku, %kexp
  %ve:f32[1,2,2,SK,2] = Expand %vu, %kexp
  %kr:f32[1,4,SK,2] = Reshape %ke, %krep
  %vr:f32[1,4,SK,2] = Reshape %ve, %krep
  %kt:f32[1,4,2,SK] = Transpose %kr {perm=[0, 1, 3, 2]}
  %qsc:f32[1,4,SQ,2] = Mul %qh, %sc
  %ksc:f32[1,4,2,SK] = Mul %kt, %sc
  %s:f32[1,4,SQ,SK] = MatMul %qsc, %ksc
  %sm:f32[1,4,SQ,SK] = Add %s, %mask
  %p:f32[1,4,SQ,SK] = Softmax %sm
  %o:f32[1,4,SQ,2] = MatMul %p, %vr
  %ot:f32[1,SQ,4,2] = Transpose %o {perm=[0, 2, 1, 3]}
  %y:f32[1,SQ,8] = Reshape %ot, %ys
}`

// TestAttentionONNXFunction fuses ONNX's own Attention body into one
// Attention of scale 1/√2 with kv_num_heads 2: a mask of zeros goes, a
// constant causal mask aligned bottom-right becomes causal=1, and any
// other constant mask (ONNX's top-left causal mask with fewer queries than
// keys among them) stays the bias. All keep the interpreter's outputs.
func TestAttentionONNXFunction(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	mask := func(sq, sk int, f func(i, j int) float64) string {
		var v []string
		for i := range sq {
			for j := range sk {
				v = append(v, fmt.Sprint(f(i, j)))
			}
		}
		return strings.Join(v, ", ")
	}
	causal := func(shift int) func(i, j int) float64 {
		return func(i, j int) float64 {
			if j <= i+shift {
				return 0
			}
			return math.Inf(-1)
		}
	}
	for _, c := range []struct {
		name         string
		sq, sk       int
		f            func(i, j int) float64
		causal, bias bool
	}{
		{"zeros", 3, 5, func(int, int) float64 { return 0 }, false, false},
		{"causal square", 3, 3, causal(0), true, false},
		{"causal bottom-right", 2, 4, causal(2), true, false},
		{"causal top-left", 2, 4, causal(0), false, true},
		{"additive", 3, 4, func(int, int) float64 { return r.NormFloat64() }, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.NewReplacer("SQ", fmt.Sprint(c.sq), "SK", fmt.Sprint(c.sk), "%MASK%", mask(c.sq, c.sk, c.f)).Replace(onnxAttentionBody)
			in := map[string]*ir.Tensor{}
			for name, shape := range map[string][]int64{"q": {1, int64(c.sq), 8}, "k": {1, int64(c.sk), 4}, "v": {1, int64(c.sk), 4}} {
				vals := make([]float64, shape[1]*shape[2])
				for i := range vals {
					vals[i] = r.NormFloat64()
				}
				in[name], _ = ir.FromFloat64s(ir.Float32, shape, vals)
			}
			g, err := ir.Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			want, err := exec.NewInterpreter().Run(g, in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Optimize(g, Options{Level: Extended, Verify: ir.Verify}); err != nil {
				t.Fatal(err)
			}
			if len(g.Nodes) != 1 || g.Nodes[0].Op != "Attention" {
				t.Fatalf("want one Attention, got\n%s\n%s", ir.Print(g), strings.Join(ExplainFusions(g), "\n"))
			}
			attn := g.Nodes[0]
			if attn.AttrInt("causal", 0) == 1 != c.causal || (attn.Input(3) != nil) != c.bias {
				t.Errorf("%s: causal=%d, bias %v; want causal %v, bias %v", attn.Describe(), attn.AttrInt("causal", 0),
					attn.Input(3) != nil, c.causal, c.bias)
			}
			if attn.AttrInt("num_heads", 0) != 4 || attn.AttrInt("kv_num_heads", 0) != 2 ||
				math.Abs(float64(attn.AttrFloat("scale", 0))-1/math.Sqrt2) > 1e-6 {
				t.Errorf("attributes of %s: %v", attn.Describe(), attn.Attrs)
			}
			got, err := exec.NewInterpreter().Run(g, in)
			if err != nil {
				t.Fatal(err)
			}
			a, w := got["y"].Float64s(), want["y"].Float64s()
			for i := range w {
				if math.Abs(a[i]-w[i]) > 1e-5*(1+math.Abs(w[i])) {
					t.Fatalf("element %d: %v, want %v", i, a[i], w[i])
				}
			}
		})
	}
}
