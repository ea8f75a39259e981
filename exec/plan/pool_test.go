package plan

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/ir"
)

// gemmGraph returns a graph of the products Prepack packs: MatMul by W1
// (n = 300, not a multiple of 16), Linear by W2 (k = 300: two K blocks),
// MatMul by W4, which an Add also reads (so it keeps its row-major copy),
// and Gemm by W5 with transB. Its input is x: f32[20,40].
func gemmGraph() *ir.Graph {
	r := rand.New(rand.NewPCG(1, 2))
	g := &ir.Graph{Name: "gemms", Opsets: map[string]int64{"": 17, ir.TfcDomain: 1}}
	val := func(name string) *ir.Value { return &ir.Value{Name: name, DType: ir.Float32} }
	weight := func(name string, shape ...int64) *ir.Value {
		v := val(name)
		v.Const = randF32(r, shape...)
		v.Shape = ir.ShapeOf(shape...)
		g.Initializers = append(g.Initializers, v)
		return v
	}
	x := val("x")
	x.Shape = ir.ShapeOf(20, 40)
	g.Inputs = []*ir.Value{x}
	w1, w2, b2, w4, w5 := weight("W1", 40, 300), weight("W2", 300, 20), weight("B2", 20), weight("W4", 20, 20), weight("W5", 24, 20)
	add := func(op, domain string, version int64, attrs map[string]*ir.Attr, ins ...*ir.Value) *ir.Value {
		name := fmt.Sprint(op, len(g.Nodes))
		n := &ir.Node{Name: name, Op: op, Domain: domain, Version: version, Inputs: ins, Attrs: attrs}
		out := val(name + "_out")
		out.Producer = n
		n.Outputs = []*ir.Value{out}
		g.Nodes = append(g.Nodes, n)
		return out
	}
	y1 := add("MatMul", "", 13, nil, x, w1)
	y2 := add("Linear", ir.TfcDomain, 1, nil, y1, w2, b2)
	y3 := add("MatMul", "", 13, nil, y2, w4)
	y4 := add("Add", "", 14, nil, y3, w4)
	y5 := add("Gemm", "", 13, map[string]*ir.Attr{"transB": aInt(1)}, y2, w5)
	g.Outputs = []*ir.Value{y4, y5}
	if err := ir.InferShapes(g); err != nil {
		panic(err)
	}
	return g
}

// compiled lowers gemmGraph and returns its artifact, the inputs and the
// reference interpreter's outputs.
func compiled(t *testing.T) ([]byte, map[string]*ir.Tensor, map[string]*ir.Tensor) {
	t.Helper()
	g := gemmGraph()
	if err := ir.Verify(g); err != nil {
		t.Fatal(err)
	}
	in := map[string]*ir.Tensor{"x": randF32(rand.New(rand.NewPCG(3, 4)), 20, 40)}
	want, err := exec.NewInterpreter().Run(g, in)
	if err != nil {
		t.Fatal(err)
	}
	p, err := codegen.Lower(g, codegen.Options{Target: Target{}})
	if err != nil {
		t.Fatal(err)
	}
	only := map[string]bool{}
	for _, w := range p.Packed {
		only[w.Value.Name] = w.Only
	}
	if wantOnly := map[string]bool{"W1": true, "W2": true, "W4": false, "W5": true}; len(only) != 4 || !mapsEqual(only, wantOnly) {
		t.Fatalf("packed weights (name: only) %v, want %v", only, wantOnly)
	}
	var buf bytes.Buffer
	if err := codegen.Write(&buf, p); err != nil {
		t.Fatal(err)
	}
	data := codegen.AlignedBytes(int64(buf.Len()))
	copy(data, buf.Bytes())
	return data, in, want
}

func mapsEqual(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// checkOutputs compares got with want to a relative error of 1e-5.
func checkOutputs(t *testing.T, what string, got, want map[string]*ir.Tensor) {
	t.Helper()
	for name, w := range want {
		g := got[name]
		if g == nil {
			t.Fatalf("%s: no output %q", what, name)
		}
		wd, gd := w.Data.([]float32), g.Data.([]float32)
		scale := 1e-6
		for _, v := range wd {
			scale = math.Max(scale, math.Abs(float64(v)))
		}
		for i := range wd {
			if d := math.Abs(float64(gd[i] - wd[i])); d > 1e-5*scale {
				t.Fatalf("%s: %s[%d] = %v, want %v", what, name, i, gd[i], wd[i])
			}
		}
	}
}

// within reports whether s lies inside data's memory.
func within(s []float32, data []byte) bool {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	return p >= lo && p+uintptr(4*len(s)) <= lo+uintptr(len(data))
}

// TestPrepackedWeightsInPlace: an artifact's packed panels are used in
// place, nothing is packed at run time, the packed-only weights have no
// row-major copy, and the outputs are the interpreter's. (That a mapped
// model's steady-state runs allocate nothing is tested in package tfc.)
func TestPrepackedWeightsInPlace(t *testing.T) {
	data, in, want := compiled(t)
	p, err := codegen.ReadPacked(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range p.Packed {
		if !within(w.Panels, data) {
			t.Errorf("panels of %s were copied", w.Value.Name)
		}
		if n := w.Value.Const.Len(); w.Only != (n == 0) {
			t.Errorf("%s (only %v) holds %d row-major elements", w.Value.Name, w.Only, n)
		}
	}
	e, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	r := e.NewRunnerThreads(3)
	defer r.Close()
	for range 3 {
		got, err := r.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		checkOutputs(t, "run", got, want)
	}
	if s := e.PackStats(); s != (PackStats{Prepacked: 4}) {
		t.Errorf("pack stats %+v, want 4 prepacked and nothing packed at run time", s)
	}
	// The whole-graph reference path (taken when shapes depend on data)
	// unpacks the packed-only weights for the interpreter.
	got, err := r.interpret(in)
	if err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, "interpreted", got, want)
	// So does a reference-kernel step.
	for _, s := range p.Steps {
		if s.Node.Op == "MatMul" && s.Node.Inputs[1].Name == "W1" {
			outs, err := e.interp.RunNode(s.Node, e.refInputs([]*ir.Tensor{in["x"], s.Node.Inputs[1].Const}))
			if err != nil || len(outs) != 1 || outs[0].Len() != 20*300 {
				t.Errorf("reference MatMul by a packed-only weight: %v", err)
			}
		}
	}
}

// TestPrepackedLayoutMismatch forces the artifact's layout to differ
// from the running kernel's: the weights are unpacked from the panels
// and packed again at run time, with the same outputs.
func TestPrepackedLayoutMismatch(t *testing.T) {
	data, in, want := compiled(t)
	p, err := codegen.ReadPacked(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range p.Packed {
		w.Layout.Version++
	}
	e, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	if p.HasMissing() {
		t.Error("weights still without row-major data after a layout mismatch")
	}
	r := e.NewRunner()
	for range 2 {
		got, err := r.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		checkOutputs(t, "run", got, want)
	}
	if s := e.PackStats(); s != (PackStats{Mismatched: 4, PackedAtRun: 4}) {
		t.Errorf("pack stats %+v, want 4 mismatched and packed at run time", s)
	}
}
