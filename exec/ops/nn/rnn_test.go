package nn_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func TestRNN(t *testing.T) {
	// One input, one hidden unit, W = 1, R = 0.5, identity activation:
	// forward h = [1, 2 + 0.5*1]; reverse h(1) = 2, h(0) = 1 + 0.5*2.
	x := f32(shape(2, 1, 1), 1, 2)
	w, r := f32(shape(1, 1, 1), 1), f32(shape(1, 1, 1), 0.5)
	// id returns the attributes kv with identity (Affine) activations for
	// dirs directions.
	id := func(dirs int, kv ...any) map[string]*ir.Attr {
		a := opstest.Attrs(append([]any{"hidden_size", 1}, kv...)...)
		a["activations"] = &ir.Attr{Kind: ir.AttrStrings, Strings: []string{"Affine", "Affine"}[:dirs]}
		return a
	}
	outs := opstest.RunOp(t, "RNN", 14, id(1), 2, x, w, r)
	opstest.Check(t, tol, "Y", outs[0], ir.Float32, shape(2, 1, 1, 1), 1, 2.5)
	opstest.Check(t, tol, "Y_h", outs[1], ir.Float32, shape(1, 1, 1), 2.5)
	outs = opstest.RunOp(t, "RNN", 14, id(1, "direction", "reverse"), 2, x, w, r)
	opstest.Check(t, tol, "reverse Y", outs[0], ir.Float32, shape(2, 1, 1, 1), 2, 2)
	bi := id(2, "direction", "bidirectional")
	outs = opstest.RunOp(t, "RNN", 14, bi, 2, x, f32(shape(2, 1, 1), 1, 1), f32(shape(2, 1, 1), 0.5, 0.5))
	opstest.Check(t, tol, "bidirectional Y", outs[0], ir.Float32, shape(2, 2, 1, 1), 1, 2, 2.5, 2)
	opstest.Check(t, tol, "bidirectional Y_h", outs[1], ir.Float32, shape(2, 1, 1), 2.5, 2)

	// Two sequences of lengths 2 and 1: the padded step stays zero.
	x2 := f32(shape(2, 2, 1), 1, 10, 2, 20)
	outs = opstest.RunOp(t, "RNN", 14, id(1), 2, x2, w, r, nil, opstest.Tensor(ir.Int32, shape(2), 2, 1))
	opstest.Check(t, tol, "sequence_lens Y", outs[0], ir.Float32, shape(2, 1, 2, 1), 1, 10, 2.5, 0)
	opstest.Check(t, tol, "sequence_lens Y_h", outs[1], ir.Float32, shape(1, 2, 1), 2.5, 10)
	outs = opstest.RunOp(t, "RNN", 14, id(1, "layout", 1), 2, f32(shape(1, 2, 1), 1, 2), w, r)
	opstest.Check(t, tol, "batch-first Y", outs[0], ir.Float32, shape(1, 2, 1, 1), 1, 2.5)

	got := opstest.RunOp(t, "RNN", 14, opstest.Attrs("hidden_size", 1), 1, x, w, r)[0]
	opstest.Check(t, tol, "default tanh", got, ir.Float32, shape(2, 1, 1, 1), math.Tanh(1), math.Tanh(2+0.5*math.Tanh(1)))
	fails(t, "W of the wrong shape", "RNN", 14, nil, x, f32(shape(1, 2, 1)), r)
	fails(t, "unknown direction", "RNN", 14, opstest.Attrs("direction", "sideways"), x, w, r)
	bad := opstest.Attrs()
	bad["activations"] = &ir.Attr{Kind: ir.AttrStrings, Strings: []string{"Cosh"}}
	fails(t, "unknown activation", "RNN", 14, bad, x, w, r)
}

func TestGRU(t *testing.T) {
	// z and r gates see zero (sigmoid 0.5); the candidate gate has W = R = 1
	// and Rbh = 1; X = 1, initial h = 2.
	x, h0 := f32(shape(1, 1, 1), 1), f32(shape(1, 1, 1), 2)
	w, r := f32(shape(1, 3, 1), 0, 0, 1), f32(shape(1, 3, 1), 0, 0, 1)
	b := f32(shape(1, 6), 0, 0, 0, 0, 0, 1)
	got := opstest.RunOp(t, "GRU", 14, nil, 1, x, w, r, b, nil, h0)[0]
	opstest.Check(t, tol, "reset before the product", got, ir.Float32, shape(1, 1, 1, 1), 0.5*math.Tanh(1+0.5*2+1)+1)
	got = opstest.RunOp(t, "GRU", 14, opstest.Attrs("linear_before_reset", 1), 1, x, w, r, b, nil, h0)[0]
	opstest.Check(t, tol, "linear before reset", got, ir.Float32, shape(1, 1, 1, 1), 0.5*math.Tanh(1+0.5*(2+1))+1)
}

func TestLSTM(t *testing.T) {
	// Only the cell gate has a weight (W = 1); X = 1, initial c = 2: the
	// gates i, f, o are sigmoid(0) = 0.5, C = 0.5*2 + 0.5*tanh(1).
	x, c0 := f32(shape(1, 1, 1), 1), f32(shape(1, 1, 1), 2)
	w, r := f32(shape(1, 4, 1), 0, 0, 0, 1), f32(shape(1, 4, 1))
	c := 1 + 0.5*math.Tanh(1)
	outs := opstest.RunOp(t, "LSTM", 14, nil, 3, x, w, r, nil, nil, nil, c0)
	opstest.Check(t, tol, "Y", outs[0], ir.Float32, shape(1, 1, 1, 1), 0.5*math.Tanh(c))
	opstest.Check(t, tol, "Y_c", outs[2], ir.Float32, shape(1, 1, 1), c)
	// A peephole of 1 on the input gate: i = sigmoid(C0) = sigmoid(2); with
	// input_forget, f = 1 - i.
	p := f32(shape(1, 3), 1, 0, 0)
	i := sigmoid(2)
	outs = opstest.RunOp(t, "LSTM", 14, opstest.Attrs("input_forget", 1), 3, x, w, r, nil, nil, nil, c0, p)
	opstest.Check(t, tol, "peephole, input_forget", outs[2], ir.Float32, shape(1, 1, 1), (1-i)*2+i*math.Tanh(1))
	got := opstest.RunOp(t, "LSTM", 14, opstest.Attrs("clip", float32(0.5)), 3, x, w, r, nil, nil, nil, c0)[2]
	opstest.Check(t, tol, "clip", got, ir.Float32, shape(1, 1, 1), 1+0.5*math.Tanh(0.5))
}
