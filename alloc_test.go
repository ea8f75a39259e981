package tfc

import (
	"path/filepath"
	"testing"

	"github.com/tfc-project/tfc/golden"
)

// TestSteadyStateRunAllocatesNothing checks that, once a session has run
// at a shape, BERT and GPT-2 runs allocate nothing, single- and
// multi-threaded.
func TestSteadyStateRunAllocatesNothing(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("compiles two models; counts allocations (not under -race)")
	}
	for _, name := range []string{"bert_op17", "gpt2_op17"} {
		c, err := golden.LoadCase(filepath.Join("testmodels", name))
		if err != nil {
			t.Fatal(err)
		}
		m, err := CompileGraph(c.Model.Graph, CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, threads := range []int{1, 4} {
			sess := m.NewSession(WithThreads(threads))
			in := c.Sets[0].Inputs
			for range 2 {
				if _, err := sess.Run(in); err != nil {
					t.Fatal(err)
				}
			}
			if a := testing.AllocsPerRun(20, func() { sess.Run(in) }); a != 0 {
				t.Errorf("%s, %d threads: %v allocations per Run, want 0", name, threads, a)
			}
			sess.Close()
		}
	}
}
