package passes

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/ir"
)

// rewriteCase is a before/after test of one pass in the text IR.
type rewriteCase struct {
	name, before, want string
	counter            string // a counter the pass must raise ("" for none)
}

// checkRewrites runs pass (then dce) on each case's before graph, checks
// it verifies, prints as want, raised the counter, and computes outputs
// identical bit for bit to the before graph's on random inputs.
func checkRewrites(t *testing.T, pass func(*ir.Graph, Counters) error, cases []rewriteCase) {
	t.Helper()
	checkRewritesTol(t, pass, 0, cases)
}

// checkRewritesTol is checkRewrites for a rewrite into an op that computes
// the same function in another order: outputs agree to a relative
// tolerance tol of the largest output magnitude (0: bit for bit).
func checkRewritesTol(t *testing.T, pass func(*ir.Graph, Counters) error, tol float64, cases []rewriteCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			orig, err := ir.Parse(tc.before)
			if err != nil {
				t.Fatal(err)
			}
			g, _ := ir.Parse(tc.before)
			want, err := ir.Parse(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			c := Counters{}
			if err := pass(g, c); err != nil {
				t.Fatal(err)
			}
			if err := ir.Verify(g); err != nil {
				t.Fatalf("after the pass: %v\n%s", err, ir.Print(g))
			}
			if err := deadCode(g, Counters{}); err != nil {
				t.Fatal(err)
			}
			if got := ir.Print(g); strings.TrimSpace(got) != strings.TrimSpace(ir.Print(want)) {
				t.Errorf("got\n%s\nwant\n%s", got, ir.Print(want))
			}
			if tc.counter != "" && c[tc.counter] == 0 {
				t.Errorf("counter %q not raised: %v", tc.counter, c)
			}
			if tc.counter == "" && len(c) != 0 {
				t.Errorf("counters raised on a graph left alone: %v", c)
			}
			sameOutputs(t, orig, g, tol)
		})
	}
}

// sameOutputs runs a and b on the same random inputs (fixed shapes) with
// the reference interpreter and wants identical outputs (within tol of the
// largest magnitude when tol > 0).
func sameOutputs(t *testing.T, a, b *ir.Graph, tol float64) {
	t.Helper()
	rng := rand.New(rand.NewSource(1))
	inputs := map[string]*ir.Tensor{}
	for _, in := range a.Inputs {
		if in.Const != nil {
			continue
		}
		dims := make([]int64, in.Shape.Rank())
		for i, d := range in.Shape.Dims {
			if !d.Known() {
				t.Fatalf("input %s has a symbolic shape", in.Name)
			}
			dims[i] = d.Size
		}
		size := 1
		for _, d := range dims {
			size *= int(d)
		}
		vals := make([]float64, size)
		for i := range vals {
			vals[i] = rng.NormFloat64() * 3
		}
		tt, err := ir.FromFloat64s(in.DType, dims, vals)
		if err != nil {
			t.Fatal(err)
		}
		inputs[in.Name] = tt
	}
	interp := exec.NewInterpreter()
	wa, err := interp.Run(a, inputs)
	if err != nil {
		t.Fatalf("before: %v", err)
	}
	wb, err := interp.Run(b, inputs)
	if err != nil {
		t.Fatalf("after: %v", err)
	}
	for name, x := range wa {
		y := wb[name]
		if y == nil || x.DType != y.DType || !ir.ShapeOf(x.Shape...).Equal(ir.ShapeOf(y.Shape...)) {
			t.Errorf("output %s: %v before, %v after", name, x, y)
			continue
		}
		xs, ys := x.Float64s(), y.Float64s()
		scale := 0.0
		for _, v := range xs {
			scale = max(scale, math.Abs(v))
		}
		for i := range xs {
			if tol > 0 && math.Abs(xs[i]-ys[i]) <= tol*scale {
				continue
			}
			if math.Float64bits(xs[i]) != math.Float64bits(ys[i]) {
				t.Errorf("output %s[%d]: %v before, %v after", name, i, xs[i], ys[i])
				break
			}
		}
	}
}
