package fused

import (
	"math"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// heads addresses a Q, K, V or output tensor by batch, head, position and
// feature, in either layout: 3-D [B, S, H*D] (heads merged) or 4-D [B, H, S, D].
type heads struct {
	vals           []float64
	b, h, s, d     int
	bs, hs, ss, ds int // strides
}

func toHeads(ctx *kernel.Context, t *ir.Tensor, nh int64, what string) (heads, error) {
	if t == nil || !t.DType.IsFloat() {
		return heads{}, ctx.Errorf("%s must be a float tensor", what)
	}
	sh := t.Shape
	switch {
	case len(sh) == 4:
		x := heads{b: int(sh[0]), h: int(sh[1]), s: int(sh[2]), d: int(sh[3])}
		x.ds, x.ss, x.hs, x.bs = 1, x.d, x.s*x.d, x.h*x.s*x.d
		x.vals = t.Float64s()
		return x, nil
	case len(sh) == 3 && nh > 0 && sh[2]%nh == 0:
		x := heads{b: int(sh[0]), s: int(sh[1]), h: int(nh), d: int(sh[2] / nh)}
		x.ds, x.hs, x.ss, x.bs = 1, x.d, x.h*x.d, x.s*x.h*x.d
		x.vals = t.Float64s()
		return x, nil
	}
	return heads{}, ctx.Errorf("%s of shape %v is neither [B,S,%d*D] nor [B,H,S,D]", what, sh, nh)
}

func (x heads) at(b, h, s int) []float64 {
	o := b*x.bs + h*x.hs + s*x.ss
	return x.vals[o : o+(x.d-1)*x.ds+1]
}

// attention is the kernel of Attention(Q, K, V, Bias?): per head,
// softmax(Q·Kᵀ·scale + Bias, masked causally when causal=1) · V. Query
// head h reads key/value head h/(num_heads/kv_num_heads) (grouped-query
// attention). Causal masking is aligned bottom-right: query i sees keys
// j ≤ i + Skv − Sq. The output has Q's layout.
func attention(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	n := ctx.Node
	nh := n.AttrInt("num_heads", 0)
	nkv := n.AttrInt("kv_num_heads", 0)
	if nkv == 0 {
		nkv = nh
	}
	if len(in) < 3 || in[1] == nil || in[2] == nil {
		if len(in) > 2 && (in[1] == nil) != (in[2] == nil) || len(in) == 2 && in[1] != nil {
			return nil, ctx.Errorf("needs K and V, or neither (Q packed)")
		}
		qkv, err := unpack(ctx, in[0], nh, nkv)
		if err != nil {
			return nil, err
		}
		in = append(qkv, in[min(3, len(in)):]...)
	}
	q, err := toHeads(ctx, in[0], nh, "Q")
	if err != nil {
		return nil, err
	}
	k, err := toHeads(ctx, in[1], nkv, "K")
	if err != nil {
		return nil, err
	}
	v, err := toHeads(ctx, in[2], nkv, "V")
	if err != nil {
		return nil, err
	}
	if k.b != q.b || v.b != q.b || k.d != q.d || v.s != k.s || v.h != k.h || k.h == 0 || q.h%k.h != 0 {
		return nil, ctx.Errorf("Q %v, K %v, V %v do not fit together", in[0].Shape, in[1].Shape, in[2].Shape)
	}
	var bias []float64
	if len(in) > 3 && in[3] != nil {
		if bias, err = floats(ctx, in[3], []int64{int64(q.b), int64(q.h), int64(q.s), int64(k.s)}, "Bias"); err != nil {
			return nil, err
		}
	}
	scale := float64(n.AttrFloat("scale", float32(1/math.Sqrt(float64(q.d)))))
	causal := n.AttrInt("causal", 0) != 0
	outShape := []int64{int64(q.b), int64(q.h), int64(q.s), int64(v.d)}
	if len(in[0].Shape) == 3 {
		outShape = []int64{int64(q.b), int64(q.s), int64(q.h) * int64(v.d)}
	}
	o := heads{b: q.b, h: q.h, s: q.s, d: v.d, vals: make([]float64, q.b*q.h*q.s*v.d)}
	if len(outShape) == 4 {
		o.ds, o.ss, o.hs, o.bs = 1, o.d, o.s*o.d, o.h*o.s*o.d
	} else {
		o.ds, o.hs, o.ss, o.bs = 1, o.d, o.h*o.d, o.s*o.h*o.d
	}
	group := q.h / k.h
	p := make([]float64, k.s)
	for b := 0; b < q.b; b++ {
		for h := 0; h < q.h; h++ {
			for i := 0; i < q.s; i++ {
				qi := q.at(b, h, i)
				mx := math.Inf(-1)
				for j := range p {
					p[j] = math.Inf(-1)
					if causal && j > i+k.s-q.s {
						continue
					}
					p[j] = dot(qi, k.at(b, h/group, j), q.ds, k.ds, q.d) * scale
					if bias != nil {
						p[j] += bias[((b*q.h+h)*q.s+i)*k.s+j]
					}
					mx = max(mx, p[j])
				}
				sum := 0.0
				for j := range p {
					p[j] = math.Exp(p[j] - mx)
					sum += p[j]
				}
				out := o.at(b, h, i)
				for j := range p {
					vj := v.at(b, h/group, j)
					for d := 0; d < v.d; d++ {
						out[d*o.ds] += p[j] / sum * vj[d*v.ds]
					}
				}
			}
		}
	}
	return result(ctx, in[0].DType, outShape, o.vals)
}

// unpack splits a packed [B, S, (H + 2·Hkv)·D] tensor into Q, K and V.
func unpack(ctx *kernel.Context, t *ir.Tensor, nh, nkv int64) ([]*ir.Tensor, error) {
	if t == nil || len(t.Shape) != 3 || nh <= 0 || t.Shape[2]%(nh+2*nkv) != 0 {
		return nil, ctx.Errorf("packed Q of shape %v is not [B, S, (%d + 2·%d)·D]", shapeOf(t), nh, nkv)
	}
	d := t.Shape[2] / (nh + 2*nkv)
	rows := int(t.Shape[0] * t.Shape[1])
	w := int(t.Shape[2])
	vals := t.Float64s()
	var out []*ir.Tensor
	for _, part := range [][2]int64{{0, nh * d}, {nh * d, nkv * d}, {(nh + nkv) * d, nkv * d}} {
		off, n := int(part[0]), int(part[1])
		x := make([]float64, 0, rows*n)
		for r := range rows {
			x = append(x, vals[r*w+off:r*w+off+n]...)
		}
		p, err := result(ctx, t.DType, []int64{t.Shape[0], t.Shape[1], int64(n)}, x)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func shapeOf(t *ir.Tensor) []int64 {
	if t == nil {
		return nil
	}
	return t.Shape
}

func dot(a, b []float64, as, bs, n int) float64 {
	s := 0.0
	for i := 0; i < n; i++ {
		s += a[i*as] * b[i*bs]
	}
	return s
}
