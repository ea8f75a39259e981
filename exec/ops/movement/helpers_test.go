package movement_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/exec/ops/movement"
	"github.com/tfc-project/tfc/exec/ops/opstest"
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
	return opstest.TryWith(r, op, ver, attrs, nOut, in...)
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
				opstest.CheckTensor(t, opstest.Tol{Abs: c.tol}, fmt.Sprint("output ", i), got[i], w)
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
			opstest.CheckErr(t, c.op, err, c.want)
			if !strings.Contains(err.Error(), `"n"`) {
				t.Errorf("error %q does not name the node", err)
			}
		})
	}
}

func s(dims ...int64) []int64 { return dims }

func f32(shape []int64, v ...float64) *ir.Tensor { return opstest.F32(shape, v...) }
func i64(shape []int64, v ...float64) *ir.Tensor { return opstest.I64(shape, v...) }
func i32(shape []int64, v ...float64) *ir.Tensor { return opstest.Tensor(ir.Int32, shape, v...) }

// iota returns a float32 tensor of the shape holding 0, 1, 2, ...
func iota(shape ...int64) *ir.Tensor {
	t := ir.MustTensor(ir.Float32, shape)
	for i := range t.Data.([]float32) {
		t.Data.([]float32)[i] = float32(i)
	}
	return t
}

type ins = []*ir.Tensor
