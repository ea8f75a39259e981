// Package opstest holds helpers for the kernel packages' tests (the
// packages under exec/ops): running one node through the reference
// interpreter, building attributes and tensors, and comparing results.
package opstest

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// reference is the interpreter over every reference kernel.
var reference = exec.NewInterpreter()

// Node returns a node named "n" of op at opset version with the attributes,
// one input value per input (nil: an omitted optional input) and nOut
// outputs. op may be qualified, "domain:op" as in a kernel.Registry.
func Node(op string, version int64, attrs map[string]*ir.Attr, nOut int, inputs ...*ir.Tensor) *ir.Node {
	n := &ir.Node{Name: "n", Op: op, Version: version, Attrs: attrs}
	if i := strings.LastIndex(op, ":"); i >= 0 {
		n.Domain, n.Op = op[:i], op[i+1:]
	}
	for i, in := range inputs {
		var v *ir.Value
		if in != nil {
			v = &ir.Value{Name: fmt.Sprint("in", i), DType: in.DType}
		}
		n.Inputs = append(n.Inputs, v)
	}
	for i := range nOut {
		n.Outputs = append(n.Outputs, &ir.Value{Name: fmt.Sprint("out", i)})
	}
	return n
}

// TryOp runs the node Node(op, version, attrs, nOut, inputs...) through the
// reference interpreter and returns its outputs (at most nOut).
func TryOp(op string, version int64, attrs map[string]*ir.Attr, nOut int, inputs ...*ir.Tensor) ([]*ir.Tensor, error) {
	return reference.RunNode(Node(op, version, attrs, nOut, inputs...), inputs)
}

// TryWith is TryOp through an interpreter over the kernels r only.
func TryWith(r kernel.Registry, op string, version int64, attrs map[string]*ir.Attr, nOut int, inputs ...*ir.Tensor) ([]*ir.Tensor, error) {
	return exec.NewInterpreterWith(r).RunNode(Node(op, version, attrs, nOut, inputs...), inputs)
}

// RunOp is TryOp failing the test on error.
func RunOp(t testing.TB, op string, version int64, attrs map[string]*ir.Attr, nOut int, inputs ...*ir.Tensor) []*ir.Tensor {
	t.Helper()
	outs, err := TryOp(op, version, attrs, nOut, inputs...)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

// Fails checks that the reference interpreter refuses the node (with one
// output) with an error that contains want and is not a recovered panic.
func Fails(t testing.TB, want, op string, version int64, attrs map[string]*ir.Attr, inputs ...*ir.Tensor) {
	t.Helper()
	_, err := TryOp(op, version, attrs, 1, inputs...)
	CheckErr(t, op, err, want)
}

// CheckErr checks that err is an error that contains want and is not a
// kernel's recovered panic; what names the call in the report.
func CheckErr(t testing.TB, what string, err error, want string) {
	t.Helper()
	switch {
	case err == nil:
		t.Errorf("%s: no error, want one containing %q", what, want)
	case strings.Contains(err.Error(), "kernel failed"):
		t.Errorf("%s panicked: %v", what, err)
	case !strings.Contains(err.Error(), want):
		t.Errorf("%s: error %q does not contain %q", what, err, want)
	}
}

// NoPanics runs every kernel that register adds (a package's Register) at
// each opset version, with each attribute set, on each input list (with
// nOut output slots) and reports every call that panicked: a kernel must
// answer odd inputs with a result or an error.
func NoPanics(t *testing.T, register func(kernel.Registry), versions []int64, attrSets []map[string]*ir.Attr, inputs [][]*ir.Tensor, nOut int) {
	t.Helper()
	r := kernel.Registry{}
	register(r)
	if len(r) == 0 {
		t.Fatal("NoPanics: no kernels registered")
	}
	for key := range r {
		for _, version := range versions {
			for _, a := range attrSets {
				for _, in := range inputs {
					_, err := TryWith(r, key, version, a, nOut, in...)
					if err != nil && strings.Contains(err.Error(), "kernel failed") {
						t.Errorf("%s-%d %v on %v: %v", key, version, a, in, err)
					}
				}
			}
		}
	}
}

// Attrs builds an attribute map from name/value pairs. A value is an int
// or int64 (INT), float32 or float64 (FLOAT), string (STRING), []int64
// (INTS), []float32 (FLOATS), []string (STRINGS), *ir.Tensor (TENSOR),
// *ir.Graph (GRAPH) or an *ir.Attr used as it is.
func Attrs(kv ...any) map[string]*ir.Attr {
	if len(kv)%2 != 0 {
		panic("opstest.Attrs: odd number of arguments")
	}
	m := map[string]*ir.Attr{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = Attr(kv[i+1])
	}
	return m
}

// Attr makes one attribute of a value of a kind Attrs takes.
func Attr(v any) *ir.Attr {
	switch v := v.(type) {
	case int:
		return &ir.Attr{Kind: ir.AttrInt, Int: int64(v)}
	case int64:
		return &ir.Attr{Kind: ir.AttrInt, Int: v}
	case float32:
		return &ir.Attr{Kind: ir.AttrFloat, Float: v}
	case float64:
		return &ir.Attr{Kind: ir.AttrFloat, Float: float32(v)}
	case string:
		return &ir.Attr{Kind: ir.AttrString, String: v}
	case []int64:
		return &ir.Attr{Kind: ir.AttrInts, Ints: v}
	case []float32:
		return &ir.Attr{Kind: ir.AttrFloats, Floats: v}
	case []string:
		return &ir.Attr{Kind: ir.AttrStrings, Strings: v}
	case *ir.Tensor:
		return &ir.Attr{Kind: ir.AttrTensor, Tensor: v}
	case *ir.Graph:
		return &ir.Attr{Kind: ir.AttrGraph, Graph: v}
	case *ir.Attr:
		return v
	}
	panic(fmt.Sprintf("opstest.Attr: unsupported %T", v))
}

// Tensor makes a tensor of dtype dt and the shape from the values (all
// zeros when none are given).
func Tensor(dt ir.DType, shape []int64, v ...float64) *ir.Tensor {
	if len(v) == 0 {
		return ir.MustTensor(dt, shape)
	}
	t, err := ir.FromFloat64s(dt, shape, v)
	if err != nil {
		panic(err)
	}
	return t
}

// F32 is Tensor of float32.
func F32(shape []int64, v ...float64) *ir.Tensor { return Tensor(ir.Float32, shape, v...) }

// I64 is Tensor of int64.
func I64(shape []int64, v ...float64) *ir.Tensor { return Tensor(ir.Int64, shape, v...) }

// Ints makes a tensor of the integer (or bit-pattern) dtype dt from
// int64 values, exact where float64 would round.
func Ints(dt ir.DType, shape []int64, v ...int64) *ir.Tensor {
	t, err := ir.FromInt64s(dt, shape, v)
	if err != nil {
		panic(err)
	}
	return t
}

// Strs makes a string tensor.
func Strs(shape []int64, v ...string) *ir.Tensor {
	return &ir.Tensor{DType: ir.String, Shape: shape, Data: v}
}

// Bools makes a bool tensor.
func Bools(shape []int64, v ...bool) *ir.Tensor {
	return &ir.Tensor{DType: ir.Bool, Shape: shape, Data: v}
}

// Tol is how close a float value g must be to the wanted w: |g-w| <=
// max(Rel*|w|, Abs). NaN matches NaN; an infinity matches only itself.
type Tol struct{ Rel, Abs float64 }

// Close reports whether g is within tol of w.
func (tol Tol) Close(g, w float64) bool {
	switch {
	case g == w:
		return true
	case math.IsNaN(w) || math.IsNaN(g):
		return math.IsNaN(w) && math.IsNaN(g)
	case math.IsInf(w, 0):
		return false
	}
	return math.Abs(g-w) <= max(tol.Rel*math.Abs(w), tol.Abs)
}

// Check compares got with the wanted dtype, shape and values, the values
// within tol.
func Check(t testing.TB, tol Tol, what string, got *ir.Tensor, dt ir.DType, shape []int64, want ...float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: no output", what)
		return
	}
	if got.DType != dt || fmt.Sprint(got.Shape) != fmt.Sprint(shape) {
		t.Errorf("%s: got %v%v, want %v%v", what, got.DType, got.Shape, dt, shape)
		return
	}
	g := got.Float64s()
	if len(g) != len(want) {
		t.Errorf("%s: got %d values %v, want %d", what, len(g), g, len(want))
		return
	}
	for i, w := range want {
		if !tol.Close(g[i], w) {
			t.Errorf("%s: got %v, want %v", what, g, want)
			return
		}
	}
}

// CheckInts compares an integer or bool result exactly.
func CheckInts(t testing.TB, what string, got *ir.Tensor, dt ir.DType, shape []int64, want ...int64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: no output", what)
		return
	}
	if got.DType != dt || fmt.Sprint(got.Shape) != fmt.Sprint(shape) || fmt.Sprint(got.Int64s()) != fmt.Sprint(want) {
		t.Errorf("%s: got %v%v %v, want %v%v %v", what, got.DType, got.Shape, got.Int64s(), dt, shape, want)
	}
}

// Same reports whether got has want's dtype, shape and data: the data
// exactly, or for a float dtype, when tol is not zero, the values within
// tol.
func Same(got, want *ir.Tensor, tol Tol) bool {
	if got == nil || got.DType != want.DType || fmt.Sprint(got.Shape) != fmt.Sprint(want.Shape) {
		return false
	}
	if tol == (Tol{}) || !want.DType.IsFloat() {
		return reflect.DeepEqual(got.Data, want.Data)
	}
	g, w := got.Float64s(), want.Float64s()
	if len(g) != len(w) {
		return false
	}
	for i := range w {
		if !tol.Close(g[i], w[i]) {
			return false
		}
	}
	return true
}

// CheckTensor reports got unless Same(got, want, tol).
func CheckTensor(t testing.TB, tol Tol, what string, got, want *ir.Tensor) {
	t.Helper()
	if !Same(got, want, tol) {
		t.Errorf("%s: got %v, want %v", what, describe(got), describe(want))
	}
}

// describe prints a tensor's dtype, shape and data.
func describe(t *ir.Tensor) string {
	if t == nil {
		return "no tensor"
	}
	return fmt.Sprintf("%v%v %v", t.DType, t.Shape, t.Data)
}
