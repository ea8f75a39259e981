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

// whisperBlock is Whisper's decoder self-attention as torch exports it:
// Q scaled before the product, heads split by [0, -1, H, D], and Hugging
// Face's causal mask Where(Less(arange, arange + 1 as a column), 0, min).
// %ROWS% is the column of the comparison.
const whisperBlock = `graph dec(%x:f32[2,tokens,16]) -> (%y) {
  opset "" 17
  %one = const i64[] [1]
  %zero = const i64[] [0]
  %ax0 = const i64[1] [0]
  %ax01 = const i64[2] [0, 1]
  %col = const i64[2] [0, 1]
  %fzero = const f32[] [0.0]
  %hs = const i64[4] [0, -1, 2, 8]
  %ms = const i64[3] [0, 0, 16]
  %scale = const f32[] [0.35355339]
  %wq = const f32[16,16] [%WQ%]
  %wk = const f32[16,16] [%WK%]
  %wv = const f32[16,16] [%WV%]
  %shape = Shape %x
  %t = Gather %shape, %one {axis=0}
  %t1 = Unsqueeze %t, %ax0
  %tt = Concat %t1, %t1 {axis=0}
  %fill = ConstantOfShape %tt {value=f32[1] [-3.4028235e+38]}
  %r = Range %zero, %t, %one
  %r1 = Add %r, %one
  %rc = Reshape %ROWS%, %col
  %less = Less %r, %rc
  %m2 = Where %less, %fzero, %fill
  %mask = Unsqueeze %m2, %ax01
  %q = MatMul %x, %wq
  %qs = Mul %q, %scale
  %q4 = Reshape %qs, %hs
  %qh = Transpose %q4 {perm=[0, 2, 1, 3]}
  %k = MatMul %x, %wk
  %k4 = Reshape %k, %hs
  %kt = Transpose %k4 {perm=[0, 2, 3, 1]}
  %v = MatMul %x, %wv
  %v4 = Reshape %v, %hs
  %vh = Transpose %v4 {perm=[0, 2, 1, 3]}
  %s = MatMul %qh, %kt
  %sm = Add %s, %mask
  %p = Softmax %sm {axis=-1}
  %o = MatMul %p, %vh
  %ot = Transpose %o {perm=[0, 2, 1, 3]}
  %y = Reshape %ot, %ms
}`

// TestAttentionArangeCausalMask fuses Whisper's decoder self-attention:
// the arange mask (key j ≤ query i) becomes causal=1 and the Q scaling
// joins the scale; a mask of j < i (no +1) is not causal and stays an
// additive bias. Both keep the interpreter's outputs.
func TestAttentionArangeCausalMask(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	weights := func() string {
		v := make([]string, 256)
		for i := range v {
			v[i] = fmt.Sprint(float32(r.NormFloat64() * 0.5))
		}
		return strings.Join(v, ", ")
	}
	text := strings.NewReplacer("%WQ%", weights(), "%WK%", weights(), "%WV%", weights()).Replace(whisperBlock)
	vals := make([]float64, 2*5*16)
	for i := range vals {
		vals[i] = r.NormFloat64()
	}
	x, _ := ir.FromFloat64s(ir.Float32, []int64{2, 5, 16}, vals)
	for _, c := range []struct {
		rows   string
		causal bool
	}{{"%r1", true}, {"%r", false}} {
		src := strings.Replace(text, "%ROWS%", c.rows, 1)
		g, err := ir.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		want, err := exec.NewInterpreter().Run(g, map[string]*ir.Tensor{"x": x})
		if err != nil {
			t.Fatal(err)
		}
		g, _ = ir.Parse(src)
		if _, err := Optimize(g, Options{Level: Extended, Verify: ir.Verify}); err != nil {
			t.Fatal(err)
		}
		var attn *ir.Node
		for _, n := range g.Nodes {
			if n.Op == "Attention" {
				attn = n
			}
		}
		if attn == nil {
			t.Fatalf("rows %s: no Attention in\n%s", c.rows, ir.Print(g))
		}
		if got := attn.AttrInt("causal", 0) == 1; got != c.causal || got == (attn.Input(3) != nil) {
			t.Errorf("rows %s: %s causal=%v, bias %v", c.rows, attn.Describe(), got, attn.Input(3) != nil)
		}
		if s := attn.AttrFloat("scale", 0); math.Abs(float64(s)-0.35355339) > 1e-6 {
			t.Errorf("rows %s: scale %v", c.rows, s)
		}
		got, err := exec.NewInterpreter().Run(g, map[string]*ir.Tensor{"x": x})
		if err != nil {
			t.Fatal(err)
		}
		a, w := got["y"].Float64s(), want["y"].Float64s()
		for i := range w {
			if math.Abs(a[i]-w[i]) > 1e-5*(1+math.Abs(w[i])) {
				t.Fatalf("rows %s: element %d: %v, want %v", c.rows, i, a[i], w[i])
			}
		}
	}
}
