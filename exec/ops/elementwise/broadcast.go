package elementwise

import (
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// broadcastAll returns the numpy-style broadcast shape of ts and, per
// tensor, the flat index of its element that each output element reads.
//
// Two-input ops before opset 7 broadcast the legacy way: with broadcast=1
// and an axis attribute, the second input's dims line up with the first's
// starting at axis (without axis, suffix matching, which numpy rules cover).
func broadcastAll(ctx *kernel.Context, ts ...*ir.Tensor) ([]int64, [][]int, error) {
	shapes := make([][]int64, len(ts))
	for i, t := range ts {
		if t == nil {
			return nil, nil, ctx.Errorf("input %d is missing", i)
		}
		shapes[i] = t.Shape
	}
	if len(ts) == 2 && ctx.Node.Version < 7 && ctx.Node.AttrInt("broadcast", 0) == 1 {
		if a := ctx.Node.Attr("axis"); a != nil {
			s, err := alignAt(ctx, shapes[0], shapes[1], a.Int)
			if err != nil {
				return nil, nil, err
			}
			shapes[1] = s
		}
	}
	out, err := kernel.BroadcastShapes(shapes...)
	if err != nil {
		return nil, nil, ctx.Errorf("%v", err)
	}
	idx := make([][]int, len(ts))
	for i, s := range shapes {
		idx[i] = kernel.BroadcastIndex(s, out)
	}
	return out, idx, nil
}

// alignAt pads b's shape with ones to a's rank so that its dims start at
// axis of a (legacy broadcasting).
func alignAt(ctx *kernel.Context, a, b []int64, axis int64) ([]int64, error) {
	if axis < 0 {
		axis += int64(len(a))
	}
	if axis < 0 || axis+int64(len(b)) > int64(len(a)) {
		return nil, ctx.Errorf("cannot broadcast shape %v onto %v at axis %d", b, a, axis)
	}
	s := make([]int64, len(a))
	for i := range s {
		s[i] = 1
	}
	copy(s[axis:], b)
	return s, nil
}

// gather builds a tensor of srcs' common dtype and the given shape whose
// element k is element at[k] of srcs[from[k]]. It copies elements as they
// are, so it serves every dtype.
func gather(ctx *kernel.Context, srcs []*ir.Tensor, shape []int64, from, at []int) (*ir.Tensor, error) {
	out, err := ir.NewTensor(srcs[0].DType, shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	ok := true
	switch d := out.Data.(type) {
	case []float32:
		ok = gatherInto(d, srcs, from, at)
	case []float64:
		ok = gatherInto(d, srcs, from, at)
	case []uint16:
		ok = gatherInto(d, srcs, from, at)
	case []int8:
		ok = gatherInto(d, srcs, from, at)
	case []int16:
		ok = gatherInto(d, srcs, from, at)
	case []int32:
		ok = gatherInto(d, srcs, from, at)
	case []int64:
		ok = gatherInto(d, srcs, from, at)
	case []uint8:
		ok = gatherInto(d, srcs, from, at)
	case []uint32:
		ok = gatherInto(d, srcs, from, at)
	case []uint64:
		ok = gatherInto(d, srcs, from, at)
	case []bool:
		ok = gatherInto(d, srcs, from, at)
	case []string:
		ok = gatherInto(d, srcs, from, at)
	case []complex64:
		ok = gatherInto(d, srcs, from, at)
	case []complex128:
		ok = gatherInto(d, srcs, from, at)
	}
	for _, s := range srcs {
		ok = ok && s.DType == out.DType
	}
	if !ok {
		return nil, ctx.Errorf("inputs have different types: %v", dtypes(srcs))
	}
	return out, nil
}

// gatherInto fills dst from the typed data of srcs; false when a source
// does not hold []T.
func gatherInto[T any](dst []T, srcs []*ir.Tensor, from, at []int) bool {
	data := make([][]T, len(srcs))
	for i, s := range srcs {
		d, ok := s.Data.([]T)
		if !ok {
			return false
		}
		data[i] = d
	}
	for k := range dst {
		dst[k] = data[from[k]][at[k]]
	}
	return true
}

func dtypes(ts []*ir.Tensor) []ir.DType {
	out := make([]ir.DType, len(ts))
	for i, t := range ts {
		out[i] = t.DType
	}
	return out
}
