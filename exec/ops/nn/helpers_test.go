package nn_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/ir"
)

// attrs builds an attribute map from name/value pairs: int, float32,
// string, []int64 or []float32 values.
func attrs(kv ...any) map[string]*ir.Attr {
	m := map[string]*ir.Attr{}
	for i := 0; i < len(kv); i += 2 {
		var a *ir.Attr
		switch v := kv[i+1].(type) {
		case int:
			a = &ir.Attr{Kind: ir.AttrInt, Int: int64(v)}
		case float32:
			a = &ir.Attr{Kind: ir.AttrFloat, Float: v}
		case string:
			a = &ir.Attr{Kind: ir.AttrString, String: v}
		case []int64:
			a = &ir.Attr{Kind: ir.AttrInts, Ints: v}
		default:
			panic(fmt.Sprintf("attrs: unsupported %T", v))
		}
		m[kv[i].(string)] = a
	}
	return m
}

// tryOp runs one node of op (at opset version) with nOut outputs on the
// inputs (nil: an omitted optional input) through the interpreter.
func tryOp(op string, version int64, at map[string]*ir.Attr, nOut int, inputs ...*ir.Tensor) ([]*ir.Tensor, error) {
	n := &ir.Node{Name: "n", Op: op, Version: version, Attrs: at}
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

// runOp is tryOp failing the test on error.
func runOp(t *testing.T, op string, version int64, at map[string]*ir.Attr, nOut int, inputs ...*ir.Tensor) []*ir.Tensor {
	t.Helper()
	outs, err := tryOp(op, version, at, nOut, inputs...)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

func shape(dims ...int64) []int64 { return dims }

// tensor builds a tensor of dt and shape s from v (all zeros when v is empty).
func tensor(dt ir.DType, s []int64, v ...float64) *ir.Tensor {
	if len(v) == 0 {
		return ir.MustTensor(dt, s)
	}
	t, err := ir.FromFloat64s(dt, s, v)
	if err != nil {
		panic(err)
	}
	return t
}

func f32(s []int64, v ...float64) *ir.Tensor { return tensor(ir.Float32, s, v...) }

// seq returns 1, 2, ..., n.
func seq(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i + 1)
	}
	return v
}

// check compares got with the wanted dtype, shape and values (relative
// tolerance 1e-6; NaN matches NaN).
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
			math.Abs(g[i]-w) <= 1e-6*math.Max(1, math.Abs(w))
		if !ok {
			t.Errorf("%s: got %v, want %v", what, g, want)
			return
		}
	}
}

// fails checks that running op gives an error.
func fails(t *testing.T, what, op string, version int64, at map[string]*ir.Attr, inputs ...*ir.Tensor) {
	t.Helper()
	if _, err := tryOp(op, version, at, 1, inputs...); err == nil {
		t.Errorf("%s: no error", what)
	}
}
