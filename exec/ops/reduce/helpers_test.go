package reduce_test

import (
	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

// tol is the tolerance of float results: 1e-7 relative to values above 1,
// absolute below.
var tol = opstest.Tol{Rel: 1e-7, Abs: 1e-7}

func shape(dims ...int64) []int64 { return dims }

func f32(s []int64, v ...float64) *ir.Tensor { return opstest.F32(s, v...) }
func i64(s []int64, v ...float64) *ir.Tensor { return opstest.I64(s, v...) }
