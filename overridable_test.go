package tfc

import (
	"strings"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

// scaledGraph is y = x * w with w a graph input whose initializer is 2.
const scaledGraph = `graph (%x:f32[2], %w:f32[2]) -> (%y) {
  %w = const f32[2] [2, 2]
  %y:f32[2] = Mul %x, %w
}`

func runScaled(t *testing.T, opts CompileOptions, inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
	t.Helper()
	g, err := ir.Parse(scaledGraph)
	if err != nil {
		t.Fatal(err)
	}
	m, err := CompileGraph(g, opts)
	if err != nil {
		t.Fatal(err)
	}
	s := m.NewSession(WithThreads(1))
	defer s.Close()
	return s.Run(inputs)
}

// An initializer input is frozen unless named Overridable: supplying a
// frozen one is refused, never silently ignored.
func TestOverridableInitializers(t *testing.T) {
	x := &ir.Tensor{DType: ir.Float32, Shape: []int64{2}, Data: []float32{1, 3}}
	w := &ir.Tensor{DType: ir.Float32, Shape: []int64{2}, Data: []float32{10, 100}}

	out, err := runScaled(t, CompileOptions{}, map[string]*ir.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	if got := out["y"].Data.([]float32); got[0] != 2 || got[1] != 6 {
		t.Errorf("frozen: y = %v, want [2 6]", got)
	}
	_, err = runScaled(t, CompileOptions{}, map[string]*ir.Tensor{"x": x, "w": w})
	if err == nil || !strings.Contains(err.Error(), `unknown input(s) "w"`) {
		t.Errorf("frozen w supplied: error %v, want unknown input \"w\"", err)
	}

	out, err = runScaled(t, CompileOptions{Overridable: []string{"w"}}, map[string]*ir.Tensor{"x": x, "w": w})
	if err != nil {
		t.Fatal(err)
	}
	if got := out["y"].Data.([]float32); got[0] != 10 || got[1] != 300 {
		t.Errorf("overridden: y = %v, want [10 300]", got)
	}

	g, _ := ir.Parse(scaledGraph)
	if _, err := CompileGraph(g, CompileOptions{Overridable: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown overridable name: error %v, want one naming it", err)
	}
}
