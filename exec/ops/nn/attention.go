package nn

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// heads is a [batch, heads, seq, size] tensor in float64, the layout the
// attention kernel computes in.
type heads struct {
	b, h, s, d int
	v          []float64
}

// row returns the size-d vector at (batch b, head h, position s).
func (x heads) row(b, h, s int) []float64 {
	off := ((b*x.h+h)*x.s + s) * x.d
	return x.v[off : off+x.d]
}

// shape returns [b, h, s, d].
func (x heads) shape() []int64 { return []int64{int64(x.b), int64(x.h), int64(x.s), int64(x.d)} }

// mix adds to out the rows of head h of batch b weighted by w (one
// weight per position).
func (x heads) mix(out, w []float64, b, h int) {
	for s, ws := range w {
		for c, e := range x.row(b, h, s) {
			out[c] += ws * e
		}
	}
}

// fitTogether checks that the query, key and value heads of an attention
// agree: same batch, same query and key size, as many key as value heads
// and positions, and query heads a multiple of key heads.
func fitTogether(ctx *kernel.Context, in []*ir.Tensor, q, k, v heads) error {
	if k.b != q.b || v.b != q.b || k.d != q.d || v.h != k.h || v.s != k.s || k.h == 0 || q.h%k.h != 0 {
		return ctx.Errorf("Q %v, K %v and V %v do not fit together", in[0].Shape, in[1].Shape, in[2].Shape)
	}
	return nil
}

// toHeads reads Q, K or V: a 4-D [batch, heads, seq, size] tensor as is, a
// 3-D [batch, seq, heads*size] one split into n heads.
func toHeads(ctx *kernel.Context, t *ir.Tensor, what string, n int64) (heads, error) {
	switch {
	case t.Rank() == 4:
		return heads{int(t.Shape[0]), int(t.Shape[1]), int(t.Shape[2]), int(t.Shape[3]), t.Float64s()}, nil
	case t.Rank() != 3:
		return heads{}, ctx.Errorf("%s has shape %v, want rank 3 or 4", what, t.Shape)
	case n <= 0 || t.Shape[2]%n != 0:
		return heads{}, ctx.Errorf("%s of shape %v does not split into %d heads", what, t.Shape, n)
	}
	x := heads{int(t.Shape[0]), int(n), int(t.Shape[1]), int(t.Shape[2] / n), make([]float64, t.Len())}
	src := t.Float64s()
	for b := 0; b < x.b; b++ {
		for s := 0; s < x.s; s++ {
			for h := 0; h < x.h; h++ {
				copy(x.row(b, h, s), src[((b*x.s+s)*x.h+h)*x.d:])
			}
		}
	}
	return x, nil
}

// merged returns x as a 3-D [batch, seq, heads*size] tensor's elements.
func (x heads) merged() []float64 {
	out := make([]float64, len(x.v))
	for b := 0; b < x.b; b++ {
		for s := 0; s < x.s; s++ {
			for h := 0; h < x.h; h++ {
				copy(out[((b*x.s+s)*x.h+h)*x.d:], x.row(b, h, s))
			}
		}
	}
	return out
}

// withPast prepends the cached positions past (nil for none) to x along
// the sequence.
func withPast(ctx *kernel.Context, past *ir.Tensor, x heads, what string) (heads, error) {
	if past == nil {
		return x, nil
	}
	if past.Rank() != 4 || past.Shape[0] != int64(x.b) || past.Shape[1] != int64(x.h) || past.Shape[3] != int64(x.d) {
		return heads{}, ctx.Errorf("%s has shape %v, want [%d %d past %d]", what, past.Shape, x.b, x.h, x.d)
	}
	p := int(past.Shape[2])
	pv := past.Float64s()
	out := heads{x.b, x.h, p + x.s, x.d, make([]float64, len(pv)+len(x.v))}
	for b := 0; b < x.b; b++ {
		for h := 0; h < x.h; h++ {
			for s := 0; s < out.s; s++ {
				if s < p {
					copy(out.row(b, h, s), pv[((b*x.h+h)*p+s)*x.d:])
				} else {
					copy(out.row(b, h, s), x.row(b, h, s-p))
				}
			}
		}
	}
	return out, nil
}

// attnBias returns the additive bias of the scores, shape [batch, q heads,
// q seq, total seq], from the mask (bool: false masks out; otherwise
// added; a short last dim is padded with masked positions), is_causal (a
// query at i sees keys up to i plus the number of keys before the query
// block) and nonpad_kv_seqlen (keys at or past it per batch are masked).
func attnBias(ctx *kernel.Context, mask, nonpad *ir.Tensor, out []int64, past int) ([]float64, error) {
	nb, nq, total := int(out[0]), int(out[2]), int(out[3])
	bias := make([]float64, kernel.Product(out, 0, 4))
	inf := math.Inf(-1)
	if mask != nil {
		ms := slices.Clone(mask.Shape)
		if len(ms) == 0 || len(ms) > 4 || ms[len(ms)-1] > int64(total) {
			return nil, ctx.Errorf("attn_mask has shape %v, want one broadcastable to %v", mask.Shape, out)
		}
		short := int(ms[len(ms)-1])
		ms[len(ms)-1] = int64(total)
		if b, err := kernel.BroadcastShapes(ms, out); err != nil || !slices.Equal(b, out) {
			return nil, ctx.Errorf("attn_mask has shape %v, want one broadcastable to %v", mask.Shape, out)
		}
		mv := mask.Float64s()
		if mask.DType == ir.Bool {
			for i, v := range mv {
				mv[i] = 0
				if v == 0 {
					mv[i] = inf
				}
			}
		}
		for e, j := range kernel.BroadcastIndex(ms, out) {
			// j indexes the padded mask; map it back to the stored one.
			row, col := j/total, j%total
			if col < short {
				bias[e] = mv[row*short+col]
			} else {
				bias[e] = inf
			}
		}
	}
	var seen []int64
	if nonpad != nil {
		seen = nonpad.Int64s()
		if len(seen) != nb {
			return nil, ctx.Errorf("nonpad_kv_seqlen has shape %v, want [%d]", nonpad.Shape, nb)
		}
	}
	causal := ctx.Node.AttrInt("is_causal", 0) != 0
	for e := range bias {
		b, i, j := e/(total*nq*int(out[1])), e/total%nq, e%total
		offset := int64(past)
		if seen != nil && past == 0 {
			offset = seen[b] - int64(nq)
		}
		if causal && int64(j) > int64(i)+offset || seen != nil && int64(j) >= seen[b] {
			bias[e] += inf
		}
	}
	return bias, nil
}

// attentionInputs reads Q, K and V as heads, checks that they fit, and
// prepends the past key and value caches; past is the cache length.
func attentionInputs(ctx *kernel.Context, in []*ir.Tensor) (q, k, v heads, past int, err error) {
	n := ctx.Node
	if err = floatInputs(ctx, in[0], in[1], optional(in, 4)); err != nil {
		return
	}
	if err = floatInputs(ctx, in[2], optional(in, 5)); err != nil {
		return
	}
	if in[0].Rank() != in[1].Rank() || in[0].Rank() != in[2].Rank() {
		err = ctx.Errorf("Q %v, K %v and V %v must have the same rank", in[0].Shape, in[1].Shape, in[2].Shape)
		return
	}
	if q, err = toHeads(ctx, in[0], "Q", n.AttrInt("q_num_heads", 0)); err != nil {
		return
	}
	if k, err = toHeads(ctx, in[1], "K", n.AttrInt("kv_num_heads", 0)); err != nil {
		return
	}
	if v, err = toHeads(ctx, in[2], "V", n.AttrInt("kv_num_heads", 0)); err != nil {
		return
	}
	if err = fitTogether(ctx, in, q, k, v); err != nil {
		return
	}
	newKeys := k.s
	if k, err = withPast(ctx, optional(in, 4), k, "past_key"); err != nil {
		return
	}
	if v, err = withPast(ctx, optional(in, 5), v, "past_value"); err != nil {
		return
	}
	if k.s != v.s {
		err = ctx.Errorf("past_key and past_value hold different lengths")
	}
	return q, k, v, k.s - newKeys, err
}

// attention is Attention (opsets 23 and 24): softmax(scale*Q*K^T, softcapped,
// plus the mask bias) times V, with grouped-query heads, a key/value cache
// (past_* in, present_* out) and the optional qk_matmul_output.
func attention(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	n := ctx.Node
	q, k, v, past, err := attentionInputs(ctx, in)
	if err != nil {
		return nil, err
	}
	qkShape := []int64{int64(q.b), int64(q.h), int64(q.s), int64(k.s)}
	y := heads{q.b, q.h, q.s, v.d, nil}
	if err := checkSizes(ctx, qkShape, y.shape()); err != nil {
		return nil, err
	}
	y.v = make([]float64, q.b*q.h*q.s*v.d)
	bias, err := attnBias(ctx, optional(in, 3), optional(in, 6), qkShape, past)
	if err != nil {
		return nil, err
	}
	scale := 1 / math.Sqrt(float64(q.d))
	if a := n.Attr("scale"); a != nil {
		scale = float64(a.Float)
	}
	softcap := float64(n.AttrFloat("softcap", 0))
	mode := n.AttrInt("qk_matmul_output_mode", 0)
	qk := make([]float64, len(bias))
	reps := q.h / k.h
	for b := 0; b < q.b; b++ {
		for h := 0; h < q.h; h++ {
			for i := 0; i < q.s; i++ {
				e := ((b*q.h+h)*q.s + i) * k.s
				p, scores := qk[e:e+k.s], make([]float64, k.s)
				for j := range scores {
					raw := scale * dot(q.row(b, h, i), k.row(b, h/reps, j))
					capped := raw
					if softcap > 0 {
						capped = softcap * math.Tanh(raw/softcap)
					}
					scores[j] = capped + bias[e+j]
					p[j] = [3]float64{raw, capped, scores[j]}[min(mode, 2)]
				}
				softmax(scores)
				if mode == 3 {
					copy(p, scores)
				}
				v.mix(y.row(b, h, i), scores, b, h/reps)
			}
		}
	}
	outs := outputSlots(ctx, 4)
	yv, yShape := y.v, y.shape()
	if in[0].Rank() == 3 {
		yv, yShape = y.merged(), []int64{int64(q.b), int64(q.s), int64(q.h * v.d)}
	}
	if outs[0], err = fromFloats(ctx, in[0].DType, yShape, yv); err != nil {
		return nil, err
	}
	for i, t := range []struct {
		dt    ir.DType
		shape []int64
		v     []float64
	}{{in[1].DType, k.shape(), k.v}, {in[2].DType, v.shape(), v.v}, {in[0].DType, qkShape, qk}} {
		if wanted(ctx, i+1) {
			if outs[i+1], err = fromFloats(ctx, t.dt, t.shape, t.v); err != nil {
				return nil, err
			}
		}
	}
	return outs, nil
}

// dot is the inner product of two equally long vectors.
func dot(a, b []float64) float64 {
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// flexAttention is ai.onnx.preview FlexAttention: softmax(scale*Q*K^T)
// times V over rank-4 inputs with grouped-query heads, the scores passed
// through the score_mod graph before the softmax and the probabilities
// through prob_mod after it (both optional), in softmax_precision (float32,
// or float64 for double inputs, by default).
func flexAttention(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	if err := floatInputs(ctx, in[0], in[1], in[2]); err != nil {
		return nil, err
	}
	if in[0].Rank() != 4 || in[1].Rank() != 4 || in[2].Rank() != 4 {
		return nil, ctx.Errorf("Q %v, K %v and V %v must be 4-D", in[0].Shape, in[1].Shape, in[2].Shape)
	}
	// 4-D inputs read as heads as they are.
	q, _ := toHeads(ctx, in[0], "Q", 0)
	k, _ := toHeads(ctx, in[1], "K", 0)
	v, _ := toHeads(ctx, in[2], "V", 0)
	if err := fitTogether(ctx, in, q, k, v); err != nil {
		return nil, err
	}
	shape := []int64{int64(q.b), int64(q.h), int64(q.s), int64(k.s)}
	y := heads{q.b, q.h, q.s, v.d, nil}
	if err := checkSizes(ctx, shape, y.shape()); err != nil {
		return nil, err
	}
	scale := 1 / math.Sqrt(float64(q.d))
	if a := ctx.Node.Attr("scale"); a != nil {
		scale = float64(a.Float)
	}
	prec := ir.Float32
	if in[0].DType == ir.Float64 {
		prec = ir.Float64
	}
	prec = ir.DType(ctx.Node.AttrInt("softmax_precision", int64(prec)))
	reps := q.h / k.h
	scores := make([]float64, kernel.Product(shape, 0, 4))
	for b := 0; b < q.b; b++ {
		for h := 0; h < q.h; h++ {
			for i := 0; i < q.s; i++ {
				for j := 0; j < k.s; j++ {
					scores[((b*q.h+h)*q.s+i)*k.s+j] = scale * dot(q.row(b, h, i), k.row(b, h/reps, j))
				}
			}
		}
	}
	scores, err := modify(ctx, "score_mod", prec, shape, scores)
	if err != nil {
		return nil, err
	}
	linesOf(shape, 3, 4).apply(scores, softmax)
	if scores, err = modify(ctx, "prob_mod", prec, shape, scores); err != nil {
		return nil, err
	}
	y.v = make([]float64, q.b*q.h*q.s*v.d)
	for b := 0; b < q.b; b++ {
		for h := 0; h < q.h; h++ {
			for i := 0; i < q.s; i++ {
				v.mix(y.row(b, h, i), scores[((b*q.h+h)*q.s+i)*k.s:][:k.s], b, h/reps)
			}
		}
	}
	return fromFloats(ctx, in[0].DType, y.shape(), y.v)
}

// modify runs the node's graph attribute name (if any) on vals as a tensor
// of dtype dt and the given shape, and returns its result's elements; the
// result must keep the shape.
func modify(ctx *kernel.Context, name string, dt ir.DType, shape []int64, vals []float64) ([]float64, error) {
	a := ctx.Node.Attr(name)
	if a == nil || a.Graph == nil {
		return vals, nil
	}
	if ctx.RunGraph == nil {
		return nil, ctx.Errorf("%s: nested graphs cannot run here", name)
	}
	t, err := fromFloats(ctx, dt, shape, vals)
	if err != nil {
		return nil, err
	}
	outs, err := ctx.RunGraph(a.Graph, []*ir.Tensor{t})
	if err != nil {
		return nil, err
	}
	if len(outs) != 1 || outs[0] == nil || !slices.Equal(outs[0].Shape, shape) {
		return nil, ctx.Errorf("%s must return one tensor of shape %v", name, shape)
	}
	return outs[0].Float64s(), nil
}
