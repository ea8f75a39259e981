package nn_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestCausalConvWithState(t *testing.T) {
	// The extended sequence is [0 1 2 3] (no past) or [5 1 2 3]; each output
	// is 1*seq[t] + 10*seq[t+1].
	x, w := f32(shape(1, 1, 3), 1, 2, 3), f32(shape(1, 1, 2), 1, 10)
	outs := opstest.RunOp(t, "CausalConvWithState", 27, nil, 2, x, w)
	opstest.Check(t, tol, "output", outs[0], ir.Float32, shape(1, 1, 3), 10, 21, 32)
	opstest.Check(t, tol, "present_state", outs[1], ir.Float32, shape(1, 1, 1), 3)
	outs = opstest.RunOp(t, "CausalConvWithState", 27, nil, 2, x, w, f32(shape(1), 1), f32(shape(1, 1, 1), 5))
	opstest.Check(t, tol, "bias and past", outs[0], ir.Float32, shape(1, 1, 3), 16, 22, 33)
	silu := func(v float64) float64 { return v / (1 + math.Exp(-v)) }
	got := opstest.RunOp(t, "CausalConvWithState", 27, opstest.Attrs("activation", "silu"), 1, f32(shape(1, 1, 1), -1), f32(shape(1, 1, 1), 1))[0]
	opstest.Check(t, tol, "silu", got, ir.Float32, shape(1, 1, 1), silu(-1))
	fails(t, "weight not depthwise", "CausalConvWithState", 27, nil, x, f32(shape(1, 2, 2)))
	fails(t, "past of the wrong length", "CausalConvWithState", 27, nil, x, w, nil, f32(shape(1, 1, 2)))
}

func TestLinearAttention(t *testing.T) {
	// One head, d_k = d_v = 1, two tokens: q = [1 1], k = [1 2], v = [3 4].
	q, k, v := f32(shape(1, 2, 1), 1, 1), f32(shape(1, 2, 1), 1, 2), f32(shape(1, 2, 1), 3, 4)
	halfLog := f32(shape(1, 2, 1), math.Log(0.5), math.Log(0.5))
	half := f32(shape(1, 2, 1), 0.5, 0.5)
	cases := []struct {
		rule          string
		decay, beta   *ir.Tensor
		out0, out1, s float64
	}{
		{"linear", nil, nil, 3, 11, 11},                 // S = 3, then 3 + 2*4
		{"gated", halfLog, nil, 3, 9.5, 9.5},            // S = 3, then 3/2 + 8
		{"delta", nil, half, 1.5, 2.5, 2.5},             // S = 1.5, then 1.5 + 0.5*2*(4 - 3)
		{"gated_delta", halfLog, half, 1.5, 3.25, 3.25}, // S = 1.5, then 0.75 + 0.5*2*(4 - 1.5)
	}
	for _, c := range cases {
		a := opstest.Attrs("update_rule", c.rule, "q_num_heads", 1, "kv_num_heads", 1, "scale", float32(1))
		outs := opstest.RunOp(t, "LinearAttention", 27, a, 2, q, k, v, nil, c.decay, c.beta)
		opstest.Check(t, tol, c.rule, outs[0], ir.Float32, shape(1, 2, 1), c.out0, c.out1)
		opstest.Check(t, tol, c.rule+" state", outs[1], ir.Float32, shape(1, 1, 1, 1), c.s)
	}
	// Two query heads share one key/value head; the past state adds 1.
	a := opstest.Attrs("update_rule", "linear", "q_num_heads", 2, "kv_num_heads", 1, "scale", float32(1))
	got := opstest.RunOp(t, "LinearAttention", 27, a, 1, f32(shape(1, 1, 2), 1, 2), f32(shape(1, 1, 1), 1), f32(shape(1, 1, 1), 3), f32(shape(1, 1, 1, 1), 1))[0]
	opstest.Check(t, tol, "grouped heads with past", got, ir.Float32, shape(1, 1, 2), 4, 8)
	fails(t, "gated without decay", "LinearAttention", 27, opstest.Attrs("update_rule", "gated", "q_num_heads", 1, "kv_num_heads", 1), q, k, v)
	fails(t, "unknown rule", "LinearAttention", 27, opstest.Attrs("update_rule", "x", "q_num_heads", 1, "kv_num_heads", 1), q, k, v)
}
