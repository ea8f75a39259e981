package nn

import (
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// lines views a shape as [outer, n, inner]: dims[:lo] fold into outer,
// dims[lo:hi] into n and dims[hi:] into inner. Softmax splits around one
// axis (hi = lo+1); LayerNormalization and the opset<13 softmaxes fold all
// trailing dims into n (hi = rank).
type lines struct {
	outer, n, inner int
}

// linesOf splits shape at lo and hi (0 <= lo <= hi <= len(shape)).
func linesOf(shape []int64, lo, hi int) lines {
	return lines{
		outer: int(kernel.Product(shape, 0, lo)),
		n:     int(kernel.Product(shape, lo, hi)),
		inner: int(kernel.Product(shape, hi, len(shape))),
	}
}

// each calls f once per line with the flat index of the line's first
// element; the line's n elements follow at step l.inner.
func (l lines) each(f func(base, step int)) {
	for o := 0; o < l.outer; o++ {
		for i := 0; i < l.inner; i++ {
			f(o*l.n*l.inner+i, l.inner)
		}
	}
}

// apply rewrites vals line by line: f gets a copy of each line's elements
// and modifies it in place; the result is written back.
func (l lines) apply(vals []float64, f func(line []float64)) {
	buf := make([]float64, l.n)
	l.each(func(base, step int) {
		for k := range buf {
			buf[k] = vals[base+k*step]
		}
		f(buf)
		for k, v := range buf {
			vals[base+k*step] = v
		}
	})
}

// isFloat reports whether t holds one of the float types the float kernels
// compute in (float32/64, float16, bfloat16).
func isFloat(t *ir.Tensor) bool {
	switch t.DType {
	case ir.Float32, ir.Float64, ir.Float16, ir.BFloat16:
		return true
	}
	return false
}

// floatInputs checks that every given (non-nil) input is a float tensor and
// that all have the same dtype as the first.
func floatInputs(ctx *kernel.Context, ins ...*ir.Tensor) error {
	for i, t := range ins {
		if t == nil {
			continue
		}
		if !isFloat(t) {
			return ctx.Errorf("input %d has dtype %v, want a float type", i, t.DType)
		}
		if t.DType != ins[0].DType {
			return ctx.Errorf("input %d has dtype %v, want %v like input 0", i, t.DType, ins[0].DType)
		}
	}
	return nil
}

// fromFloats builds the output tensor of dtype dt, rounding vals to it.
func fromFloats(ctx *kernel.Context, dt ir.DType, shape []int64, vals []float64) (*ir.Tensor, error) {
	t, err := ir.FromFloat64s(dt, shape, vals)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return t, nil
}

// roundTo rounds v to the precision of dt (float32, float16, bfloat16;
// float64 and other types keep v).
func roundTo(dt ir.DType, v float64) float64 {
	switch dt {
	case ir.Float32:
		return float64(float32(v))
	case ir.Float16:
		return float64(ir.Float16ToFloat32(ir.Float32ToFloat16(float32(v))))
	case ir.BFloat16:
		return float64(ir.BFloat16ToFloat32(ir.Float32ToBFloat16(float32(v))))
	}
	return v
}

// outputSlots returns a result slice with one slot per output of the node
// (at most limit).
func outputSlots(ctx *kernel.Context, limit int) []*ir.Tensor {
	return make([]*ir.Tensor, min(len(ctx.Node.Outputs), limit))
}

// wanted reports whether output slot i of the node is requested.
func wanted(ctx *kernel.Context, i int) bool {
	return i < len(ctx.Node.Outputs) && ctx.Node.Outputs[i] != nil
}

// intsAttr returns an ints attribute, or def when it is absent.
func intsAttr(n *ir.Node, name string, def []int64) []int64 {
	if v, ok := n.AttrInts(name); ok {
		return v
	}
	return def
}

// checkRank refuses a tensor whose rank is below min.
func checkRank(ctx *kernel.Context, t *ir.Tensor, what string, min int) error {
	if t.Rank() < min {
		return ctx.Errorf("%s has shape %v, want rank >= %d", what, t.Shape, min)
	}
	return nil
}

// checkSizes refuses shapes with more than ir.MaxElements elements.
func checkSizes(ctx *kernel.Context, shapes ...[]int64) error {
	for _, s := range shapes {
		if _, err := ir.NumElements(s); err != nil {
			return ctx.Errorf("%v", err)
		}
	}
	return nil
}
