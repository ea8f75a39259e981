package elementwise_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/ir"
)

// run runs one node of op at opset version on the inputs through the
// reference interpreter and returns its single output.
func run(t *testing.T, op string, version int64, attrs map[string]*ir.Attr, inputs ...*ir.Tensor) *ir.Tensor {
	t.Helper()
	out, err := try(op, version, attrs, inputs...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// interp is the reference interpreter the tests run nodes with.
var interp = exec.NewInterpreter()

func try(op string, version int64, attrs map[string]*ir.Attr, inputs ...*ir.Tensor) (*ir.Tensor, error) {
	n := &ir.Node{Name: "n", Op: op, Version: version, Attrs: attrs,
		Outputs: []*ir.Value{{Name: "out"}}}
	for i, in := range inputs {
		var v *ir.Value
		if in != nil {
			v = &ir.Value{Name: fmt.Sprint("in", i), DType: in.DType}
		}
		n.Inputs = append(n.Inputs, v)
	}
	outs, err := interp.RunNode(n, inputs)
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// fails checks that the node is refused with an error that contains want
// and is not a recovered panic.
func fails(t *testing.T, want, op string, version int64, attrs map[string]*ir.Attr, inputs ...*ir.Tensor) {
	t.Helper()
	_, err := try(op, version, attrs, inputs...)
	switch {
	case err == nil:
		t.Errorf("%s: no error, want one containing %q", op, want)
	case strings.Contains(err.Error(), "kernel failed"):
		t.Errorf("%s panicked: %v", op, err)
	case !strings.Contains(err.Error(), want):
		t.Errorf("%s: error %q does not contain %q", op, err, want)
	}
}

func attrs(kv ...any) map[string]*ir.Attr {
	m := map[string]*ir.Attr{}
	for i := 0; i < len(kv); i += 2 {
		var a *ir.Attr
		switch v := kv[i+1].(type) {
		case int:
			a = &ir.Attr{Kind: ir.AttrInt, Int: int64(v)}
		case float64:
			a = &ir.Attr{Kind: ir.AttrFloat, Float: float32(v)}
		case string:
			a = &ir.Attr{Kind: ir.AttrString, String: v}
		}
		m[kv[i].(string)] = a
	}
	return m
}

func tensor(dt ir.DType, shape []int64, v ...float64) *ir.Tensor {
	t, err := ir.FromFloat64s(dt, shape, v)
	if err != nil {
		panic(err)
	}
	return t
}

func ints(dt ir.DType, shape []int64, v ...int64) *ir.Tensor {
	t, err := ir.FromInt64s(dt, shape, v)
	if err != nil {
		panic(err)
	}
	return t
}

func strs(shape []int64, v ...string) *ir.Tensor {
	return &ir.Tensor{DType: ir.String, Shape: shape, Data: v}
}

func bools(shape []int64, v ...bool) *ir.Tensor {
	return &ir.Tensor{DType: ir.Bool, Shape: shape, Data: v}
}

func f32(v ...float64) *ir.Tensor { return tensor(ir.Float32, []int64{int64(len(v))}, v...) }

func dims(d ...int64) []int64 { return d }

var (
	nan = math.NaN()
	inf = math.Inf(1)
)

// check compares got with the wanted dtype, shape and values (relative
// tolerance 1e-6; NaN matches NaN, infinities match exactly).
func check(t *testing.T, what string, got *ir.Tensor, dt ir.DType, shape []int64, want ...float64) {
	t.Helper()
	if got.DType != dt || fmt.Sprint(got.Shape) != fmt.Sprint(shape) {
		t.Errorf("%s: got %v%v, want %v%v", what, got.DType, got.Shape, dt, shape)
		return
	}
	g := got.Float64s()
	for i, w := range want {
		ok := g[i] == w || math.IsNaN(g[i]) && math.IsNaN(w) || math.Abs(g[i]-w) <= 1e-6*math.Abs(w)
		if !ok || len(g) != len(want) {
			t.Errorf("%s: got %v, want %v", what, g, want)
			return
		}
	}
}

// checkInts compares an integer or bool result exactly.
func checkInts(t *testing.T, what string, got *ir.Tensor, dt ir.DType, shape []int64, want ...int64) {
	t.Helper()
	if got.DType != dt || fmt.Sprint(got.Shape) != fmt.Sprint(shape) || fmt.Sprint(got.Int64s()) != fmt.Sprint(want) {
		t.Errorf("%s: got %v%v %v, want %v%v %v", what, got.DType, got.Shape, got.Int64s(), dt, shape, want)
	}
}
