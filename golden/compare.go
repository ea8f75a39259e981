// Package golden runs models against stored reference outputs: it reads
// model folders in the ONNX test-data layout (model.onnx,
// test_data_set_N/input_K.pb, output_K.pb) and compares computed tensors
// with the expected ones. The CLI's `tfc test`, the conformance suite and
// the testmodels tests all use it, so there is one definition of "matches".
package golden

import (
	"fmt"
	"math"
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// Tolerance says how close a result must be to its reference. An element
// passes when |got-want| <= Atol + Rtol*|want| (numpy's allclose, which the
// ONNX backend tests use with Rtol 1e-3, Atol 1e-7). When MaxRel is set the
// whole tensor must also have relative error (see Result.MaxRel) at most
// MaxRel.
type Tolerance struct {
	Rtol, Atol float64
	MaxRel     float64
}

// ONNXDefault is the tolerance of the ONNX backend test runner.
var ONNXDefault = Tolerance{Rtol: 1e-3, Atol: 1e-7}

// ModelDefault is the tolerance for whole float32 models (the testmodels and
// `tfc test`): rounding accumulates through the layers, so elements near
// zero get an absolute slack of 1e-5, and the tensor-wide relative error
// must stay at most 1e-4.
var ModelDefault = Tolerance{Rtol: 1e-3, Atol: 1e-5, MaxRel: 1e-4}

// Result is the outcome of comparing one tensor.
type Result struct {
	// MaxAbs is max |got-want| over all elements.
	MaxAbs float64
	// MaxRel is the tensor-wide relative error max|got-want| / max(max|want|, 1e-6),
	// the metric tfc reports everywhere.
	MaxRel float64
	// Pass is true when every element is within tolerance.
	Pass bool
	// Reason explains a failure (shape or dtype mismatch, first bad element).
	Reason string
}

// relFloor keeps the relative error finite for all-zero references.
const relFloor = 1e-6

// Compare checks got against want. NaN matches NaN and infinities must
// match exactly; strings and bools must be equal.
func Compare(got, want *ir.Tensor, tol Tolerance) Result {
	if got == nil {
		return Result{Reason: "no output computed", MaxAbs: math.Inf(1), MaxRel: math.Inf(1)}
	}
	if got.DType != want.DType {
		return Result{Reason: fmt.Sprintf("dtype %v, want %v", got.DType, want.DType), MaxAbs: math.Inf(1), MaxRel: math.Inf(1)}
	}
	if !slices.Equal(got.Shape, want.Shape) {
		return Result{Reason: fmt.Sprintf("shape %v, want %v", got.Shape, want.Shape), MaxAbs: math.Inf(1), MaxRel: math.Inf(1)}
	}
	if got.Len() != want.Len() {
		return Result{Reason: fmt.Sprintf("%d elements, want %d", got.Len(), want.Len()), MaxAbs: math.Inf(1), MaxRel: math.Inf(1)}
	}
	if g, ok := got.Data.([]string); ok {
		w := want.Data.([]string)
		for i := range g {
			if g[i] != w[i] {
				return Result{Reason: fmt.Sprintf("element %d is %q, want %q", i, g[i], w[i]), MaxAbs: math.Inf(1), MaxRel: math.Inf(1)}
			}
		}
		return Result{Pass: true}
	}
	if want.DType.IsInt() || want.DType == ir.Bool {
		return compareExact(got.Int64s(), want.Int64s())
	}
	return compareFloats(got.Float64s(), want.Float64s(), tol)
}

func compareExact(g, w []int64) Result {
	r := Result{Pass: true}
	maxWant := 0.0
	for i := range g {
		d := math.Abs(float64(g[i]) - float64(w[i]))
		r.MaxAbs = max(r.MaxAbs, d)
		maxWant = max(maxWant, math.Abs(float64(w[i])))
		if g[i] != w[i] && r.Pass {
			r.Pass = false
			r.Reason = fmt.Sprintf("element %d is %d, want %d", i, g[i], w[i])
		}
	}
	r.MaxRel = r.MaxAbs / max(maxWant, relFloor)
	return r
}

func compareFloats(g, w []float64, tol Tolerance) Result {
	r := Result{Pass: true}
	maxWant := 0.0
	for i := range g {
		a, b := g[i], w[i]
		switch {
		case math.IsNaN(a) || math.IsNaN(b):
			if math.IsNaN(a) != math.IsNaN(b) {
				r.fail(fmt.Sprintf("element %d is %g, want %g", i, a, b))
				r.MaxAbs = math.Inf(1)
			}
			continue
		case math.IsInf(a, 0) || math.IsInf(b, 0):
			if a != b {
				r.fail(fmt.Sprintf("element %d is %g, want %g", i, a, b))
				r.MaxAbs = math.Inf(1)
			}
			continue
		}
		d := math.Abs(a - b)
		r.MaxAbs = max(r.MaxAbs, d)
		maxWant = max(maxWant, math.Abs(b))
		if d > tol.Atol+tol.Rtol*math.Abs(b) {
			r.fail(fmt.Sprintf("element %d is %g, want %g (|diff| %.3g > atol %g + rtol %g * |want|)", i, a, b, d, tol.Atol, tol.Rtol))
		}
	}
	r.MaxRel = r.MaxAbs / max(maxWant, relFloor)
	if tol.MaxRel > 0 && r.MaxRel > tol.MaxRel {
		r.fail(fmt.Sprintf("relative error %.3g > %g", r.MaxRel, tol.MaxRel))
	}
	return r
}

// fail records the first failure reason.
func (r *Result) fail(reason string) {
	if r.Pass {
		r.Pass = false
		r.Reason = reason
	}
}
