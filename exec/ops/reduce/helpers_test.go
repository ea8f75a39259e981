package reduce_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/ir"
)

// runOp runs one node of op (at opset version) on the inputs through the
// reference interpreter; a nil input is an omitted optional input.
func runOp(t *testing.T, op string, version int64, attrs map[string]*ir.Attr, nOut int, inputs ...*ir.Tensor) []*ir.Tensor {
	t.Helper()
	outs, err := tryOp(op, version, attrs, nOut, inputs...)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

func tryOp(op string, version int64, attrs map[string]*ir.Attr, nOut int, inputs ...*ir.Tensor) ([]*ir.Tensor, error) {
	n := &ir.Node{Name: "n", Op: op, Version: version, Attrs: attrs}
	for i, in := range inputs {
		var v *ir.Value
		if in != nil {
			v = &ir.Value{Name: fmt.Sprint("in", i), DType: in.DType}
		}
		n.Inputs = append(n.Inputs, v)
	}
	for i := 0; i < nOut; i++ {
		n.Outputs = append(n.Outputs, &ir.Value{Name: fmt.Sprint("out", i)})
	}
	return exec.NewInterpreter().RunNode(n, inputs)
}

func ints(v ...int64) *ir.Attr    { return &ir.Attr{Kind: ir.AttrInts, Ints: v} }
func integer(v int64) *ir.Attr    { return &ir.Attr{Kind: ir.AttrInt, Int: v} }
func str(s string) *ir.Attr       { return &ir.Attr{Kind: ir.AttrString, String: s} }
func shape(dims ...int64) []int64 { return dims }
func tensor(dt ir.DType, s []int64, v ...float64) *ir.Tensor {
	t, err := ir.FromFloat64s(dt, s, v)
	if err != nil {
		panic(err)
	}
	return t
}
func f32(s []int64, v ...float64) *ir.Tensor { return tensor(ir.Float32, s, v...) }
func i64(s []int64, v ...float64) *ir.Tensor { return tensor(ir.Int64, s, v...) }

// check compares got with the wanted dtype, shape and values (relative
// tolerance 1e-7; NaN matches NaN, infinities match exactly).
func check(t *testing.T, what string, got *ir.Tensor, dt ir.DType, s []int64, want ...float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: no output", what)
		return
	}
	if got.DType != dt || fmt.Sprint(got.Shape) != fmt.Sprint(s) {
		t.Errorf("%s: got %v%v, want %v%v", what, got.DType, got.Shape, dt, s)
		return
	}
	g := got.Float64s()
	if len(g) != len(want) {
		t.Errorf("%s: got %d values %v, want %d", what, len(g), g, len(want))
		return
	}
	for i, w := range want {
		ok := g[i] == w || (math.IsNaN(g[i]) && math.IsNaN(w)) ||
			math.Abs(g[i]-w) <= 1e-7*math.Max(1, math.Abs(w))
		if !ok {
			t.Errorf("%s: got %v, want %v", what, g, want)
			return
		}
	}
}
