package plan

import (
	"path/filepath"
	"testing"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/passes"
)

// TestProfile: a profiling runner accounts every step of its program to
// an operator, counts the runs since its reset, and stays silent when
// profiling is off.
func TestProfile(t *testing.T) {
	c, err := golden.LoadCase(filepath.Join("..", "..", "testmodels", "bert_op17"))
	if err != nil {
		t.Fatal(err)
	}
	g := c.Model.Graph
	if _, err := passes.Optimize(g, passes.Options{Level: passes.Extended}); err != nil {
		t.Fatal(err)
	}
	p, err := codegen.Lower(g, codegen.Options{Target: Target{}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	r := e.NewRunner()
	in := c.Sets[0].Inputs
	if _, err := r.Run(in); err != nil {
		t.Fatal(err)
	}
	if ops, runs := r.Profile(); ops != nil || runs != 0 {
		t.Fatalf("profile without profiling: %v, %d runs", ops, runs)
	}
	r.SetProfiling(true)
	for range 2 {
		if _, err := r.Run(in); err != nil {
			t.Fatal(err)
		}
	}
	r.ResetProfile()
	for range 3 {
		if _, err := r.Run(in); err != nil {
			t.Fatal(err)
		}
	}
	ops, runs := r.Profile()
	if runs != 3 {
		t.Errorf("%d runs profiled, want 3", runs)
	}
	steps, seen := 0, map[string]bool{}
	for i, o := range ops {
		steps += o.Steps
		seen[o.Op] = true
		if i > 0 && o.Total > ops[i-1].Total {
			t.Errorf("%s (%v) after %s (%v): not slowest first", o.Op, o.Total, ops[i-1].Op, ops[i-1].Total)
		}
	}
	if steps != len(p.Steps) {
		t.Errorf("profile covers %d steps, the plan has %d", steps, len(p.Steps))
	}
	if !seen["ai.tfc:Attention"] || ops[0].Total <= 0 {
		t.Errorf("profile %+v lacks Attention or measured nothing", ops)
	}
}
