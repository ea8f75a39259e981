package nn_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestAttention(t *testing.T) {
	ln3 := float32(math.Log(3))
	// One query [1 0] against keys [1 0] and [0 1] with scale ln 3: the
	// scores are [ln3 0], the weights [3/4 1/4], the output 3/4*10 + 1/4*20.
	q := f32(shape(1, 1, 1, 2), 1, 0)
	k := f32(shape(1, 1, 2, 2), 1, 0, 0, 1)
	v := f32(shape(1, 1, 2, 1), 10, 20)
	scaled := opstest.Attrs("scale", ln3)
	outs := opstest.RunOp(t, "Attention", 23, opstest.Attrs("scale", ln3, "qk_matmul_output_mode", 0), 4, q, k, v)
	opstest.Check(t, tol, "Y", outs[0], ir.Float32, shape(1, 1, 1, 1), 12.5)
	opstest.Check(t, tol, "present_key without past", outs[1], ir.Float32, shape(1, 1, 2, 2), 1, 0, 0, 1)
	opstest.Check(t, tol, "qk_matmul_output", outs[3], ir.Float32, shape(1, 1, 1, 2), float64(ln3), 0)
	outs = opstest.RunOp(t, "Attention", 23, opstest.Attrs("scale", ln3, "qk_matmul_output_mode", 3), 4, q, k, v)
	opstest.Check(t, tol, "qk_matmul_output after softmax", outs[3], ir.Float32, shape(1, 1, 1, 2), 0.75, 0.25)

	opstest.Check(t, tol, "causal", opstest.RunOp(t, "Attention", 23, opstest.Attrs("scale", ln3, "is_causal", 1), 1, q, k, v)[0], ir.Float32, shape(1, 1, 1, 1), 10)
	boolMask := opstest.Tensor(ir.Bool, shape(2), 0, 1)
	opstest.Check(t, tol, "bool mask", opstest.RunOp(t, "Attention", 23, scaled, 1, q, k, v, boolMask)[0], ir.Float32, shape(1, 1, 1, 1), 20)
	addMask := f32(shape(1, 2), 0, float64(ln3))
	opstest.Check(t, tol, "additive mask", opstest.RunOp(t, "Attention", 23, scaled, 1, q, k, v, addMask)[0], ir.Float32, shape(1, 1, 1, 1), 15)
	shortMask := f32(shape(1, 1), 0)
	opstest.Check(t, tol, "short mask pads with -inf", opstest.RunOp(t, "Attention", 23, scaled, 1, q, k, v, shortMask)[0], ir.Float32, shape(1, 1, 1, 1), 10)
	nonpad := opstest.Tensor(ir.Int64, shape(1), 1)
	opstest.Check(t, tol, "nonpad_kv_seqlen", opstest.RunOp(t, "Attention", 24, scaled, 1, q, k, v, nil, nil, nil, nonpad)[0], ir.Float32, shape(1, 1, 1, 1), 10)
	// softcap 1 turns the score ln 3 into tanh(ln 3) = 0.8.
	w := math.Exp(0.8) / (math.Exp(0.8) + 1)
	got := opstest.RunOp(t, "Attention", 23, opstest.Attrs("scale", ln3, "softcap", float32(1)), 1, q, k, v)[0]
	opstest.Check(t, tol, "softcap", got, ir.Float32, shape(1, 1, 1, 1), 10*w+20*(1-w))

	// The same keys and values split into a cache of one position and one
	// new position; causal attention sees both (the query follows the cache).
	outs = opstest.RunOp(t, "Attention", 23, opstest.Attrs("scale", ln3, "is_causal", 1), 3,
		q, f32(shape(1, 1, 1, 2), 0, 1), f32(shape(1, 1, 1, 1), 20), nil, f32(shape(1, 1, 1, 2), 1, 0), f32(shape(1, 1, 1, 1), 10))
	opstest.Check(t, tol, "Y with past", outs[0], ir.Float32, shape(1, 1, 1, 1), 12.5)
	opstest.Check(t, tol, "present_key", outs[1], ir.Float32, shape(1, 1, 2, 2), 1, 0, 0, 1)
	opstest.Check(t, tol, "present_value", outs[2], ir.Float32, shape(1, 1, 2, 1), 10, 20)

	// 3-D inputs, two query heads sharing one key/value head: head 0 asks
	// [1 0] (12.5 as above), head 1 asks [0 1] (weights [1/4 3/4]: 17.5).
	got = opstest.RunOp(t, "Attention", 23, opstest.Attrs("scale", ln3, "q_num_heads", 2, "kv_num_heads", 1), 1,
		f32(shape(1, 1, 4), 1, 0, 0, 1), f32(shape(1, 2, 2), 1, 0, 0, 1), f32(shape(1, 2, 1), 10, 20))[0]
	opstest.Check(t, tol, "3-D grouped-query", got, ir.Float32, shape(1, 1, 2), 12.5, 17.5)

	fails(t, "heads do not divide", "Attention", 23, opstest.Attrs("q_num_heads", 3, "kv_num_heads", 1), f32(shape(1, 1, 4)), f32(shape(1, 2, 2)), f32(shape(1, 2, 1)))
	fails(t, "mask does not broadcast", "Attention", 23, nil, q, k, v, f32(shape(3, 2)))
	fails(t, "rank mismatch", "Attention", 23, nil, q, f32(shape(1, 2, 2)), v)
}

func TestRotaryEmbedding(t *testing.T) {
	x := f32(shape(1, 1, 1, 4), 1, 2, 3, 4)
	// Angles: 90 degrees for the first pair, 0 for the second.
	cos, sin := f32(shape(1, 1, 2), 0, 1), f32(shape(1, 1, 2), 1, 0)
	opstest.Check(t, tol, "halves", opstest.RunOp(t, "RotaryEmbedding", 23, nil, 1, x, cos, sin)[0], ir.Float32, shape(1, 1, 1, 4), -3, 2, 1, 4)
	opstest.Check(t, tol, "interleaved", opstest.RunOp(t, "RotaryEmbedding", 23, opstest.Attrs("interleaved", 1), 1, x, cos, sin)[0], ir.Float32, shape(1, 1, 1, 4), -2, 1, 3, 4)
	cacheCos, cacheSin := f32(shape(2, 2), 1, 1, 0, 1), f32(shape(2, 2), 0, 0, 1, 0)
	pos := opstest.Tensor(ir.Int64, shape(1, 1), 1)
	opstest.Check(t, tol, "position_ids", opstest.RunOp(t, "RotaryEmbedding", 23, nil, 1, x, cacheCos, cacheSin, pos)[0], ir.Float32, shape(1, 1, 1, 4), -3, 2, 1, 4)
	got := opstest.RunOp(t, "RotaryEmbedding", 23, opstest.Attrs("rotary_embedding_dim", 2), 1, x, f32(shape(1, 1, 1), 0), f32(shape(1, 1, 1), 1))[0]
	opstest.Check(t, tol, "partial", got, ir.Float32, shape(1, 1, 1, 4), -2, 1, 3, 4)
	x3 := f32(shape(1, 1, 4), 1, 2, 3, 4)
	got = opstest.RunOp(t, "RotaryEmbedding", 23, opstest.Attrs("num_heads", 2), 1, x3, f32(shape(1, 1, 1), 0), f32(shape(1, 1, 1), 1))[0]
	opstest.Check(t, tol, "3-D, two heads", got, ir.Float32, shape(1, 1, 4), -2, 1, -4, 3)
	fails(t, "position out of range", "RotaryEmbedding", 23, nil, x, cacheCos, cacheSin, opstest.Tensor(ir.Int64, shape(1, 1), 2))
	fails(t, "cache of the wrong width", "RotaryEmbedding", 23, nil, x, f32(shape(1, 1, 3)), f32(shape(1, 1, 3)))
}

func TestEinsum(t *testing.T) {
	m := f32(shape(2, 3), seq(6)...)
	sq := f32(shape(2, 2), 1, 2, 3, 4)
	eq := func(e string) map[string]*ir.Attr { return opstest.Attrs("equation", e) }
	opstest.Check(t, tol, "transpose", opstest.RunOp(t, "Einsum", 12, eq("ij->ji"), 1, m)[0], ir.Float32, shape(3, 2), 1, 4, 2, 5, 3, 6)
	opstest.Check(t, tol, "diagonal", opstest.RunOp(t, "Einsum", 12, eq("ii->i"), 1, sq)[0], ir.Float32, shape(2), 1, 4)
	opstest.Check(t, tol, "implicit trace", opstest.RunOp(t, "Einsum", 12, eq("ii"), 1, sq)[0], ir.Float32, shape(), 5)
	opstest.Check(t, tol, "implicit matmul", opstest.RunOp(t, "Einsum", 12, eq("ij, jk"), 1, m, f32(shape(3, 2), seq(6)...))[0], ir.Float32, shape(2, 2), 22, 28, 49, 64)
	opstest.Check(t, tol, "outer product", opstest.RunOp(t, "Einsum", 12, eq("i,j->ij"), 1, f32(shape(2), 1, 2), f32(shape(2), 3, 4))[0], ir.Float32, shape(2, 2), 3, 4, 6, 8)
	opstest.Check(t, tol, "ellipsis broadcast", opstest.RunOp(t, "Einsum", 12, eq("...i,...i->..."), 1, f32(shape(2, 2), 1, 2, 3, 4), f32(shape(2), 1, 1))[0],
		ir.Float32, shape(2), 3, 7)
	opstest.Check(t, tol, "sum all", opstest.RunOp(t, "Einsum", 12, eq("ij->"), 1, m)[0], ir.Float32, shape(), 21)
	fails(t, "unknown output label", "Einsum", 12, eq("ij->k"), m)
	fails(t, "size mismatch", "Einsum", 12, eq("ij,ij->ij"), m, sq)
	fails(t, "wrong term count", "Einsum", 12, eq("ij,jk"), m)
	fails(t, "term rank", "Einsum", 12, eq("ijk"), m)
}

func TestFlexAttention(t *testing.T) {
	ln3 := float32(math.Log(3))
	q := f32(shape(1, 1, 1, 2), 1, 0)
	k := f32(shape(1, 1, 2, 2), 1, 0, 0, 1)
	v := f32(shape(1, 1, 2, 1), 10, 20)
	flex := func(a map[string]*ir.Attr) *ir.Tensor {
		t.Helper()
		n := &ir.Node{Name: "n", Op: "FlexAttention", Domain: "ai.onnx.preview", Version: 1, Attrs: a,
			Inputs: []*ir.Value{{Name: "q"}, {Name: "k"}, {Name: "v"}}, Outputs: []*ir.Value{{Name: "y"}}}
		outs, err := exec.NewInterpreter().RunNode(n, []*ir.Tensor{q, k, v})
		if err != nil {
			t.Fatal(err)
		}
		return outs[0]
	}
	opstest.Check(t, tol, "plain", flex(opstest.Attrs("scale", ln3)), ir.Float32, shape(1, 1, 1, 1), 12.5)
	// score_mod negates the scores: weights [1/4 3/4].
	in, out := &ir.Value{Name: "s"}, &ir.Value{Name: "o"}
	neg := &ir.Node{Name: "neg", Op: "Neg", Version: 13, Inputs: []*ir.Value{in}, Outputs: []*ir.Value{out}}
	out.Producer = neg
	a := opstest.Attrs("scale", ln3)
	a["score_mod"] = &ir.Attr{Kind: ir.AttrGraph, Graph: &ir.Graph{Name: "mod", Inputs: []*ir.Value{in}, Outputs: []*ir.Value{out}, Nodes: []*ir.Node{neg}}}
	opstest.Check(t, tol, "score_mod", flex(a), ir.Float32, shape(1, 1, 1, 1), 17.5)
}
