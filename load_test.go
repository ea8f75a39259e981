package tfc

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec/plan"
	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/ir"
)

// saved compiles the testmodel in dir and saves it as a .tfc file.
func saved(t *testing.T, dir string) string {
	t.Helper()
	m, err := Compile(filepath.Join(dir, "model.onnx"), CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(dir)+".tfc")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// runGoldens runs every data set of c twice in a session of m.
func runGoldens(t *testing.T, c *golden.Case, m *Model) {
	t.Helper()
	sess := m.NewSession()
	defer sess.Close()
	run := func(g *ir.Graph, in map[string]*ir.Tensor) (map[string]*ir.Tensor, error) { return sess.Run(in) }
	for round := 0; round < 2; round++ {
		if f := golden.Failure(golden.RunCase(c, run, golden.ModelDefault)); f != "" {
			t.Fatalf("round %d: %s", round, f)
		}
	}
}

// loaders are the two ways to load an artifact.
var loaders = map[string]func(string) (*Model, error){"Load": Load, "LoadMapped": LoadMapped}

// TestTestmodelsLoaded saves every testmodel, loads it with Load
// and with LoadMapped (weights used in place either way) and runs it
// against the goldens: every GEMM weight comes pre-packed from the
// artifact, none is packed at run time, and the weights stored as panels
// alone hold no row-major copy.
func TestTestmodelsLoaded(t *testing.T) {
	for _, dir := range testmodelDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			c, err := golden.LoadCase(dir)
			if err != nil {
				t.Fatal(err)
			}
			path := saved(t, dir)
			for name, load := range loaders {
				m, err := load(path)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				checkPrepacked(t, c, m)
			}
		})
	}
}

// checkPrepacked runs m, loaded from an artifact, against c's goldens and
// checks that every GEMM weight came pre-packed.
func checkPrepacked(t *testing.T, c *golden.Case, m *Model) {
	t.Helper()
	p := m.Plan()
	if len(p.Packed) == 0 {
		t.Fatal("no pre-packed weights")
	}
	for _, w := range p.Packed {
		if w.Only && w.Value.Const.Len() != 0 {
			t.Errorf("%s is stored as panels alone but holds row-major data", w.Value.Name)
		}
	}
	runGoldens(t, c, m)
	if s := m.exe.PackStats(); s != (plan.PackStats{Prepacked: len(p.Packed)}) {
		t.Errorf("pack stats %+v, want all %d weights pre-packed and none packed at run time", s, len(p.Packed))
	}
}

// TestLoadedArtifactRunAllocatesNothing: once it has run at a shape, a
// loaded or mapped model with pre-packed weights runs without allocating.
func TestLoadedArtifactRunAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("counts allocations (not under -race)")
	}
	dir := "testmodels/bert_op17"
	c, err := golden.LoadCase(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := saved(t, dir)
	for name, load := range loaders {
		m, err := load(path)
		if err != nil {
			t.Fatal(err)
		}
		sess := m.NewSession()
		in := c.Sets[0].Inputs
		for range 2 {
			if _, err := sess.Run(in); err != nil {
				t.Fatal(err)
			}
		}
		if a := testing.AllocsPerRun(10, func() { sess.Run(in) }); a != 0 {
			t.Errorf("%s: %v allocations per steady-state run", name, a)
		}
		sess.Close()
	}
}

// TestArtifactLayoutMismatch saves an artifact whose weights are
// packed in a layout that is not the running kernel's (7-row blocks of
// 5-column panels): Load unpacks them from the panels and they are packed
// at run time, with the same results.
func TestArtifactLayoutMismatch(t *testing.T) {
	dir := "testmodels/bert_op17"
	c, err := golden.LoadCase(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(filepath.Join(dir, "model.onnx"), CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	other := codegen.PackLayout{Name: "test-layout", Version: 1, KC: 7, NR: 5}
	for _, w := range m.Plan().Packed {
		w.Panels = codegen.PackPanels(other, w.Trans, w.K(), w.N(), w.Value.Const.Data.([]float32))
		w.Layout = other
	}
	path := filepath.Join(t.TempDir(), "other.tfc")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	if m, err = Load(path); err != nil {
		t.Fatal(err)
	}
	n := len(m.Plan().Packed)
	runGoldens(t, c, m)
	if s := m.exe.PackStats(); s.Prepacked != 0 || s.Mismatched != n || s.PackedAtRun != n {
		t.Errorf("pack stats %+v, want all %d mismatched and packed at run time", s, n)
	}
}

// TestLoadTimings prints the load time, first- and second-Run latency,
// the fastest later run (of TFC_LOAD_RUNS runs in all, default 3), each
// the fastest of TFC_LOAD_REPEAT tries (default 1) with a fresh Load, and
// the live heap of the .tfc named by TFC_LOAD_TIMING; it is skipped when
// that is unset:
//
//	TFC_LOAD_TIMING=model.tfc TFC_LOAD_REPEAT=5 TFC_LOAD_RUNS=20 go test -run LoadTimings -v .
//
// Inputs are ones of the inputs' declared shapes (symbolic dims as 1).
func TestLoadTimings(t *testing.T) {
	path := os.Getenv("TFC_LOAD_TIMING")
	if path == "" {
		t.Skip("set TFC_LOAD_TIMING=model.tfc")
	}
	repeat, _ := strconv.Atoi(os.Getenv("TFC_LOAD_REPEAT"))
	best := make([]time.Duration, 4)
	var heapLoad, heapRun float64
	for try := range max(repeat, 1) {
		times, hl, hr := loadAndRun(t, path)
		for i, d := range times {
			if try == 0 || d < best[i] {
				best[i] = d
			}
		}
		heapLoad, heapRun = hl, hr
	}
	t.Logf("%s: load %v, first Run %v, second %v, steady %v; live heap after load %.1f MiB, after the runs %.1f MiB",
		path, best[0], best[1], best[2], best[3], heapLoad, heapRun)
}

// loadAndRun loads path and runs it three times on inputs of ones: the
// durations of the load and of each run, and the live heap after the
// load and after the runs (MiB).
func loadAndRun(t *testing.T, path string) ([]time.Duration, float64, float64) {
	runtime.GC()
	t0 := time.Now()
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	times := []time.Duration{time.Since(t0)}
	heapLoad := heapMiB()
	in := map[string]*ir.Tensor{}
	for _, v := range m.Plan().Graph.Inputs {
		shape := make([]int64, len(v.Shape.Dims))
		for i, d := range v.Shape.Dims {
			shape[i] = max(d.Size, 1)
		}
		x, err := ir.NewTensor(v.DType, shape)
		if err != nil {
			t.Fatal(err)
		}
		switch d := x.Data.(type) {
		case []int64:
			for i := range d {
				d[i] = 1
			}
		case []float32:
			for i := range d {
				d[i] = 1
			}
		}
		in[v.Name] = x
	}
	sess := m.NewSession()
	defer sess.Close()
	runs, _ := strconv.Atoi(os.Getenv("TFC_LOAD_RUNS"))
	for i := range max(runs, 3) {
		t1 := time.Now()
		if _, err := sess.Run(in); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(t1); i < 3 {
			times = append(times, d)
		} else {
			times[3] = min(times[3], d)
		}
	}
	heapRun := heapMiB()
	runtime.KeepAlive(m)
	return times, heapLoad, heapRun
}

// heapMiB returns the live heap after a garbage collection, in MiB.
func heapMiB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}
