package importer_test

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/ir"
	"github.com/tfc-project/tfc/passes"
)

// roundTrip encodes g, decodes it and checks the decoded graph verifies
// and prints as g does (with ai.tfc imported when g uses it).
func roundTrip(t *testing.T, g *ir.Graph) *ir.Graph {
	t.Helper()
	data, err := importer.EncodeModel(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := importer.Decode(data, "")
	if err != nil {
		t.Fatalf("decoding the encoded model: %v", err)
	}
	if err := ir.Verify(m.Graph); err != nil {
		t.Fatalf("the decoded graph: %v", err)
	}
	withTfcOpset(g)
	if want, got := ir.Print(g), ir.Print(m.Graph); got != want {
		t.Fatalf("round trip changed the graph:\n%s", firstDiff(want, got))
	}
	return m.Graph
}

// withTfcOpset adds the ai.tfc import EncodeModel writes when g uses tfc's ops.
func withTfcOpset(g *ir.Graph) {
	g.Walk(func(_ *ir.Graph, n *ir.Node) {
		if n.Domain == ir.TfcDomain && g.Opsets[ir.TfcDomain] == 0 {
			g.Opsets[ir.TfcDomain] = 1
		}
	})
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return "line " + strconv.Itoa(i+1) + ":\nwant " + w[i] + "\ngot  " + g[i]
		}
	}
	return "lengths differ: want " + strconv.Itoa(len(w)) + " lines, got " + strconv.Itoa(len(g))
}

// sameResults runs a and b on every data set of c and wants identical outputs.
func sameResults(t *testing.T, c *golden.Case, a, b *ir.Graph) {
	t.Helper()
	interp := exec.NewInterpreter()
	for _, ds := range c.Sets {
		wa, err := interp.Run(a, ds.Inputs)
		if err != nil {
			t.Fatalf("%s: %v", ds.Name, err)
		}
		wb, err := interp.Run(b, ds.Inputs)
		if err != nil {
			t.Fatalf("%s, decoded: %v", ds.Name, err)
		}
		for name, x := range wa {
			xs, ys := x.Float64s(), wb[name].Float64s()
			for i := range xs {
				if math.Float64bits(xs[i]) != math.Float64bits(ys[i]) {
					t.Fatalf("%s output %s[%d]: %v, decoded %v", ds.Name, name, i, xs[i], ys[i])
				}
			}
		}
	}
}

// TestEncodeModelTestmodels round-trips every testmodel as imported and
// after optimization (fused ops included).
func TestEncodeModelTestmodels(t *testing.T) {
	paths, _ := filepath.Glob("../testmodels/*/model.onnx")
	if len(paths) == 0 {
		t.Skip("no testmodels")
	}
	for _, path := range paths {
		dir := filepath.Dir(path)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			c, err := golden.LoadCase(dir)
			if err != nil {
				t.Fatal(err)
			}
			g := c.Model.Graph
			sameResults(t, c, g, roundTrip(t, g))
			if _, err := passes.Optimize(g, passes.Options{Level: passes.Extended, Verify: ir.Verify}); err != nil {
				t.Fatal(err)
			}
			sameResults(t, c, g, roundTrip(t, g))
		})
	}
}

// TestEncodeModelNested round-trips If and Loop bodies that read outer
// values, fused ops, omitted inputs and outputs, symbolic and unknown
// dims, and every attribute kind the text IR writes.
func TestEncodeModelNested(t *testing.T) {
	g, err := ir.Parse(`graph main(%x:f32[B,4], %cond:bool[], %n:i64[]) -> (%y, %z, %w) {
  opset "" 17
  opset "ai.tfc" 1
  doc "a test"
  %s = const f32[4] [1.0, 2.0, 3.0, 4.0]
  %y:f32[B,4] = If %cond {then_branch=graph then() -> (%t) {
    %k = const f32[] [2.0]
    %t:f32[B,4] = Mul %x, %k
  }, else_branch=graph else() -> (%e) {
    %e:f32[B,4] = ai.tfc:LayerNorm %x, %s, _ {epsilon=1e-06}
  }}
  %z:f32[?,4], %scan:f32[?,?,4] = Loop %n, _, %y {body=graph body(%i:i64[], %c:bool[], %acc:f32[?,4]) -> (%c, %next, %acc) {
    %next:f32[?,4] = Add %acc, %s
  }}
  %w:f32[B,4], _, _ = LayerNormalization %z, %s {axis=-1, epsilon=0.001}
}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := ir.Verify(g); err != nil {
		t.Fatal(err)
	}
	back := roundTrip(t, g)
	x, _ := ir.FromFloat64s(ir.Float32, []int64{2, 4}, []float64{1, 2, 3, 4, 5, 6, 7, 9})
	for _, cond := range []bool{true, false} {
		inputs := map[string]*ir.Tensor{"x": x,
			"cond": {DType: ir.Bool, Shape: []int64{}, Data: []bool{cond}},
			"n":    {DType: ir.Int64, Shape: []int64{}, Data: []int64{3}}}
		interp := exec.NewInterpreter()
		want, err := interp.Run(g, inputs)
		if err != nil {
			t.Fatal(err)
		}
		got, err := interp.Run(back, inputs)
		if err != nil {
			t.Fatal(err)
		}
		for name, w := range want {
			if w.String() != got[name].String() || !equalFloats(w.Float64s(), got[name].Float64s()) {
				t.Errorf("cond=%v output %s: %v, decoded %v", cond, name, w, got[name])
			}
		}
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestEncodeModelRenamesClashes checks that a value defined under a name
// an enclosing graph already uses is renamed (ONNX names are unique per
// model) and that the decoded graph still computes the same.
func TestEncodeModelRenamesClashes(t *testing.T) {
	g, err := ir.Parse(`graph main(%x:f32[2], %cond:bool[]) -> (%y) {
  opset "" 17
  %t:f32[2] = Neg %x
  %y:f32[2] = If %cond {then_branch=graph then() -> (%t) {
    %t:f32[2] = Abs %x
  }, else_branch=graph else() -> (%t) {
  }}
}`)
	if err != nil {
		t.Fatal(err)
	}
	data, err := importer.EncodeModel(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := importer.Decode(data, "")
	if err != nil {
		t.Fatal(err)
	}
	text := ir.Print(m.Graph)
	if !strings.Contains(text, "%t_1:f32[2] = Abs %x") || !strings.Contains(text, "else() -> (%t)") {
		t.Errorf("want the inner %%t renamed %%t_1 and the else branch reading the outer %%t:\n%s", text)
	}
	x, _ := ir.FromFloat64s(ir.Float32, []int64{2}, []float64{-1, 2})
	for _, cond := range []bool{true, false} {
		in := map[string]*ir.Tensor{"x": x, "cond": {DType: ir.Bool, Shape: []int64{}, Data: []bool{cond}}}
		want, err1 := exec.NewInterpreter().Run(g, in)
		got, err2 := exec.NewInterpreter().Run(m.Graph, in)
		if err1 != nil || err2 != nil || !equalFloats(want["y"].Float64s(), got["y"].Float64s()) {
			t.Errorf("cond=%v: %v (%v), decoded %v (%v)", cond, want["y"], err1, got["y"], err2)
		}
	}
}

func TestEncodeModelErrors(t *testing.T) {
	if _, err := importer.EncodeModel(nil, nil); err == nil {
		t.Error("nil graph: no error")
	}
	g := &ir.Graph{Name: "g"}
	if _, err := importer.EncodeModel(g, nil); err == nil || !strings.Contains(err.Error(), "opset") {
		t.Errorf("no opsets: err = %v", err)
	}
	stray := &ir.Value{Name: "stray", DType: ir.Float32, Shape: ir.ShapeOf(2)}
	n := &ir.Node{Op: "Relu", Version: 14, Inputs: []*ir.Value{stray}}
	n.Outputs = []*ir.Value{{Name: "y", DType: ir.Float32, Shape: ir.ShapeOf(2), Producer: n}}
	g = &ir.Graph{Name: "g", Nodes: []*ir.Node{n}, Outputs: n.Outputs, Opsets: map[string]int64{"": 17}}
	if _, err := importer.EncodeModel(g, nil); err == nil || !strings.Contains(err.Error(), `"stray"`) {
		t.Errorf("undefined input: err = %v", err)
	}
}

// TestEncodeModelConformance round-trips the model of every ONNX backend
// test that imports (every op, attribute kind and value type they use), as
// imported and after optimization.
func TestEncodeModelConformance(t *testing.T) {
	root := os.Getenv("TFC_ONNX_BACKEND_TESTS")
	if root == "" {
		root = filepath.Join("..", "..", "shared", "onnx-backend-tests")
	}
	if _, err := os.Stat(filepath.Join(root, "node")); err != nil {
		t.Skipf("ONNX backend test data not found (set TFC_ONNX_BACKEND_TESTS): %v", err)
	}
	check := func(name string, g *ir.Graph, opsets map[string]int64) {
		data, err := importer.EncodeModel(g, opsets)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		back, err := importer.Decode(data, "")
		if err != nil {
			t.Errorf("%s: decoding the encoded model: %v", name, err)
			return
		}
		withTfcOpset(g)
		if want, got := ir.Print(g), ir.Print(back.Graph); got != want {
			t.Errorf("%s: round trip changed the graph:\n%s", name, firstDiff(want, got))
		}
	}
	models := 0
	for _, suite := range []string{"node", "simple", "pytorch-converted", "pytorch-operator"} {
		entries, _ := os.ReadDir(filepath.Join(root, suite))
		for _, e := range entries {
			m, err := importer.Load(filepath.Join(root, suite, e.Name(), "model.onnx"))
			if err != nil {
				continue // unsupported or deliberately broken models: the importer's tests cover them
			}
			models++
			name := suite + "/" + e.Name()
			check(name, m.Graph, m.Opsets)
			if _, err := passes.Optimize(m.Graph, passes.Options{Level: passes.Extended}); err == nil {
				check(name+" (optimized)", m.Graph, m.Opsets)
			}
		}
	}
	t.Logf("%d models round-trip", models)
	if models == 0 {
		t.Error("no model imported")
	}
}
