package elementwise_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

// tol is the tolerance of float results: relative 1e-6.
var tol = opstest.Tol{Rel: 1e-6}

// run runs one node of op at opset version on the inputs through the
// reference interpreter and returns its single output.
func run(t *testing.T, op string, version int64, attrs map[string]*ir.Attr, inputs ...*ir.Tensor) *ir.Tensor {
	t.Helper()
	return opstest.RunOp(t, op, version, attrs, 1, inputs...)[0]
}

// f32 makes a 1-D float32 tensor of the values.
func f32(v ...float64) *ir.Tensor { return opstest.F32(dims(int64(len(v))), v...) }

func dims(d ...int64) []int64 { return d }

var (
	nan = math.NaN()
	inf = math.Inf(1)
)
