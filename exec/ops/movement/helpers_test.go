package movement_test

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/exec/ops/movement"
	"github.com/tfc-project/tfc/ir"
)

// opCase is one kernel call: op at opset version ver with attributes and
// inputs (nil = omitted optional input), and the exact outputs wanted.
type opCase struct {
	name  string
	op    string
	ver   int64
	attrs map[string]*ir.Attr
	in    []*ir.Tensor
	want  []*ir.Tensor
	tol   float64 // when set, float values need only agree within tol
}

// call runs one node through an interpreter holding only this package's
// kernels; nOut is the number of output slots of the node.
func call(op string, ver int64, attrs map[string]*ir.Attr, nOut int, in ...*ir.Tensor) ([]*ir.Tensor, error) {
	r := kernel.Registry{}
	movement.Register(r)
	n := &ir.Node{Name: "n", Op: op, Version: ver, Attrs: attrs}
	for i, t := range in {
		var v *ir.Value
		if t != nil {
			v = &ir.Value{Name: fmt.Sprint("in", i), DType: t.DType}
		}
		n.Inputs = append(n.Inputs, v)
	}
	for i := 0; i < nOut; i++ {
		n.Outputs = append(n.Outputs, &ir.Value{Name: fmt.Sprint("out", i)})
	}
	return exec.NewInterpreterWith(r).RunNode(n, in)
}

// runCases checks every case's outputs exactly: dtype, shape and data.
func runCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := call(c.op, c.ver, c.attrs, len(c.want), c.in...)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d outputs, want %d", len(got), len(c.want))
			}
			for i, w := range c.want {
				g := got[i]
				if g == nil || g.DType != w.DType || fmt.Sprint(g.Shape) != fmt.Sprint(w.Shape) || !same(g, w, c.tol) {
					t.Errorf("output %d: got %v %v, want %v %v", i, g, data(g), w, data(w))
				}
			}
		})
	}
}

// errCase is a call that must fail with an error containing want.
type errCase struct {
	name  string
	op    string
	ver   int64
	attrs map[string]*ir.Attr
	in    []*ir.Tensor
	want  string
	outs  int // output slots, 1 when 0
}

// runErrors checks that every case fails, naming the node and the reason.
func runErrors(t *testing.T, cases []errCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := call(c.op, c.ver, c.attrs, max(c.outs, 1), c.in...)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), `"n"`) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "kernel failed") {
				t.Errorf("error %q, want one naming the node and saying %q", err, c.want)
			}
		})
	}
}

// same compares the data of two tensors of one dtype and shape: exactly,
// or within tol when tol is set.
func same(got, want *ir.Tensor, tol float64) bool {
	if tol == 0 {
		return reflect.DeepEqual(got.Data, want.Data)
	}
	g, w := got.Float64s(), want.Float64s()
	for i := range w {
		if math.Abs(g[i]-w[i]) > tol {
			return false
		}
	}
	return true
}

func data(t *ir.Tensor) any {
	if t == nil {
		return nil
	}
	return t.Data
}

func s(dims ...int64) []int64 { return dims }

// tensor makes a tensor of dtype dt from values, zeros when none are given.
func tensor(dt ir.DType, shape []int64, v ...float64) *ir.Tensor {
	if len(v) == 0 {
		return ir.MustTensor(dt, shape)
	}
	t, err := ir.FromFloat64s(dt, shape, v)
	if err != nil {
		panic(err)
	}
	return t
}

func f32(shape []int64, v ...float64) *ir.Tensor { return tensor(ir.Float32, shape, v...) }
func i64(shape []int64, v ...float64) *ir.Tensor { return tensor(ir.Int64, shape, v...) }
func i32(shape []int64, v ...float64) *ir.Tensor { return tensor(ir.Int32, shape, v...) }

// iota returns a float32 tensor of the shape holding 0, 1, 2, ...
func iota(shape ...int64) *ir.Tensor {
	t := ir.MustTensor(ir.Float32, shape)
	for i := range t.Data.([]float32) {
		t.Data.([]float32)[i] = float32(i)
	}
	return t
}

func strs(shape []int64, v ...string) *ir.Tensor {
	return &ir.Tensor{DType: ir.String, Shape: shape, Data: v}
}

func bools(shape []int64, v ...bool) *ir.Tensor {
	return &ir.Tensor{DType: ir.Bool, Shape: shape, Data: v}
}

func ints(v ...int64) *ir.Attr         { return &ir.Attr{Kind: ir.AttrInts, Ints: v} }
func integer(v int64) *ir.Attr         { return &ir.Attr{Kind: ir.AttrInt, Int: v} }
func float(v float32) *ir.Attr         { return &ir.Attr{Kind: ir.AttrFloat, Float: v} }
func floats(v ...float32) *ir.Attr     { return &ir.Attr{Kind: ir.AttrFloats, Floats: v} }
func str(v string) *ir.Attr            { return &ir.Attr{Kind: ir.AttrString, String: v} }
func tensorAttr(t *ir.Tensor) *ir.Attr { return &ir.Attr{Kind: ir.AttrTensor, Tensor: t} }

type attrs = map[string]*ir.Attr
type ins = []*ir.Tensor
