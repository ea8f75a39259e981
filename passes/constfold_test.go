package passes

import (
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestFoldConstants(t *testing.T) {
	b := newBuilder()
	x := b.input("x", 5)
	r := b.out("Range", nil, b.constant(ir.Scalar(ir.Int64, 0)), b.constant(ir.Scalar(ir.Int64, 5)), b.constant(ir.Scalar(ir.Int64, 1)))
	shape := b.out("Shape", nil, r) // folds once Range has folded
	big := b.out("ConstantOfShape", nil, b.ints(2048, 1024))
	g := b.output(b.out("Reshape", nil, x, shape), big)
	c := Counters{}
	if err := foldConstants(g, c); err != nil {
		t.Fatal(err)
	}
	if got := opCounts(g); got["Range"] != 0 || got["Shape"] != 0 || got["ConstantOfShape"] != 1 {
		t.Errorf("ops after folding = %v, want Range and Shape folded, the 2M-element ConstantOfShape kept", got)
	}
	if shape.Const == nil || shape.Producer != nil {
		t.Fatal("Shape output is not a constant")
	}
	if got := shape.Const.Int64s(); len(got) != 1 || got[0] != 5 {
		t.Errorf("folded Shape = %v, want [5]", got)
	}
	if c["folded constants"] != 2 || c["not folded"] != 1 {
		t.Errorf("counters %v", c)
	}
}
