package plan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/exec/gemm"
	"github.com/tfc-project/tfc/ir"
)

// node returns a node of op (qualified as "ai.tfc:Op" for tfc's ops) with
// the given attributes, at the newest version the tests use.
func node(op string, attrs map[string]*ir.Attr) *ir.Node {
	n := &ir.Node{Name: "k", Op: op, Version: 17, Attrs: attrs}
	if len(op) > 7 && op[:7] == "ai.tfc:" {
		n.Domain, n.Op, n.Version = ir.TfcDomain, op[7:], 1
	}
	return n
}

func aInt(v int64) *ir.Attr     { return &ir.Attr{Kind: ir.AttrInt, Int: v} }
func aFloat(v float32) *ir.Attr { return &ir.Attr{Kind: ir.AttrFloat, Float: v} }
func aInts(v ...int64) *ir.Attr { return &ir.Attr{Kind: ir.AttrInts, Ints: v} }
func aStr(v string) *ir.Attr    { return &ir.Attr{Kind: ir.AttrString, String: v} }

// randF32 returns a float32 tensor of normal random values.
func randF32(r *rand.Rand, shape ...int64) *ir.Tensor {
	t, _ := ir.NewTensor(ir.Float32, shape)
	for i, d := 0, t.Data.([]float32); i < len(d); i++ {
		d[i] = float32(r.NormFloat64())
	}
	return t
}

// ints returns an int64 tensor.
func ints(shape []int64, v ...int64) *ir.Tensor {
	return &ir.Tensor{DType: ir.Int64, Shape: shape, Data: v}
}

// checkKernel runs n's fast kernel on ins (the slots in consts as
// weights, params as recorded parameter values) on a 3-thread pool, twice,
// and compares it with the reference kernel. It fails when the builder
// declines.
func checkKernel(t *testing.T, n *ir.Node, ins []*ir.Tensor, consts ...int) {
	t.Helper()
	name := fmt.Sprintf("%s%v", n.Op, shapesOf(ins))
	n.Inputs = make([]*ir.Value, len(ins))
	for i, in := range ins {
		if in == nil {
			continue
		}
		n.Inputs[i] = &ir.Value{Name: fmt.Sprint("in", i), DType: in.DType}
		for _, c := range consts {
			if c == i {
				n.Inputs[i].Const = in
			}
		}
	}
	if len(n.Outputs) == 0 {
		n.Outputs = outputs(1)
	}
	want, err := exec.NewInterpreter().RunNode(n, ins)
	if err != nil {
		t.Fatalf("%s: reference: %v", name, err)
	}
	outs := make([]*ir.Tensor, len(want))
	for i, w := range want {
		n.Outputs[i].DType = w.DType
		b := codegen.AlignedBytes(int64(w.Len() * elemSize(w.DType)))
		for j := range b {
			b[j] = 0xff // NaN in float32: unwritten elements show
		}
		outs[i] = &ir.Tensor{DType: w.DType, Shape: w.Shape, Data: codegen.View(w.DType, b, w.Len())}
	}
	def, ok := kernels[n.QualifiedOp()]
	if !ok {
		t.Fatalf("%s: no kernel", name)
	}
	pool := gemm.NewPool(3)
	defer pool.Close()
	run := def.build(&env{pool: pool, packs: &packCache{}}, n, ins, outs, ins)
	if run == nil {
		t.Fatalf("%s: builder declined", name)
	}
	for round := 0; round < 2; round++ {
		if err := run(ins, outs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, w := range want {
			if msg := diff(outs[i], w); msg != "" {
				t.Fatalf("%s round %d output %d: %s", name, round, i, msg)
			}
		}
	}
}

// outputs returns k output values for a test node.
func outputs(k int) []*ir.Value {
	vs := make([]*ir.Value, k)
	for i := range vs {
		vs[i] = &ir.Value{Name: fmt.Sprint("out", i)}
	}
	return vs
}

func shapesOf(ts []*ir.Tensor) [][]int64 {
	var s [][]int64
	for _, t := range ts {
		if t == nil {
			s = append(s, nil)
			continue
		}
		s = append(s, t.Shape)
	}
	return s
}

// diff compares got with want: floats within 1e-4 relative (1e-5
// absolute), others exactly.
func diff(got, want *ir.Tensor) string {
	if got.DType != want.DType || got.Len() != want.Len() {
		return fmt.Sprintf("got %v×%d, want %v×%d", got.DType, got.Len(), want.DType, want.Len())
	}
	if got.DType == ir.Float32 {
		g, w := got.Data.([]float32), want.Data.([]float32)
		for i := range w {
			d := math.Abs(float64(g[i] - w[i]))
			if !(d <= 1e-5+1e-4*math.Abs(float64(w[i]))) && !(math.IsInf(float64(w[i]), 0) && g[i] == w[i]) {
				return fmt.Sprintf("element %d: got %v, want %v", i, g[i], w[i])
			}
		}
		return ""
	}
	g, w := codegen.Raw(got.Data), codegen.Raw(want.Data)
	for i := range w {
		if g[i] != w[i] {
			return fmt.Sprintf("byte %d differs", i)
		}
	}
	return ""
}
