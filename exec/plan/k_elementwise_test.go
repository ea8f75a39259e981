package plan

import (
	"math/rand/v2"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestBroadcastKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	pairs := [][2][]int64{
		{{2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {4}}, {{2, 3, 4}, {3, 1}}, {{2, 1, 4}, {1, 3, 1}},
		{{1}, {5, 2}}, {{}, {3}}, {{2, 3, 1}, {2, 3, 1}}, {{4, 1, 1}, {1, 1}}, {{1, 2, 1, 3}, {2, 2, 5, 1}},
	}
	for _, p := range pairs {
		for _, op := range []string{"Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater"} {
			checkKernel(t, node(op, nil), []*ir.Tensor{randF32(r, p[0]...), randF32(r, p[1]...)})
			checkKernel(t, node(op, nil), []*ir.Tensor{randF32(r, p[1]...), randF32(r, p[0]...)})
			if op != "Div" {
				checkKernel(t, node(op, nil), []*ir.Tensor{randI64(r, p[0]...), randI64(r, p[1]...)})
			}
		}
		a := randF32(r, p[0]...)
		for i, v := range a.Data.([]float32) {
			a.Data.([]float32)[i] = v*v + 0.5
		}
		checkKernel(t, node("Pow", nil), []*ir.Tensor{a, randF32(r, p[1]...)})
		c := randF32(r, p[1]...)
		cond := &ir.Tensor{DType: ir.Bool, Shape: c.Shape, Data: make([]bool, c.Len())}
		for i, v := range c.Data.([]float32) {
			cond.Data.([]bool)[i] = v > 0
		}
		checkKernel(t, node("Where", nil), []*ir.Tensor{cond, randF32(r, p[0]...), randF32(r, 1)})
		checkKernel(t, node("Where", nil), []*ir.Tensor{cond, randI64(r, p[0]...), randI64(r, p[1]...)})
	}
}

// TestLargeElementwiseKernels runs the elementwise kernels on outputs
// large enough to be split over the pool, the split falling inside rows
// (rows of 7 and of 1000 elements) and across broadcast rows.
func TestLargeElementwiseKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, p := range [][2][]int64{{{3, 2000, 7}, {7}}, {{120, 1000}, {120, 1}}, {{5, 1, 9000}, {1, 4, 9000}}} {
		for _, op := range []string{"Add", "Div", "Less"} {
			checkKernel(t, node(op, nil), []*ir.Tensor{randF32(r, p[0]...), randF32(r, p[1]...)})
		}
		checkKernel(t, node("Sub", nil), []*ir.Tensor{randI64(r, p[0]...), randI64(r, p[1]...)})
		c := randF32(r, p[1]...)
		cond := &ir.Tensor{DType: ir.Bool, Shape: c.Shape, Data: make([]bool, c.Len())}
		for i, v := range c.Data.([]float32) {
			cond.Data.([]bool)[i] = v > 0
		}
		checkKernel(t, node("Where", nil), []*ir.Tensor{cond, randF32(r, p[0]...), randF32(r, 1)})
	}
	for _, op := range []string{"Sigmoid", "Exp", "Tanh"} {
		x := randF32(r, 7, 11000)
		for i := range x.Data.([]float32) {
			x.Data.([]float32)[i] *= 20
		}
		checkKernel(t, node(op, nil), []*ir.Tensor{x})
	}
}

// randI64 returns an int64 tensor of small random values.
func randI64(r *rand.Rand, shape ...int64) *ir.Tensor {
	t, _ := ir.NewTensor(ir.Int64, shape)
	for i, d := 0, t.Data.([]int64); i < len(d); i++ {
		d[i] = r.Int64N(7) - 3
	}
	return t
}

func TestUnaryAndCastKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for op := range unaryOps {
		x := randF32(r, 3, 5)
		if op == "Sqrt" || op == "Log" {
			for i, v := range x.Data.([]float32) {
				x.Data.([]float32)[i] = v*v + 0.1
			}
		}
		checkKernel(t, node(op, nil), []*ir.Tensor{x})
	}
	x := randF32(r, 4, 6)
	for i := range x.Data.([]float32) {
		x.Data.([]float32)[i] *= 5
	}
	x.Data.([]float32)[0] = 0
	srcs := []*ir.Tensor{x, randI64(r, 4, 6), {DType: ir.Bool, Shape: []int64{3}, Data: []bool{true, false, true}}}
	for _, src := range srcs {
		for _, to := range []ir.DType{ir.Float32, ir.Int64, ir.Int32, ir.Bool} {
			checkKernel(t, node("Cast", map[string]*ir.Attr{"to": aInt(int64(to))}), []*ir.Tensor{src})
		}
	}
}
