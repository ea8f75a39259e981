package passes

import (
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestRemoveIdentities(t *testing.T) {
	b := newBuilder()
	x := b.input("x", 4)
	id := b.out("Identity", nil, x)
	drop := b.out("Dropout", nil, b.out("Identity", nil, id))
	y := b.out("Relu", nil, drop)
	last := b.out("Identity", nil, y) // a graph output: Relu computes it, under its name
	g := b.output(last)
	c := Counters{}
	if err := removeIdentities(g, c); err != nil {
		t.Fatal(err)
	}
	got := opCounts(g)
	if got["Identity"] != 0 || got["Dropout"] != 0 || got["Relu"] != 1 {
		t.Errorf("ops = %v, want Relu only", got)
	}
	relu := g.Nodes[0]
	if relu.Op != "Relu" || relu.Inputs[0] != x {
		t.Errorf("Relu reads %v, want the graph input", relu.Inputs[0].Name)
	}
	if relu.Outputs[0] != last || last.Producer != relu || g.Outputs[0] != last {
		t.Errorf("Relu writes %q, want the graph output %q", relu.Outputs[0].Name, last.Name)
	}
	if c["removed Identity"] != 3 || c["removed Dropout"] != 1 {
		t.Errorf("counters %v", c)
	}
}

func TestOutputIdentityOfSharedValueStays(t *testing.T) {
	b := newBuilder()
	x := b.input("x", 4)
	y := b.out("Relu", nil, x)
	g := b.output(b.out("Identity", nil, y), b.out("Neg", nil, y), b.out("Identity", nil, x))
	if err := removeIdentities(g, Counters{}); err != nil {
		t.Fatal(err)
	}
	if got := opCounts(g)["Identity"]; got != 2 {
		t.Errorf("%d Identity nodes, want 2: of a value read twice and of a graph input", got)
	}
}

func TestDropoutWithUsedMaskStays(t *testing.T) {
	b := newBuilder()
	x := b.input("x", 4)
	n := b.op("Dropout", nil, x)
	mask := &ir.Value{Name: "mask", Producer: n}
	n.Outputs = append(n.Outputs, mask)
	g := b.output(b.out("Relu", nil, n.Outputs[0]), mask)
	if err := removeIdentities(g, Counters{}); err != nil {
		t.Fatal(err)
	}
	if opCounts(g)["Dropout"] != 1 {
		t.Error("Dropout whose mask is a graph output was removed")
	}
}
