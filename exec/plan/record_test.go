package plan

import (
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/ir"
	"github.com/tfc-project/tfc/passes"
)

// refCounter counts the calls of the reference kernels by qualified op.
type refCounter struct {
	mu sync.Mutex
	n  map[string]int
}

// count returns the calls of ops so far.
func (c *refCounter) count(ops ...string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := 0
	for _, op := range ops {
		k += c.n[op]
	}
	return k
}

// countRefs makes e's reference kernels count their calls.
func countRefs(e *Executor) *refCounter {
	c := &refCounter{n: map[string]int{}}
	reg := kernel.Registry{}
	for op, f := range exec.ReferenceKernels() {
		reg[op] = func(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
			c.mu.Lock()
			c.n[op]++
			c.mu.Unlock()
			return f(ctx, in)
		}
	}
	e.interp = exec.NewInterpreterWith(reg)
	return c
}

// heavyOps are the ops whose reference kernels a first run must not call.
var heavyOps = []string{"ai.tfc:Linear", "MatMul", "Gemm", "ai.tfc:Attention"}

// compileCase optimizes a testmodel and lowers it for the CPU target,
// with its inputs fixed to the shapes of data set 0 when static.
func compileCase(t *testing.T, dir string, static bool) (*golden.Case, *codegen.Plan) {
	t.Helper()
	c, err := golden.LoadCase(dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := golden.LoadCase(dir) // the graph the plan does not own
	if err != nil {
		t.Fatal(err)
	}
	g := c.Model.Graph
	g.Inputs = slices.DeleteFunc(g.Inputs, func(v *ir.Value) bool { return v.Const != nil })
	if _, err := passes.Optimize(g, passes.Options{Level: passes.Extended}); err != nil {
		t.Fatal(err)
	}
	opts := codegen.Options{Target: Target{}}
	if static {
		opts.Shapes = map[string][]int64{}
		for name, x := range c.Sets[0].Inputs {
			opts.Shapes[name] = x.Shape
		}
	}
	p, err := codegen.Lower(g, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ref, p
}

// checkGoldens compares a run's outputs with a data set's.
func checkGoldens(t *testing.T, what string, got map[string]*ir.Tensor, ds golden.DataSet) {
	t.Helper()
	for _, w := range ds.Outputs {
		if r := golden.Compare(got[w.Name], w.Tensor, golden.ModelDefault); !r.Pass {
			t.Errorf("%s: output %q: %s", what, w.Name, r.Reason)
		}
	}
}

// TestFirstRunSkipsHeavyReferenceKernels runs BERT and GPT-2, symbolic
// and with static shapes, at each data set's shape twice: no run, the
// first at a shape included, calls the reference kernels of the matrix
// products or attention, and every run matches the goldens.
func TestFirstRunSkipsHeavyReferenceKernels(t *testing.T) {
	for _, name := range []string{"bert_op17", "gpt2_op17"} {
		for _, static := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/static=%v", name, static), func(t *testing.T) {
				c, p := compileCase(t, filepath.Join("..", "..", "testmodels", name), static)
				e, err := New(p)
				if err != nil {
					t.Fatal(err)
				}
				refs := countRefs(e)
				r := e.NewRunnerThreads(2)
				defer r.Close()
				sets := c.Sets
				if static {
					sets = sets[:1]
				}
				for _, ds := range sets {
					for round := range 2 {
						got, err := r.Run(ds.Inputs)
						if err != nil {
							t.Fatal(err)
						}
						what := fmt.Sprintf("%s round %d", ds.Name, round)
						checkGoldens(t, what, got, ds)
						if k := refs.count(heavyOps...); k != 0 {
							t.Fatalf("%s: %d calls of the reference kernels of %v", what, k, heavyOps)
						}
					}
				}
				e.mu.Lock()
				defer e.mu.Unlock()
				if len(e.sigs) != len(sets) {
					t.Errorf("%d signatures, want %d", len(e.sigs), len(sets))
				}
				for _, s := range e.sigs {
					if s.dynamic {
						t.Errorf("signature %v is dynamic", s.key)
					}
				}
			})
		}
	}
}

// TestRecordShapesMatchesReference records every testmodel's data sets
// both ways, by inference (newSignature) and by a reference run of the
// whole graph (record): the shapes, parameters and memory plans agree,
// inference runs no heavy reference kernel, and runs match the goldens.
func TestRecordShapesMatchesReference(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "testmodels", "*", "model.onnx"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no testmodels: %v", err)
	}
	for _, path := range dirs {
		dir := filepath.Dir(path)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c, p := compileCase(t, dir, false)
			if p.Interpreted != "" {
				t.Skipf("interpreted: %s", p.Interpreted)
			}
			e, err := New(p)
			if err != nil {
				t.Fatal(err)
			}
			refs := countRefs(e)
			heavy := append([]string{"Conv", "ai.tfc:RotaryEmbedding"}, heavyOps...)
			for _, ds := range c.Sets {
				before := refs.count(heavy...)
				got, outs, err := e.newSignature(ds.Inputs)
				if err != nil {
					t.Fatal(err)
				}
				if k := refs.count(heavy...) - before; k != 0 {
					t.Errorf("%s: recording called %d heavy reference kernels", ds.Name, k)
				}
				if outs != nil {
					t.Fatalf("%s: inference left a shape unknown: a reference run of the whole graph", ds.Name)
				}
				want, _, err := e.record(ds.Inputs)
				if err != nil {
					t.Fatal(err)
				}
				for id, sh := range want.shapes {
					if !slices.Equal(got.shapes[id], sh) || (got.shapes[id] == nil) != (sh == nil) {
						t.Errorf("%s: %s: shape %v, want %v", ds.Name, p.Values[id].Name, got.shapes[id], sh)
					}
				}
				for si := range want.params {
					for slot, w := range want.params[si] {
						var g *ir.Tensor
						if got.params[si] != nil {
							g = got.params[si][slot]
						}
						if (g == nil) != (w == nil) || w != nil && !slices.Equal(codegen.Raw(g.Data), codegen.Raw(w.Data)) {
							t.Errorf("%s: %s: parameter %d is %v, want %v", ds.Name, p.Steps[si].Node.Describe(), slot, g, w)
						}
					}
				}
				if got.mem.ArenaBytes != want.mem.ArenaBytes {
					t.Errorf("%s: arena of %d bytes, want %d", ds.Name, got.mem.ArenaBytes, want.mem.ArenaBytes)
				}
			}
			// Runs at the inferred plans match the goldens, and no
			// inferred shape is contradicted (which would make the
			// signature dynamic).
			r := e.NewRunner()
			for _, ds := range c.Sets {
				for round := range 2 {
					got, err := r.Run(ds.Inputs)
					if err != nil {
						t.Fatal(err)
					}
					checkGoldens(t, fmt.Sprintf("%s round %d", ds.Name, round), got, ds)
				}
			}
			for _, s := range e.sigs {
				if s.dynamic {
					t.Errorf("signature %v is dynamic", s.key)
				}
			}
			rp := e.rp.Load()
			t.Logf("%d of %d values needed to plan, %d steps learnt", count(rp.need), len(rp.need), count(rp.run))
		})
	}
}

// count returns the number of true elements.
func count(b []bool) int {
	k := 0
	for _, x := range b {
		if x {
			k++
		}
	}
	return k
}

// nonZeroGraph's output length is the count of nonzero x·W: NonZero's
// shape depends on data.
const nonZeroGraph = `graph nz(%x:f32[N,2]) -> (%y) {
  opset "" 17
  %w = const f32[2,2] [1.0, 0.0, 0.0, 1.0]
  %flat = const i64[1] [-1]
  %h = MatMul %x, %w
  %nz = NonZero %h
  %r = Reshape %nz, %flat
  %c = Cast %r {to=1}
  %y = Add %c, %c
}`

// TestDataDependentShapes runs a graph whose shapes depend on data: the
// first recording learns that NonZero runs its reference kernel (and so
// the MatMul it reads), a run at the same shape with another count of
// nonzeros makes the signature dynamic (interpreted), and when learning
// is not allowed the whole graph runs on the reference kernels once.
func TestDataDependentShapes(t *testing.T) {
	p := lowerNonZero(t)
	x := func(v ...float32) map[string]*ir.Tensor {
		return map[string]*ir.Tensor{"x": {DType: ir.Float32, Shape: []int64{int64(len(v) / 2), 2}, Data: v}}
	}
	check := func(r *Runner, in map[string]*ir.Tensor) {
		t.Helper()
		want, err := exec.NewInterpreter().Run(p.Graph, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		if w, g := want["y"], got["y"]; !slices.Equal(w.Shape, g.Shape) || !slices.Equal(w.Data.([]float32), g.Data.([]float32)) {
			t.Fatalf("y = %v %v, want %v %v", g.Shape, g.Data, w.Shape, w.Data)
		}
	}
	e, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	r := e.NewRunner()
	check(r, x(1, 0, 0, 2, 3, 0))
	if rp := e.rp.Load(); count(rp.run) != 1 || !rp.run[1] {
		t.Errorf("steps learnt %v, want NonZero's", rp.run)
	}
	if e.sigs[0].dynamic || len(r.progs) != 1 {
		t.Fatal("the first run at a shape is dynamic")
	}
	check(r, x(1, 0, 0, 2, 3, 0)) // the planned program
	check(r, x(1, 1, 0, 2, 3, 0)) // four nonzeros instead of three
	if !e.sigs[0].dynamic || len(r.progs) != 0 {
		t.Error("the signature is not dynamic after a run that contradicts it")
	}
	check(r, x(1, 1, 1, 2, 3, 0))
	check(r, x(1, 1, 0, 2, 3, 4, 5, 6)) // a new shape: learnt already
	if e.sigs[1].dynamic || len(r.progs) != 1 {
		t.Error("the second shape is dynamic")
	}

	defer func(n int) { maxRelearn = n }(maxRelearn)
	maxRelearn = 0
	e, err = New(p)
	if err != nil {
		t.Fatal(err)
	}
	refs := countRefs(e)
	r = e.NewRunner()
	check(r, x(1, 0, 0, 2, 3, 0))
	if k := refs.count("MatMul"); k != 1 {
		t.Errorf("%d reference MatMuls, want 1 (a reference run of the whole graph)", k)
	}
	check(r, x(1, 0, 0, 2, 3, 0))
	if k := refs.count("MatMul"); k != 1 {
		t.Errorf("%d reference MatMuls after the second run, want 1", k)
	}
}

// lowerNonZero parses nonZeroGraph and lowers it for the CPU.
func lowerNonZero(t *testing.T) *codegen.Plan {
	t.Helper()
	g, err := ir.Parse(nonZeroGraph)
	if err != nil {
		t.Fatal(err)
	}
	if err := ir.InferShapes(g); err != nil {
		t.Fatal(err)
	}
	p, err := codegen.Lower(g, codegen.Options{Target: Target{}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConcurrentLearning records the NonZero graph from 8 runners at
// once, at shapes of their own and a shared one (run it with -race).
func TestConcurrentLearning(t *testing.T) {
	p := lowerNonZero(t)
	e, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.NewRunner()
			for _, rows := range []int{i + 1, 9} {
				x := make([]float32, 2*rows)
				for j := range x {
					x[j] = float32(j % 3)
				}
				got, err := r.Run(map[string]*ir.Tensor{"x": {DType: ir.Float32, Shape: []int64{int64(rows), 2}, Data: x}})
				if err != nil {
					t.Error(err)
					return
				}
				nonzero := 0
				for _, v := range x {
					if v != 0 {
						nonzero++
					}
				}
				if y := got["y"]; len(y.Shape) != 1 || y.Shape[0] != int64(2*nonzero) {
					t.Errorf("%d rows: y of shape %v, want [%d]", rows, y.Shape, 2*nonzero)
				}
			}
		}()
	}
	wg.Wait()
	if rp := e.rp.Load(); count(rp.run) != 1 {
		t.Errorf("%d steps learnt, want 1", count(rp.run))
	}
}
