package nn_test

import (
	"math"
	"testing"

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
		a := attrs(append([]any{"hidden_size", 1}, kv...)...)
		a["activations"] = &ir.Attr{Kind: ir.AttrStrings, Strings: []string{"Affine", "Affine"}[:dirs]}
		return a
	}
	outs := runOp(t, "RNN", 14, id(1), 2, x, w, r)
	check(t, "Y", outs[0], ir.Float32, shape(2, 1, 1, 1), 1, 2.5)
	check(t, "Y_h", outs[1], ir.Float32, shape(1, 1, 1), 2.5)
	outs = runOp(t, "RNN", 14, id(1, "direction", "reverse"), 2, x, w, r)
	check(t, "reverse Y", outs[0], ir.Float32, shape(2, 1, 1, 1), 2, 2)
	bi := id(2, "direction", "bidirectional")
	outs = runOp(t, "RNN", 14, bi, 2, x, f32(shape(2, 1, 1), 1, 1), f32(shape(2, 1, 1), 0.5, 0.5))
	check(t, "bidirectional Y", outs[0], ir.Float32, shape(2, 2, 1, 1), 1, 2, 2.5, 2)
	check(t, "bidirectional Y_h", outs[1], ir.Float32, shape(2, 1, 1), 2.5, 2)

	// Two sequences of lengths 2 and 1: the padded step stays zero.
	x2 := f32(shape(2, 2, 1), 1, 10, 2, 20)
	outs = runOp(t, "RNN", 14, id(1), 2, x2, w, r, nil, tensor(ir.Int32, shape(2), 2, 1))
	check(t, "sequence_lens Y", outs[0], ir.Float32, shape(2, 1, 2, 1), 1, 10, 2.5, 0)
	check(t, "sequence_lens Y_h", outs[1], ir.Float32, shape(1, 2, 1), 2.5, 10)
	outs = runOp(t, "RNN", 14, id(1, "layout", 1), 2, f32(shape(1, 2, 1), 1, 2), w, r)
	check(t, "batch-first Y", outs[0], ir.Float32, shape(1, 2, 1, 1), 1, 2.5)

	got := runOp(t, "RNN", 14, attrs("hidden_size", 1), 1, x, w, r)[0]
	check(t, "default tanh", got, ir.Float32, shape(2, 1, 1, 1), math.Tanh(1), math.Tanh(2+0.5*math.Tanh(1)))
	fails(t, "W of the wrong shape", "RNN", 14, nil, x, f32(shape(1, 2, 1)), r)
	fails(t, "unknown direction", "RNN", 14, attrs("direction", "sideways"), x, w, r)
	bad := attrs()
	bad["activations"] = &ir.Attr{Kind: ir.AttrStrings, Strings: []string{"Cosh"}}
	fails(t, "unknown activation", "RNN", 14, bad, x, w, r)
}

func TestGRU(t *testing.T) {
	// z and r gates see zero (sigmoid 0.5); the candidate gate has W = R = 1
	// and Rbh = 1; X = 1, initial h = 2.
	x, h0 := f32(shape(1, 1, 1), 1), f32(shape(1, 1, 1), 2)
	w, r := f32(shape(1, 3, 1), 0, 0, 1), f32(shape(1, 3, 1), 0, 0, 1)
	b := f32(shape(1, 6), 0, 0, 0, 0, 0, 1)
	got := runOp(t, "GRU", 14, nil, 1, x, w, r, b, nil, h0)[0]
	check(t, "reset before the product", got, ir.Float32, shape(1, 1, 1, 1), 0.5*math.Tanh(1+0.5*2+1)+1)
	got = runOp(t, "GRU", 14, attrs("linear_before_reset", 1), 1, x, w, r, b, nil, h0)[0]
	check(t, "linear before reset", got, ir.Float32, shape(1, 1, 1, 1), 0.5*math.Tanh(1+0.5*(2+1))+1)
}

func TestLSTM(t *testing.T) {
	// Only the cell gate has a weight (W = 1); X = 1, initial c = 2: the
	// gates i, f, o are sigmoid(0) = 0.5, C = 0.5*2 + 0.5*tanh(1).
	x, c0 := f32(shape(1, 1, 1), 1), f32(shape(1, 1, 1), 2)
	w, r := f32(shape(1, 4, 1), 0, 0, 0, 1), f32(shape(1, 4, 1))
	c := 1 + 0.5*math.Tanh(1)
	outs := runOp(t, "LSTM", 14, nil, 3, x, w, r, nil, nil, nil, c0)
	check(t, "Y", outs[0], ir.Float32, shape(1, 1, 1, 1), 0.5*math.Tanh(c))
	check(t, "Y_c", outs[2], ir.Float32, shape(1, 1, 1), c)
	// A peephole of 1 on the input gate: i = sigmoid(C0) = sigmoid(2); with
	// input_forget, f = 1 - i.
	p := f32(shape(1, 3), 1, 0, 0)
	i := sigmoid(2)
	outs = runOp(t, "LSTM", 14, attrs("input_forget", 1), 3, x, w, r, nil, nil, nil, c0, p)
	check(t, "peephole, input_forget", outs[2], ir.Float32, shape(1, 1, 1), (1-i)*2+i*math.Tanh(1))
	got := runOp(t, "LSTM", 14, attrs("clip", float32(0.5)), 3, x, w, r, nil, nil, nil, c0)[2]
	check(t, "clip", got, ir.Float32, shape(1, 1, 1), 1+0.5*math.Tanh(0.5))
}
