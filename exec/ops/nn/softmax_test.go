package nn_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestSoftmaxFamily(t *testing.T) {
	ln3 := math.Log(3)
	x := opstest.Tensor(ir.Float64, shape(2, 2), 0, 0, ln3, 0)
	opstest.Check(t, tol, "Softmax last axis", opstest.RunOp(t, "Softmax", 13, nil, 1, x)[0], ir.Float64, shape(2, 2), 0.5, 0.5, 0.75, 0.25)
	opstest.Check(t, tol, "Softmax axis 0", opstest.RunOp(t, "Softmax", 13, opstest.Attrs("axis", 0), 1, x)[0], ir.Float64, shape(2, 2), 0.25, 0.5, 0.75, 0.5)
	x3, _ := x.Reshaped(shape(1, 2, 2))
	opstest.Check(t, tol, "Softmax opset 11 flattens from axis 1", opstest.RunOp(t, "Softmax", 11, nil, 1, x3)[0], ir.Float64, shape(1, 2, 2),
		1.0/6, 1.0/6, 0.5, 1.0/6)
	opstest.Check(t, tol, "LogSoftmax", opstest.RunOp(t, "LogSoftmax", 13, nil, 1, x)[0], ir.Float64, shape(2, 2),
		math.Log(0.5), math.Log(0.5), math.Log(0.75), math.Log(0.25))
	opstest.Check(t, tol, "LogSoftmax large", opstest.RunOp(t, "LogSoftmax", 13, nil, 1, f32(shape(2), 1000, 1000))[0], ir.Float32, shape(2),
		math.Log(0.5), math.Log(0.5))
	opstest.Check(t, tol, "Hardmax ties go to the first", opstest.RunOp(t, "Hardmax", 13, nil, 1, f32(shape(3), 3, 3, 1))[0], ir.Float32, shape(3), 1, 0, 0)
	opstest.Check(t, tol, "Hardmax opset 11", opstest.RunOp(t, "Hardmax", 11, opstest.Attrs("axis", 0), 1, f32(shape(2, 2), 1, 2, 4, 3))[0], ir.Float32, shape(2, 2), 0, 0, 1, 0)
	fails(t, "axis out of range", "Softmax", 13, opstest.Attrs("axis", 2), x)
	fails(t, "integer input", "Softmax", 13, nil, opstest.Tensor(ir.Int32, shape(2), 1, 2))
}
