package passes

import (
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestDeadCodeRemovesUnusedNodesAndInitializers(t *testing.T) {
	b := newBuilder()
	x := b.input("x", 2, 3)
	unusedWeight := b.ints(1, 0)
	b.out("Transpose", map[string]*ir.Attr{"perm": intsAttr(1, 0)}, x)
	b.out("Neg", nil, b.out("Abs", nil, x)) // dead chain
	y := b.out("Relu", nil, x)
	b.out("Reshape", nil, x, unusedWeight) // dead, and its constant with it
	g := b.output(y)
	c := Counters{}
	if err := deadCode(g, c); err != nil {
		t.Fatal(err)
	}
	if got := opCounts(g); len(got) != 1 || got["Relu"] != 1 {
		t.Errorf("ops after dce = %v, want only Relu", got)
	}
	if len(g.Initializers) != 0 || c["removed nodes"] != 4 || c["removed initializers"] != 1 {
		t.Errorf("initializers %d, counters %v", len(g.Initializers), c)
	}
}

func TestDeadCodeKeepsValuesReadByNestedGraphs(t *testing.T) {
	b := newBuilder()
	x := b.input("x", 2)
	cond := b.input("cond")
	outer := b.out("Abs", nil, x) // read only inside the branch
	branch := &ir.Graph{Name: "then", Outputs: []*ir.Value{outer}}
	other := &ir.Graph{Name: "else", Outputs: []*ir.Value{x}}
	y := b.out("If", map[string]*ir.Attr{
		"then_branch": {Kind: ir.AttrGraph, Graph: branch},
		"else_branch": {Kind: ir.AttrGraph, Graph: other},
	}, cond)
	g := b.output(y)
	if err := deadCode(g, Counters{}); err != nil {
		t.Fatal(err)
	}
	if got := opCounts(g); got["Abs"] != 1 || got["If"] != 1 {
		t.Errorf("ops after dce = %v, want Abs kept for the branch", got)
	}
}
