package nn

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// silu is x*sigmoid(x).
func silu(x float64) float64 { return x / (1 + math.Exp(-x)) }

// causalConvWithState is CausalConvWithState (opset 27): a depthwise 1-D
// convolution of every channel over its past k-1 positions (past_state, or
// zeros) and the input, with optional bias and SiLU; present_state keeps
// the last k-1 positions of the extended sequence.
func causalConvWithState(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	x, w, b, past := in[0], in[1], optional(in, 2), optional(in, 3)
	if err := floatInputs(ctx, x, w, b, past); err != nil {
		return nil, err
	}
	if x.Rank() != 3 || w.Rank() != 3 || w.Shape[0] != x.Shape[1] || w.Shape[1] != 1 || w.Shape[2] < 1 {
		return nil, ctx.Errorf("input %v and weight %v: want [B C L] and [C 1 k]", x.Shape, w.Shape)
	}
	nb, nc, nl, k := int(x.Shape[0]), int(x.Shape[1]), int(x.Shape[2]), int(w.Shape[2])
	stateShape := []int64{int64(nb), int64(nc), int64(k - 1)}
	if past != nil && !slices.Equal(past.Shape, stateShape) {
		return nil, ctx.Errorf("past_state has shape %v, want %v", past.Shape, stateShape)
	}
	if b != nil && !slices.Equal(b.Shape, []int64{int64(nc)}) {
		return nil, ctx.Errorf("bias has shape %v, want [%d]", b.Shape, nc)
	}
	act := ctx.Node.AttrString("activation", "none")
	if act != "none" && act != "silu" && act != "swish" {
		return nil, ctx.Errorf("unknown activation %q", act)
	}
	xv, wv := x.Float64s(), w.Float64s()
	var bv, pv []float64
	if b != nil {
		bv = b.Float64s()
	}
	if past != nil {
		pv = past.Float64s()
	}
	y, state := make([]float64, len(xv)), make([]float64, nb*nc*(k-1))
	seq := make([]float64, k-1+nl)
	for p := 0; p < nb*nc; p++ {
		clear(seq)
		if pv != nil {
			copy(seq, pv[p*(k-1):(p+1)*(k-1)])
		}
		copy(seq[k-1:], xv[p*nl:(p+1)*nl])
		c := p % nc
		for t := 0; t < nl; t++ {
			s := 0.0
			if bv != nil {
				s = bv[c]
			}
			for j, wj := range wv[c*k : (c+1)*k] {
				s += wj * seq[t+j]
			}
			if act != "none" {
				s = silu(s)
			}
			y[p*nl+t] = s
		}
		copy(state[p*(k-1):], seq[nl:])
	}
	out, err := fromFloats(ctx, x.DType, x.Shape, y)
	if err != nil {
		return nil, err
	}
	present, err := fromFloats(ctx, x.DType, stateShape, state)
	if err != nil {
		return nil, err
	}
	outs := outputSlots(ctx, 2)
	copy(outs, []*ir.Tensor{out, present})
	return outs, nil
}

// gate reads LinearAttention's decay or beta input ([B, T, H*d] or
// [B, T, H] or [B, T, 1]) as heads: gate.row(b, h, t) holds one value per
// key dim, or a single value for the head (h is clamped to the gate's heads).
func gate(ctx *kernel.Context, t *ir.Tensor, what string, b, s, h, dk int) (heads, error) {
	if t.Rank() != 3 || t.Shape[0] != int64(b) || t.Shape[1] != int64(s) {
		return heads{}, ctx.Errorf("%s has shape %v, want [%d %d ...]", what, t.Shape, b, s)
	}
	switch t.Shape[2] {
	case int64(h * dk), int64(h):
		return toHeads(ctx, t, what, int64(h))
	case 1:
		return toHeads(ctx, t, what, 1)
	}
	return heads{}, ctx.Errorf("%s has shape %v, want last dim %d, %d or 1", what, t.Shape, h*dk, h)
}

// linearRule is LinearAttention's update_rule: gated decays the state
// before the update, delta writes beta*(v - S^T k) instead of v.
type linearRule struct{ gated, delta bool }

// update applies the rule for one token to the state s (d_k x d_v,
// row-major) of a key/value head: key kt, value vt, log-decay g (one per
// key dim, or one for all) and rate beta.
func (r linearRule) update(s, kt, vt, g []float64, beta float64) {
	dv := len(vt)
	if r.gated {
		for i := range kt {
			f := math.Exp(g[min(i, len(g)-1)])
			for j := range vt {
				s[i*dv+j] *= f
			}
		}
	}
	write := slices.Clone(vt)
	if r.delta {
		for j := range write {
			kS := 0.0
			for i, ki := range kt {
				kS += s[i*dv+j] * ki
			}
			write[j] = beta * (vt[j] - kS)
		}
	}
	for i, ki := range kt {
		for j, wj := range write {
			s[i*dv+j] += ki * wj
		}
	}
}

// linearInputs reads LinearAttention's query, key and value heads, its rule
// and the decay and beta gates the rule needs.
func linearInputs(ctx *kernel.Context, in []*ir.Tensor) (q, k, v, g, beta heads, rule linearRule, err error) {
	n := ctx.Node
	if err = floatInputs(ctx, in[0], in[1], in[2], optional(in, 4), optional(in, 5)); err != nil {
		return
	}
	if in[0].Rank() != 3 || in[1].Rank() != 3 || in[2].Rank() != 3 {
		err = ctx.Errorf("query %v, key %v, value %v: want 3-D", in[0].Shape, in[1].Shape, in[2].Shape)
		return
	}
	if q, err = toHeads(ctx, in[0], "query", n.AttrInt("q_num_heads", 0)); err != nil {
		return
	}
	if k, err = toHeads(ctx, in[1], "key", n.AttrInt("kv_num_heads", 0)); err != nil {
		return
	}
	if v, err = toHeads(ctx, in[2], "value", n.AttrInt("kv_num_heads", 0)); err != nil {
		return
	}
	if k.b != q.b || v.b != q.b || k.s != q.s || v.s != q.s || k.d != q.d || q.h%k.h != 0 {
		err = ctx.Errorf("query %v, key %v and value %v do not fit together", in[0].Shape, in[1].Shape, in[2].Shape)
		return
	}
	name := n.AttrString("update_rule", "gated_delta")
	rule = linearRule{gated: name == "gated" || name == "gated_delta", delta: name == "delta" || name == "gated_delta"}
	if !rule.gated && !rule.delta && name != "linear" {
		err = ctx.Errorf("unknown update_rule %q", name)
		return
	}
	for _, want := range []struct {
		on    bool
		slot  int
		what  string
		width int
		into  *heads
	}{{rule.gated, 4, "decay", k.d, &g}, {rule.delta, 5, "beta", 1, &beta}} {
		if !want.on {
			continue
		}
		t := optional(in, want.slot)
		if t == nil {
			err = ctx.Errorf("update_rule %s needs %s", name, want.what)
			return
		}
		if *want.into, err = gate(ctx, t, want.what, q.b, q.s, k.h, want.width); err != nil {
			return
		}
	}
	return
}

// linearAttention is LinearAttention (opset 27): per key/value head a
// recurrent state S (d_k x d_v) is updated token by token by the
// update_rule (linear, gated, delta, gated_delta) and every query head
// sharing it reads scale * q^T S.
func linearAttention(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	q, k, v, g, beta, rule, err := linearInputs(ctx, in)
	if err != nil {
		return nil, err
	}
	stateShape := []int64{int64(k.b), int64(k.h), int64(k.d), int64(v.d)}
	y := heads{q.b, q.h, q.s, v.d, nil}
	if err := checkSizes(ctx, stateShape, y.shape()); err != nil {
		return nil, err
	}
	y.v = make([]float64, q.b*q.h*q.s*v.d)
	stateType := in[0].DType
	state := make([]float64, k.b*k.h*k.d*v.d)
	if past := optional(in, 3); past != nil {
		if !isFloat(past) || !slices.Equal(past.Shape, stateShape) {
			return nil, ctx.Errorf("past_state is %v%v, want a float tensor of shape %v", past.DType, past.Shape, stateShape)
		}
		state, stateType = past.Float64s(), past.DType
	}
	scale := float64(ctx.Node.AttrFloat("scale", 0))
	if scale == 0 {
		scale = 1 / math.Sqrt(float64(q.d))
	}
	reps := q.h / k.h
	for b := 0; b < q.b; b++ {
		for t := 0; t < q.s; t++ {
			for h := 0; h < k.h; h++ {
				s := state[(b*k.h+h)*k.d*v.d : (b*k.h+h+1)*k.d*v.d]
				var gt []float64
				rate := 0.0
				if rule.gated {
					gt = g.row(b, min(h, g.h-1), t)
				}
				if rule.delta {
					rate = beta.row(b, min(h, beta.h-1), t)[0]
				}
				rule.update(s, k.row(b, h, t), v.row(b, h, t), gt, rate)
				for qh := h * reps; qh < (h+1)*reps; qh++ {
					// S^T q is the state's rows mixed by q.
					for i, qi := range q.row(b, qh, t) {
						for j, e := range s[i*v.d : (i+1)*v.d] {
							y.row(b, qh, t)[j] += scale * qi * e
						}
					}
				}
			}
		}
	}
	out, err := fromFloats(ctx, in[0].DType, []int64{int64(q.b), int64(q.s), int64(q.h * v.d)}, y.merged())
	if err != nil {
		return nil, err
	}
	present, err := fromFloats(ctx, stateType, stateShape, state)
	if err != nil {
		return nil, err
	}
	outs := outputSlots(ctx, 2)
	copy(outs, []*ir.Tensor{out, present})
	return outs, nil
}
