package tfc

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/ir"
)

// roundTrip compiles a case's model, writes and reads the artifact, and
// returns the loaded model.
func roundTrip(t testing.TB, c *golden.Case) *Model {
	t.Helper()
	m, err := Compile(filepath.Join(c.Dir, "model.onnx"), CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	data := codegen.AlignedBytes(int64(buf.Len()))
	copy(data, buf.Bytes())
	p, err := codegen.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := FromPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	return loaded
}

func testmodelDirs(t testing.TB) []string {
	dirs, err := filepath.Glob("testmodels/*/model.onnx")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no testmodels: %v", err)
	}
	for i, d := range dirs {
		dirs[i] = filepath.Dir(d)
	}
	return dirs
}

// TestTestmodelsThroughArtifact runs every testmodel through compile,
// artifact round trip and one unspecialized session, every data set twice
// (the first run at a shape plans it, the second uses the arena), against
// the goldens and the reference interpreter.
func TestTestmodelsThroughArtifact(t *testing.T) {
	interp := exec.NewInterpreter()
	for _, dir := range testmodelDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			c, err := golden.LoadCase(dir)
			if err != nil {
				t.Fatal(err)
			}
			m := roundTrip(t, c)
			sess := m.NewSession()
			run := func(g *ir.Graph, in map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
				return sess.Run(in)
			}
			for round := 0; round < 2; round++ {
				if f := golden.Failure(golden.RunCase(c, run, golden.ModelDefault)); f != "" {
					t.Fatalf("round %d: %s", round, f)
				}
			}
			ref, err := golden.LoadCase(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, ds := range ref.Sets {
				want, err := interp.Run(ref.Model.Graph, ds.Inputs)
				if err != nil {
					t.Fatal(err)
				}
				got, err := sess.Run(ds.Inputs)
				if err != nil {
					t.Fatal(err)
				}
				for name, w := range want {
					if r := golden.Compare(got[name], w, golden.ModelDefault); !r.Pass {
						t.Errorf("%s output %q vs interpreter: %s", ds.Name, name, r.Reason)
					}
				}
			}
		})
	}
}

// TestConcurrentSessions runs one model from 8 goroutines at once (run it
// with -race).
func TestConcurrentSessions(t *testing.T) {
	c, err := golden.LoadCase("testmodels/bert_op17")
	if err != nil {
		t.Fatal(err)
	}
	m := roundTrip(t, c)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sess := m.NewSession()
			run := func(g *ir.Graph, in map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
				return sess.Run(in)
			}
			for range 3 {
				if f := golden.Failure(golden.RunCase(c, run, golden.ModelDefault)); f != "" {
					errs <- f
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for f := range errs {
		t.Error(f)
	}
}

func TestLoadRefusesGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.tfc")
	if err := os.WriteFile(path, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil {
		t.Fatal("Load accepted garbage")
	}
}
