package passes

import (
	"math"
	"math/rand"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/ir"
)

func randConst(b *builder, r *rand.Rand, shape ...int64) *ir.Value {
	n, _ := ir.NumElements(shape)
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = r.NormFloat64()
	}
	t, _ := ir.FromFloat64s(ir.Float32, shape, vals)
	return b.constant(t)
}

// TestPackQKV merges the Q, K and V projections of one input (a Linear
// without bias among them, and a MatMul) into one Linear whose output the
// Attention takes packed, and checks the outputs do not change.
func TestPackQKV(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	b := newBuilder()
	x := b.input("x", 2, 3, 8)
	tfc := func(n *ir.Node) *ir.Node { n.Domain, n.Version = ir.TfcDomain, 1; return n }
	q := tfc(b.op("Linear", nil, x, randConst(b, r, 8, 8), randConst(b, r, 8))).Outputs[0]
	mm := b.op("MatMul", nil, x, randConst(b, r, 8, 4)) // 1 key/value head of 4 against 2 query heads
	mm.Version = 13
	k := mm.Outputs[0]
	v := tfc(b.op("Linear", nil, x, randConst(b, r, 8, 4), randConst(b, r, 4))).Outputs[0]
	attrs := map[string]*ir.Attr{"num_heads": intAttr(2), "kv_num_heads": intAttr(1), "scale": floatAttr(0.5)}
	y := tfc(b.op("Attention", attrs, q, k, v)).Outputs[0]
	g := b.output(y)
	for _, v := range []*ir.Value{q, k, v, y} {
		v.DType = ir.Float32
	}
	q.Shape, k.Shape, v.Shape, y.Shape = ir.ShapeOf(2, 3, 8), ir.ShapeOf(2, 3, 4), ir.ShapeOf(2, 3, 4), ir.ShapeOf(2, 3, 8)
	if err := ir.Verify(g); err != nil {
		t.Fatal(err)
	}
	in := map[string]*ir.Tensor{"x": randConst(newBuilder(), r, 2, 3, 8).Const}
	interp := exec.NewInterpreter()
	want, err := interp.Run(g, in)
	if err != nil {
		t.Fatal(err)
	}
	c := Counters{}
	if err := packQKV(g, c); err != nil {
		t.Fatal(err)
	}
	if err := ir.Verify(g); err != nil {
		t.Fatal(err)
	}
	if got := opCounts(g); c["merged QKV projections"] != 1 || got["Linear"] != 1 || got["MatMul"] != 0 || len(g.Nodes) != 2 {
		t.Fatalf("ops after fuse qkv = %v, counters %v", got, c)
	}
	lin, attn := g.Nodes[0], g.Nodes[1]
	if len(attn.Inputs) != 1 || attn.Inputs[0] != lin.Outputs[0] || lin.Inputs[1].Const.Shape[1] != 16 {
		t.Fatalf("Attention reads %v from %s", attn.Inputs, lin.Describe())
	}
	bias := lin.Inputs[2].Const.Float64s()
	for i := 8; i < 12; i++ { // the MatMul's missing bias
		if bias[i] != 0 {
			t.Fatalf("bias %v", bias)
		}
	}
	got, err := interp.Run(g, in)
	if err != nil {
		t.Fatal(err)
	}
	a, w := got[y.Name].Float64s(), want[y.Name].Float64s()
	for i := range w {
		if math.Abs(a[i]-w[i]) > 1e-5*(1+math.Abs(w[i])) {
			t.Fatalf("element %d: %v, want %v", i, a[i], w[i])
		}
	}
}
