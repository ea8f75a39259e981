package nn

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// rotaryEmbedding is RotaryEmbedding (opset 23): the first
// rotary_embedding_dim features of every head vector are rotated in pairs
// (the two halves, or even/odd features when interleaved) by the angles
// whose cosines and sines the caches hold for the token's position.
func rotaryEmbedding(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, cosT, sinT, pos := in[0], in[1], in[2], optional(in, 3)
	if err := floatInputs(ctx, x, cosT, sinT); err != nil {
		return nil, err
	}
	n := ctx.Node
	hx, err := toHeads(ctx, x, "X", n.AttrInt("num_heads", 0))
	if err != nil {
		return nil, err
	}
	dim := int(n.AttrInt("rotary_embedding_dim", 0))
	if dim == 0 {
		dim = hx.d
	}
	half := dim / 2
	if dim%2 != 0 || dim > hx.d {
		return nil, ctx.Errorf("rotary_embedding_dim %d must be even and at most the head size %d", dim, hx.d)
	}
	if !slices.Equal(cosT.Shape, sinT.Shape) {
		return nil, ctx.Errorf("cos_cache %v and sin_cache %v differ in shape", cosT.Shape, sinT.Shape)
	}
	// rows maps (batch, position in sequence) to the cache row it uses.
	rows := make([]int64, hx.b*hx.s)
	if pos == nil {
		if want := []int64{int64(hx.b), int64(hx.s), int64(half)}; !slices.Equal(cosT.Shape, want) {
			return nil, ctx.Errorf("caches have shape %v, want %v", cosT.Shape, want)
		}
		for i := range rows {
			rows[i] = int64(i)
		}
	} else {
		if len(cosT.Shape) != 2 || cosT.Shape[1] != int64(half) {
			return nil, ctx.Errorf("caches have shape %v, want [max_position+1 %d]", cosT.Shape, half)
		}
		if !slices.Equal(pos.Shape, []int64{int64(hx.b), int64(hx.s)}) {
			return nil, ctx.Errorf("position_ids has shape %v, want [%d %d]", pos.Shape, hx.b, hx.s)
		}
		rows = pos.Int64s()
		for _, r := range rows {
			if r < 0 || r >= cosT.Shape[0] {
				return nil, ctx.Errorf("position %d outside the caches of shape %v", r, cosT.Shape)
			}
		}
	}
	cos, sin := cosT.Float64s(), sinT.Float64s()
	interleaved := n.AttrInt("interleaved", 0) != 0
	for b := 0; b < hx.b; b++ {
		for h := 0; h < hx.h; h++ {
			for s := 0; s < hx.s; s++ {
				v, r := hx.row(b, h, s), int(rows[b*hx.s+s])*half
				for i := 0; i < half; i++ {
					i1, i2 := i, i+half
					if interleaved {
						i1, i2 = 2*i, 2*i+1
					}
					c, sn, x1, x2 := cos[r+i], sin[r+i], v[i1], v[i2]
					v[i1], v[i2] = c*x1-sn*x2, sn*x1+c*x2
				}
			}
		}
	}
	out := hx.v
	if x.Rank() == 3 {
		out = hx.merged()
	}
	return fromFloats(ctx, x.DType, x.Shape, out)
}
