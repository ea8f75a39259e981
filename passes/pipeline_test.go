package passes

import (
	"errors"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func identityChain() *ir.Graph {
	b := newBuilder()
	x := b.input("x", 3)
	return b.output(b.out("Relu", nil, b.out("Identity", nil, b.out("Identity", nil, x))))
}

func TestOptimizeRunsLevelsAndDisables(t *testing.T) {
	g := identityChain()
	st, err := Optimize(g, Options{Level: Basic, Disable: []string{"identity"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.NodesBefore != 3 || st.NodesAfter != 3 {
		t.Errorf("with identity disabled: nodes %d -> %d, want 3 -> 3", st.NodesBefore, st.NodesAfter)
	}
	for _, p := range st.Passes {
		if p.Name == "identity" {
			t.Error("disabled pass ran")
		}
	}
	st, err = Optimize(g, Options{Level: Basic})
	if err != nil {
		t.Fatal(err)
	}
	if st.NodesAfter != 1 || !strings.Contains(st.String(), "removed Identity: 2") {
		t.Errorf("stats:\n%s", st)
	}
	if st, _ := Optimize(identityChain(), Options{Level: None}); len(st.Passes) != 0 {
		t.Errorf("level None ran %d passes", len(st.Passes))
	}
}

func TestOptimizeRefusesUnknownPassAndNamesFailingPass(t *testing.T) {
	if _, err := Optimize(identityChain(), Options{Level: Basic, Disable: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), `unknown pass "nope"`) {
		t.Errorf("err = %v", err)
	}
	broken := errors.New("dangling value")
	_, err := Optimize(identityChain(), Options{Level: Basic, Verify: func(*ir.Graph) error { return broken }})
	if !errors.Is(err, broken) || !strings.Contains(err.Error(), `after pass "early dce"`) {
		t.Errorf("err = %v, want the first pass named", err)
	}
}
