package control_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/exec/ops/control"
	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

// binary makes a test kernel applying f elementwise in float64, the second
// operand broadcast when it has one element.
func binary(dt ir.DType, f func(a, b float64) float64) kernel.Func {
	return kernel.Single(func(_ *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		a, b := in[0].Float64s(), in[1].Float64s()
		out := make([]float64, len(a))
		for i := range a {
			out[i] = f(a[i], b[i%len(b)])
		}
		return ir.FromFloat64s(dt, in[0].Shape, out)
	})
}

// interp runs the control kernels with just enough other kernels (Add,
// Less, Identity) for the test bodies, independent of other packages.
func interp() *exec.Interpreter {
	r := kernel.Registry{
		"Add": binary(ir.Float32, func(a, b float64) float64 { return a + b }),
		"Less": binary(ir.Bool, func(a, b float64) float64 {
			if a < b {
				return 1
			}
			return 0
		}),
		"Identity": kernel.Single(func(_ *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) { return in[0], nil }),
	}
	control.Register(r)
	return exec.NewInterpreterWith(r)
}

func val(name string, dt ir.DType) *ir.Value { return &ir.Value{Name: name, DType: dt} }

func node(op string, version int64, attrs map[string]*ir.Attr, ins []*ir.Value, outs ...*ir.Value) *ir.Node {
	n := &ir.Node{Name: op, Op: op, Version: version, Attrs: attrs, Inputs: ins, Outputs: outs}
	for _, o := range outs {
		o.Producer = n
	}
	return n
}

// run runs the one-node graph n whose inputs are the given values.
func run(n *ir.Node, inputs map[*ir.Value]*ir.Tensor) (map[string]*ir.Tensor, error) {
	g := &ir.Graph{Name: "main", Nodes: []*ir.Node{n}, Outputs: n.Outputs}
	feed := map[string]*ir.Tensor{}
	for v, t := range inputs {
		g.Inputs = append(g.Inputs, v)
		feed[v.Name] = t
	}
	return interp().Run(g, feed)
}

// expect compares a tensor's shape and values with the wanted ones.
func expect(t *testing.T, what string, got *ir.Tensor, shape []int64, want ...float64) {
	t.Helper()
	if got == nil || fmt.Sprint(got.Shape) != fmt.Sprint(shape) || fmt.Sprint(got.Float64s()) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v%v", what, got, shape, want)
	}
}

func TestIfRunsTheTakenBranch(t *testing.T) {
	x := val("x", ir.Float32)
	thenOut, elseOut := val("then_out", ir.Float32), val("else_out", ir.Float32)
	one := &ir.Value{Name: "one", DType: ir.Float32, Const: opstest.F32(nil, 1)}
	two := &ir.Value{Name: "two", DType: ir.Float32, Const: opstest.F32(nil, 2)}
	// then: x + 1 (x read from the outer graph); else: x + 2.
	then := &ir.Graph{Name: "then", Nodes: []*ir.Node{node("Add", 7, nil, []*ir.Value{x, one}, thenOut)}, Outputs: []*ir.Value{thenOut}}
	els := &ir.Graph{Name: "else", Nodes: []*ir.Node{node("Add", 7, nil, []*ir.Value{x, two}, elseOut)}, Outputs: []*ir.Value{elseOut}}
	cond, y := val("cond", ir.Bool), val("y", ir.Float32)
	n := node("If", 11, opstest.Attrs("then_branch", then, "else_branch", els), []*ir.Value{cond}, y)
	for c, want := range map[bool]float64{true: 11, false: 12} {
		out, err := run(n, map[*ir.Value]*ir.Tensor{cond: {DType: ir.Bool, Shape: []int64{1}, Data: []bool{c}}, x: opstest.F32(nil, 10)})
		if err != nil {
			t.Fatal(err)
		}
		expect(t, fmt.Sprintf("If(%v)", c), out["y"], nil, want)
	}
}

// sumBody is a Loop body: carried' = carried + x, cond' = carried' < limit,
// scan output = carried'.
func sumBody(limit float64) *ir.Graph {
	iter, condIn, carried := val("iter", ir.Int64), val("cond_in", ir.Bool), val("carried", ir.Float32)
	x := &ir.Value{Name: "x", DType: ir.Float32, Const: opstest.F32([]int64{1}, 2)}
	lim := &ir.Value{Name: "limit", DType: ir.Float32, Const: opstest.F32(nil, limit)}
	next, condOut, scanOut := val("next", ir.Float32), val("cond_out", ir.Bool), val("scan_out", ir.Float32)
	return &ir.Graph{
		Name:   "body",
		Inputs: []*ir.Value{iter, condIn, carried},
		Nodes: []*ir.Node{
			node("Add", 7, nil, []*ir.Value{carried, x}, next),
			node("Less", 7, nil, []*ir.Value{next, lim}, condOut),
			node("Identity", 1, nil, []*ir.Value{next}, scanOut),
		},
		Outputs: []*ir.Value{condOut, next, scanOut},
	}
}

func TestLoop(t *testing.T) {
	m, cond, v0 := val("M", ir.Int64), val("cond", ir.Bool), val("v0", ir.Float32)
	bools := func(b bool) *ir.Tensor { return &ir.Tensor{DType: ir.Bool, Data: []bool{b}} }
	trips := func(n int64) *ir.Tensor { return &ir.Tensor{DType: ir.Int64, Data: []int64{n}} }
	cases := []struct {
		name      string
		m, cond   *ir.Tensor
		limit     float64
		final     float64
		scanShape []int64
		scan      []float64
	}{
		// A for loop: the body's cond output is ignored without a cond input.
		{"for", trips(3), nil, 0, 6, []int64{3, 1}, []float64{2, 4, 6}},
		{"while", nil, bools(true), 7, 8, []int64{4, 1}, []float64{2, 4, 6, 8}},
		{"for and while", trips(2), bools(true), 7, 4, []int64{2, 1}, []float64{2, 4}},
		{"zero trips", trips(0), bools(true), 7, 0, []int64{0}, nil},
		{"false cond", trips(5), bools(false), 7, 0, []int64{0}, nil},
	}
	for _, c := range cases {
		vf, scanned := val("v_final", ir.Float32), val("scanned", ir.Float32)
		ins := []*ir.Value{nil, nil, v0}
		feed := map[*ir.Value]*ir.Tensor{v0: opstest.F32([]int64{1}, 0)}
		if c.m != nil {
			ins[0], feed[m] = m, c.m
		}
		if c.cond != nil {
			ins[1], feed[cond] = cond, c.cond
		}
		n := node("Loop", 11, opstest.Attrs("body", sumBody(c.limit)), ins, vf, scanned)
		out, err := run(n, feed)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		expect(t, c.name+" final", out["v_final"], []int64{1}, c.final)
		expect(t, c.name+" scan", out["scanned"], c.scanShape, c.scan...)
	}
}

func TestLoopStopsAtTheIterationLimit(t *testing.T) {
	defer control.SetMaxIterations(100)()
	v0, vf, scanned := val("v0", ir.Float32), val("v_final", ir.Float32), val("scanned", ir.Float32)
	n := node("Loop", 11, opstest.Attrs("body", sumBody(0)), []*ir.Value{nil, nil, v0}, vf, scanned)
	_, err := run(n, map[*ir.Value]*ir.Tensor{v0: opstest.F32([]int64{1}, 0)})
	if err == nil || !strings.Contains(err.Error(), "100 iterations") {
		t.Errorf("endless loop: err = %v", err)
	}
}

// scanBody sums its scan input into the state and emits the running sum.
func scanBody() *ir.Graph {
	sum, x := val("sum_in", ir.Float32), val("x_t", ir.Float32)
	next, out := val("sum_out", ir.Float32), val("scan_out", ir.Float32)
	return &ir.Graph{
		Name:    "body",
		Inputs:  []*ir.Value{sum, x},
		Nodes:   []*ir.Node{node("Add", 7, nil, []*ir.Value{sum, x}, next), node("Identity", 1, nil, []*ir.Value{next}, out)},
		Outputs: []*ir.Value{next, out},
	}
}

func TestScan(t *testing.T) {
	x3x2 := opstest.F32([]int64{3, 2}, 1, 2, 3, 4, 5, 6)
	x2x3 := opstest.F32([]int64{2, 3}, 1, 3, 5, 2, 4, 6) // x3x2 transposed
	cases := []struct {
		name      string
		attrs     map[string]*ir.Attr
		x         *ir.Tensor
		final     []float64
		scanShape []int64
		scan      []float64
	}{
		{"forward", nil, x3x2, []float64{9, 12}, []int64{3, 2}, []float64{1, 2, 4, 6, 9, 12}},
		{"reverse input", opstest.Attrs("scan_input_directions", []int64{1}), x3x2,
			[]float64{9, 12}, []int64{3, 2}, []float64{5, 6, 8, 10, 9, 12}},
		{"reverse output", opstest.Attrs("scan_output_directions", []int64{1}), x3x2,
			[]float64{9, 12}, []int64{3, 2}, []float64{9, 12, 4, 6, 1, 2}},
		{"axis 1 in and out", opstest.Attrs("scan_input_axes", []int64{1}, "scan_output_axes", []int64{-1}), x2x3,
			[]float64{9, 12}, []int64{2, 3}, []float64{1, 4, 9, 2, 6, 12}},
	}
	for _, c := range cases {
		init, x := val("init", ir.Float32), val("x", ir.Float32)
		final, scanned := val("final", ir.Float32), val("scanned", ir.Float32)
		attrs := opstest.Attrs("body", scanBody(), "num_scan_inputs", 1)
		for k, a := range c.attrs {
			attrs[k] = a
		}
		n := node("Scan", 16, attrs, []*ir.Value{init, x}, final, scanned)
		out, err := run(n, map[*ir.Value]*ir.Tensor{init: opstest.F32([]int64{2}, 0, 0), x: c.x})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		expect(t, c.name+" final", out["final"], []int64{2}, c.final...)
		expect(t, c.name+" scan", out["scanned"], c.scanShape, c.scan...)
	}
}

func TestScanOpset8Batches(t *testing.T) {
	init, x := val("init", ir.Float32), val("x", ir.Float32)
	final, scanned := val("final", ir.Float32), val("scanned", ir.Float32)
	attrs := opstest.Attrs("body", scanBody(), "num_scan_inputs", 1)
	n := node("Scan", 8, attrs, []*ir.Value{nil, init, x}, final, scanned)
	out, err := run(n, map[*ir.Value]*ir.Tensor{
		init: opstest.F32([]int64{2, 2}, 0, 0, 100, 100),
		x:    opstest.F32([]int64{2, 3, 2}, 1, 2, 3, 4, 5, 6, 1, 1, 1, 1, 1, 1),
	})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "final", out["final"], []int64{2, 2}, 9, 12, 103, 103)
	expect(t, "scan", out["scanned"], []int64{2, 3, 2}, 1, 2, 4, 6, 9, 12, 101, 101, 102, 102, 103, 103)
}

func TestControlRejectsBadInputs(t *testing.T) {
	cond, y := val("cond", ir.Bool), val("y", ir.Float32)
	empty := &ir.Graph{Name: "empty"}
	n := node("If", 11, opstest.Attrs("then_branch", empty, "else_branch", empty), []*ir.Value{cond}, y)
	if _, err := run(n, map[*ir.Value]*ir.Tensor{cond: {DType: ir.Bool, Shape: []int64{2}, Data: []bool{true, false}}}); err == nil {
		t.Error("If with a two-element condition: no error")
	}
	if _, err := run(n, map[*ir.Value]*ir.Tensor{cond: {DType: ir.Bool, Data: []bool{true}}}); err == nil {
		t.Error("If whose branch has fewer outputs than the node: no error")
	}

	m, v0, vf, scanned := val("M", ir.Float32), val("v0", ir.Float32), val("v_final", ir.Float32), val("scanned", ir.Float32)
	loop := node("Loop", 11, opstest.Attrs("body", sumBody(0)), []*ir.Value{m, nil, v0}, vf, scanned)
	if _, err := run(loop, map[*ir.Value]*ir.Tensor{m: opstest.F32(nil, 3), v0: opstest.F32([]int64{1}, 0)}); err == nil {
		t.Error("Loop with a float trip count: no error")
	}

	// A body taking (sum, a_t, b_t) and returning sum + a_t, over inputs of
	// unequal lengths.
	sum, at, bt, next := val("sum", ir.Float32), val("a_t", ir.Float32), val("b_t", ir.Float32), val("next", ir.Float32)
	body := &ir.Graph{Name: "body", Inputs: []*ir.Value{sum, at, bt},
		Nodes: []*ir.Node{node("Add", 7, nil, []*ir.Value{sum, at}, next)}, Outputs: []*ir.Value{next}}
	init, a, b, final := val("init", ir.Float32), val("a", ir.Float32), val("b", ir.Float32), val("final", ir.Float32)
	attrs := opstest.Attrs("body", body, "num_scan_inputs", 2)
	scan := node("Scan", 16, attrs, []*ir.Value{init, a, b}, final)
	_, err := run(scan, map[*ir.Value]*ir.Tensor{init: opstest.F32(nil, 0), a: opstest.F32([]int64{2}, 1, 2), b: opstest.F32([]int64{3}, 1, 2, 3)})
	if err == nil || !strings.Contains(err.Error(), "steps") {
		t.Errorf("Scan over inputs of unequal lengths: err = %v", err)
	}
}
