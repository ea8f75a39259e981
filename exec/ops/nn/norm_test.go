package nn_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestLayerAndRMSNormalization(t *testing.T) {
	r, r2 := math.Sqrt(1.5), math.Sqrt(3.0/8)
	x := f32(shape(2, 3), 1, 2, 3, 2, 4, 6)
	outs := opstest.RunOp(t, "LayerNormalization", 17, opstest.Attrs("epsilon", float32(0)), 3, x, f32(shape(3), 1, 2, 3), f32(shape(3), 0, 1, 0))
	opstest.Check(t, tol, "Y", outs[0], ir.Float32, shape(2, 3), -r, 1, 3*r, -r, 1, 3*r)
	opstest.Check(t, tol, "Mean", outs[1], ir.Float32, shape(2, 1), 2, 4)
	opstest.Check(t, tol, "InvStdDev", outs[2], ir.Float32, shape(2, 1), r, r2)
	outs = opstest.RunOp(t, "LayerNormalization", 17, opstest.Attrs("axis", 0, "epsilon", float32(0)), 1, f32(shape(2, 1), 1, 3), f32(shape(), 1))
	opstest.Check(t, tol, "axis 0, no bias", outs[0], ir.Float32, shape(2, 1), -1, 1)
	fails(t, "scale does not broadcast", "LayerNormalization", 17, nil, x, f32(shape(2), 1, 2))

	got := opstest.RunOp(t, "RMSNormalization", 23, opstest.Attrs("epsilon", float32(0)), 1, f32(shape(1, 2), 3, 4), f32(shape(2), 1, 2))[0]
	rms := math.Sqrt(12.5)
	opstest.Check(t, tol, "RMSNormalization", got, ir.Float32, shape(1, 2), 3/rms, 8/rms)
}

func TestChannelNormalizations(t *testing.T) {
	eps0 := opstest.Attrs("epsilon", float32(0))
	got := opstest.RunOp(t, "InstanceNormalization", 6, eps0, 1, f32(shape(1, 2, 2), 1, 3, 0, 4), f32(shape(2), 2, 3), f32(shape(2), 1, 0))[0]
	opstest.Check(t, tol, "InstanceNormalization", got, ir.Float32, shape(1, 2, 2), -1, 3, -3, 3)

	x := f32(shape(1, 4, 1), 1, 3, 0, 4)
	g := opstest.Attrs("epsilon", float32(0), "num_groups", 2)
	got = opstest.RunOp(t, "GroupNormalization", 21, g, 1, x, f32(shape(4), 1, 2, 3, 4), f32(shape(4)))[0]
	opstest.Check(t, tol, "GroupNormalization 21 (per channel)", got, ir.Float32, shape(1, 4, 1), -1, 2, -3, 4)
	got = opstest.RunOp(t, "GroupNormalization", 18, g, 1, x, f32(shape(2), 2, 3), f32(shape(2), 0, 1))[0]
	opstest.Check(t, tol, "GroupNormalization 18 (per group)", got, ir.Float32, shape(1, 4, 1), -2, 2, -2, 4)
	fails(t, "groups do not divide channels", "GroupNormalization", 21, opstest.Attrs("num_groups", 3), x, f32(shape(4)), f32(shape(4)))

	bn := []*ir.Tensor{f32(shape(1, 2, 1), 1, 2), f32(shape(2), 2, 3), f32(shape(2), 1, 1), f32(shape(2), 0, 1), f32(shape(2), 4, 0.25)}
	got = opstest.RunOp(t, "BatchNormalization", 15, eps0, 1, bn...)[0]
	opstest.Check(t, tol, "BatchNormalization", got, ir.Float32, shape(1, 2, 1), 2, 7)
	// Training: batch statistics of channel 0 ([1 3]: mean 2, variance 1)
	// and channel 1 ([0 4]: mean 2, variance 4).
	bn[0] = f32(shape(2, 2, 1), 1, 0, 3, 4)
	outs := opstest.RunOp(t, "BatchNormalization", 15, opstest.Attrs("epsilon", float32(0), "training_mode", 1, "momentum", float32(0.5)), 3, bn...)
	opstest.Check(t, tol, "training Y", outs[0], ir.Float32, shape(2, 2, 1), -1, -2, 3, 4)
	opstest.Check(t, tol, "running mean", outs[1], ir.Float32, shape(2), 1, 1.5)
	opstest.Check(t, tol, "running var", outs[2], ir.Float32, shape(2), 2.5, 2.125)

	got = opstest.RunOp(t, "MeanVarianceNormalization", 13, nil, 1, f32(shape(2, 1, 1, 1), 1, 3))[0]
	opstest.Check(t, tol, "MeanVarianceNormalization", got, ir.Float32, shape(2, 1, 1, 1), -1/(1+1e-9), 1/(1+1e-9))
}

func TestLpNormalizationAndLRN(t *testing.T) {
	x := f32(shape(2, 2), 3, 4, 0, 0)
	opstest.Check(t, tol, "L2", opstest.RunOp(t, "LpNormalization", 22, nil, 1, x)[0], ir.Float32, shape(2, 2), 0.6, 0.8, 0, 0)
	opstest.Check(t, tol, "L1 axis 0", opstest.RunOp(t, "LpNormalization", 22, opstest.Attrs("p", 1, "axis", 0), 1, x)[0], ir.Float32, shape(2, 2), 1, 1, 0, 0)
	fails(t, "p 3", "LpNormalization", 22, opstest.Attrs("p", 3), x)

	got := opstest.RunOp(t, "LRN", 13, opstest.Attrs("size", 2, "alpha", float32(1), "beta", float32(1)), 1, f32(shape(1, 2, 1, 1), 1, 2))[0]
	opstest.Check(t, tol, "LRN", got, ir.Float32, shape(1, 2, 1, 1), 1/3.5, 2.0/3)
}
