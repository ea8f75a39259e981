package opstest_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestTolClose(t *testing.T) {
	rel := opstest.Tol{Rel: 1e-6}
	floor := opstest.Tol{Rel: 1e-6, Abs: 1e-6}
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		tol  opstest.Tol
		g, w float64
		want bool
	}{
		{rel, 1, 1, true},
		{rel, 1 + 1e-7, 1, true},
		{rel, 1 + 1e-5, 1, false},
		{rel, 1e-7, 0, false}, // relative only: zero wants zero
		{floor, 1e-7, 0, true},
		{floor, 2e-6, 0, false},
		{floor, 1000.0005, 1000, true},
		{floor, 1000.002, 1000, false},
		{rel, nan, nan, true},
		{rel, nan, 1, false},
		{rel, 1, nan, false},
		{rel, inf, inf, true},
		{rel, 1e300, inf, false},
		{rel, -inf, inf, false},
		{opstest.Tol{}, 1, 1 + 1e-15, false},
	} {
		if got := c.tol.Close(c.g, c.w); got != c.want {
			t.Errorf("%+v.Close(%v, %v) = %v, want %v", c.tol, c.g, c.w, got, c.want)
		}
	}
}

func TestNodeAndAttrs(t *testing.T) {
	x := opstest.F32([]int64{2}, 1, 2)
	n := opstest.Node("com.microsoft:Op", 1, opstest.Attrs("i", 1, "f", 0.5, "s", "x", "is", []int64{1}), 2, x, nil)
	if n.Domain != "com.microsoft" || n.Op != "Op" || len(n.Inputs) != 2 || n.Inputs[1] != nil || len(n.Outputs) != 2 {
		t.Errorf("node %+v", n)
	}
	a := n.Attrs
	if a["i"].Kind != ir.AttrInt || a["f"].Float != 0.5 || a["s"].String != "x" || a["is"].Kind != ir.AttrInts {
		t.Errorf("attrs %v", a)
	}
}

func TestSame(t *testing.T) {
	a := opstest.F32([]int64{2}, 1, 2)
	b := opstest.F32([]int64{2}, 1, 2.000001)
	if opstest.Same(a, b, opstest.Tol{}) || !opstest.Same(a, b, opstest.Tol{Abs: 1e-5}) {
		t.Error("float data: exact without a tolerance, close with one")
	}
	if opstest.Same(a, opstest.F32([]int64{1, 2}, 1, 2), opstest.Tol{Abs: 1}) || opstest.Same(nil, a, opstest.Tol{}) {
		t.Error("shape or missing tensor not told apart")
	}
	if !opstest.Same(opstest.Strs([]int64{1}, "a"), opstest.Strs([]int64{1}, "a"), opstest.Tol{Abs: 1}) {
		t.Error("strings")
	}
}
