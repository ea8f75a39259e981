package exec

import (
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// testKernels holds AddOne and RunBody: the interpreter is tested on its own,
// independent of the reference kernels.
var testKernels = kernel.Registry{
	"AddOne": kernel.Single(func(_ *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		vals := in[0].Float64s()
		for i := range vals {
			vals[i]++
		}
		return ir.FromFloat64s(in[0].DType, in[0].Shape, vals)
	}),
	"RunBody": func(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
		return ctx.RunGraph(ctx.Node.Attr("body").Graph, in)
	},
}

func value(name string, dims ...ir.Dim) *ir.Value {
	return &ir.Value{Name: name, DType: ir.Float32, Shape: ir.Shape{Ranked: true, Dims: dims}}
}

func node(op, name string, ins []*ir.Value, outs ...*ir.Value) *ir.Node {
	n := &ir.Node{Op: op, Name: name, Inputs: ins, Outputs: outs, Version: 1}
	for _, o := range outs {
		o.Producer = n
	}
	return n
}

// nestedGraph computes y = AddOne(x) then z = RunBody(y) whose body adds the
// outer x to nothing but reads it: body(b) = (AddOne(b), outer y).
func nestedGraph() *ir.Graph {
	x := value("x", ir.Symbol("N"))
	y := value("y", ir.Symbol("N"))
	b := value("b", ir.Symbol("N"))
	bo := value("bo", ir.Symbol("N"))
	body := &ir.Graph{Name: "body", Inputs: []*ir.Value{b}, Nodes: []*ir.Node{node("AddOne", "inner", []*ir.Value{b}, bo)}}
	body.Outputs = []*ir.Value{bo, y} // y comes from the enclosing graph
	z1 := value("z1", ir.Symbol("N"))
	z2 := value("z2", ir.Symbol("N"))
	run := node("RunBody", "run", []*ir.Value{y}, z1, z2)
	run.Attrs = map[string]*ir.Attr{"body": {Kind: ir.AttrGraph, Graph: body}}
	return &ir.Graph{
		Name:    "main",
		Inputs:  []*ir.Value{x},
		Outputs: []*ir.Value{z1, z2},
		Nodes:   []*ir.Node{node("AddOne", "first", []*ir.Value{x}, y), run},
	}
}

func TestRunNestedGraphReadsOuterScope(t *testing.T) {
	it := &Interpreter{kernels: testKernels}
	x, _ := ir.FromFloat64s(ir.Float32, []int64{3}, []float64{1, 2, 3})
	out, err := it.Run(nestedGraph(), map[string]*ir.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float64{"z1": {3, 4, 5}, "z2": {2, 3, 4}}
	for name, w := range want {
		got := out[name].Float64s()
		for i := range w {
			if got[i] != w[i] {
				t.Errorf("%s = %v, want %v", name, got, w)
				break
			}
		}
	}
}

func TestCheckListsAllUnsupportedOps(t *testing.T) {
	g := nestedGraph()
	it := &Interpreter{kernels: kernel.Registry{}}
	err := it.Check(g)
	if err == nil {
		t.Fatal("no error for a graph without kernels")
	}
	msg := err.Error()
	for _, want := range []string{"2 unsupported op(s)", `AddOne (domain ai.onnx, opset 1): nodes "first", "inner"`, `RunBody (domain ai.onnx, opset 1): nodes "run"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
}

func TestCheckInputs(t *testing.T) {
	a := value("a", ir.Symbol("N"), ir.Fixed(2))
	b := value("b", ir.Symbol("N"))
	g := &ir.Graph{Name: "g", Inputs: []*ir.Value{a, b}}
	mk := func(dt ir.DType, shape ...int64) *ir.Tensor { return ir.MustTensor(dt, shape) }
	cases := []struct {
		name   string
		inputs map[string]*ir.Tensor
		want   string
	}{
		{"ok", map[string]*ir.Tensor{"a": mk(ir.Float32, 3, 2), "b": mk(ir.Float32, 3)}, ""},
		{"missing", map[string]*ir.Tensor{"a": mk(ir.Float32, 3, 2)}, `missing input "b"`},
		{"extra", map[string]*ir.Tensor{"a": mk(ir.Float32, 3, 2), "b": mk(ir.Float32, 3), "c": mk(ir.Float32, 1)}, `unknown input(s) "c"`},
		{"dtype", map[string]*ir.Tensor{"a": mk(ir.Int64, 3, 2), "b": mk(ir.Float32, 3)}, `input "a": dtype i64, graph expects f32`},
		{"rank", map[string]*ir.Tensor{"a": mk(ir.Float32, 6), "b": mk(ir.Float32, 3)}, `input "a": rank 1`},
		{"fixed dim", map[string]*ir.Tensor{"a": mk(ir.Float32, 3, 4), "b": mk(ir.Float32, 3)}, `dim 1 is 4, graph expects 2`},
		{"symbol", map[string]*ir.Tensor{"a": mk(ir.Float32, 3, 2), "b": mk(ir.Float32, 5)}, `dim 0 (N) is 5, but N is 3`},
	}
	for _, c := range cases {
		err := CheckInputs(g, c.inputs)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}
