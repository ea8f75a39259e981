package nn_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

// tol is the tolerance of float results: 1e-6 relative to values above 1,
// absolute below.
var tol = opstest.Tol{Rel: 1e-6, Abs: 1e-6}

func shape(dims ...int64) []int64 { return dims }

func f32(s []int64, v ...float64) *ir.Tensor { return opstest.F32(s, v...) }

// seq returns 1, 2, ..., n.
func seq(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i + 1)
	}
	return v
}

// fails checks that running op gives an error (what says why it should)
// and not a recovered panic.
func fails(t *testing.T, what, op string, version int64, at map[string]*ir.Attr, inputs ...*ir.Tensor) {
	t.Helper()
	_, err := opstest.TryOp(op, version, at, 1, inputs...)
	opstest.CheckErr(t, what, err, "")
}
