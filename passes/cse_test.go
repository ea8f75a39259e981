package passes

import (
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestCSEMergesEqualNodesAndConstants(t *testing.T) {
	b := newBuilder()
	x := b.input("x", 2, 3)
	perm := map[string]*ir.Attr{"perm": intsAttr(1, 0)}
	t1 := b.out("Transpose", perm, x)
	t2 := b.out("Transpose", map[string]*ir.Attr{"perm": intsAttr(1, 0)}, x)
	t3 := b.out("Transpose", map[string]*ir.Attr{"perm": intsAttr(0, 1)}, x) // other attrs: kept
	s1 := b.out("Reshape", nil, t1, b.ints(6))
	s2 := b.out("Reshape", nil, t2, b.ints(6)) // equal constant, equal input after merging
	g := b.output(s1, b.out("Add", nil, s2, b.out("Reshape", nil, t3, b.ints(6))))
	c := Counters{}
	if err := eliminateCommonSubexpressions(g, c); err != nil {
		t.Fatal(err)
	}
	if got := opCounts(g); got["Transpose"] != 2 || got["Reshape"] != 2 {
		t.Errorf("ops after cse = %v, want 2 Transpose and 2 Reshape", got)
	}
	if c["merged nodes"] != 2 || c["merged constants"] != 2 {
		t.Errorf("counters %v", c)
	}
}

func TestCSEKeepsOverridableInitializers(t *testing.T) {
	b := newBuilder()
	x := b.input("x", 2)
	k1 := b.ints(1)
	k2 := b.ints(1)
	b.g.Inputs = append(b.g.Inputs, k2) // an initializer the caller may override
	g := b.output(b.out("Add", nil, x, k1), b.out("Mul", nil, x, k2))
	if err := eliminateCommonSubexpressions(g, Counters{}); err != nil {
		t.Fatal(err)
	}
	if g.Nodes[1].Inputs[1] != k2 {
		t.Error("an overridable initializer was merged with a constant")
	}
}
