package misc

import (
	"reflect"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// tensorScatter writes update into a copy of past_cache along the sequence
// axis, starting for each batch entry at its write index (wrapping around
// in circular mode).
func tensorScatter(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	past, upd := in[0], in[1]
	rank := past.Rank()
	axis, err := kernel.NormAxis(ctx.Node.AttrInt("axis", -2), rank)
	if err != nil || axis == 0 {
		return nil, ctx.Errorf("bad axis %d for rank %d", ctx.Node.AttrInt("axis", -2), rank)
	}
	if upd.Rank() != rank || upd.DType != past.DType {
		return nil, ctx.Errorf("update %v %v does not match past_cache %v %v", upd.DType, upd.Shape, past.DType, past.Shape)
	}
	for d := range rank {
		if (d != axis && upd.Shape[d] != past.Shape[d]) || upd.Shape[axis] > past.Shape[axis] {
			return nil, ctx.Errorf("update %v does not fit past_cache %v", upd.Shape, past.Shape)
		}
	}
	batch := int(past.Shape[0])
	writeAt := make([]int64, batch)
	if len(in) > 2 && in[2] != nil {
		if in[2].Len() != batch {
			return nil, ctx.Errorf("write_indices has %d entries, want %d", in[2].Len(), batch)
		}
		writeAt = in[2].Int64s()
	}
	circular := ctx.Node.AttrString("mode", "linear") == "circular"
	maxSeq, seq := int(past.Shape[axis]), int(upd.Shape[axis])
	inner := int(kernel.Product(past.Shape, axis+1, rank))
	prefixes := int(kernel.Product(past.Shape, 0, axis))
	perBatch := prefixes / max(batch, 1)
	out := past.Clone()
	from, to := reflect.ValueOf(upd.Data), reflect.ValueOf(out.Data)
	for p := range prefixes {
		w := writeAt[p/perBatch]
		for s := range seq {
			pos := int(w) + s
			if circular {
				pos = ((pos % maxSeq) + maxSeq) % maxSeq
			}
			if pos < 0 || pos >= maxSeq {
				return nil, ctx.Errorf("write index %d + %d out of range [0, %d)", w, s, maxSeq)
			}
			src := (p*seq + s) * inner
			dst := (p*maxSeq + pos) * inner
			reflect.Copy(to.Slice(dst, dst+inner), from.Slice(src, src+inner))
		}
	}
	return out, nil
}
