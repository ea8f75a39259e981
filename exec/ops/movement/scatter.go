package movement

import (
	"fmt"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// scatterND is ScatterND: a copy of data where the slices addressed by the
// index tuples are replaced by (or, with reduction add/mul/max/min,
// combined with) the matching slices of updates.
func scatterND(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	data, ind, upd := inputs[0], inputs[1], inputs[2]
	nd, err := readND(ctx, data, ind, 0)
	if err != nil {
		return nil, err
	}
	if want := slices.Concat(nd.tuples, nd.slice); !slices.Equal(upd.Shape, want) {
		return nil, ctx.Errorf("updates of shape %v, want %v", upd.Shape, want)
	}
	st := kernel.Strides(data.Shape)
	tupleSt := kernel.Strides(nd.tuples)
	q := len(nd.tuples)
	dst, err := mapIndices(upd.Shape, func(c []int64) int {
		return nd.source(st, flatIndex(c[:q], tupleSt), c[:q], c[q:])
	})
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return scatter(ctx, data, upd, dst)
}

// scatterElements is ScatterElements (and the deprecated Scatter): a copy
// of data where the element at position c of indices, with its axis
// coordinate replaced by indices[c], receives updates[c] (or is combined
// with it under a reduction).
func scatterElements(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	data, ind, upd := inputs[0], inputs[1], inputs[2]
	axis, err := elementsAxis(ctx, data, ind, "indices")
	if err != nil {
		return nil, err
	}
	if !slices.Equal(upd.Shape, ind.Shape) {
		return nil, ctx.Errorf("updates of shape %v for indices of shape %v", upd.Shape, ind.Shape)
	}
	at, err := indices(ctx, ind, "indices", func(int) int64 { return data.Shape[axis] })
	if err != nil {
		return nil, err
	}
	dst, err := mapIndices(ind.Shape, elementsSource(ind.Shape, kernel.Strides(data.Shape), axis, at))
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return scatter(ctx, data, upd, dst)
}

// scatter returns a copy of data where update u goes to flat element
// dst[u], in order, replacing it or combined with it by the node's
// reduction attribute (none, add, mul, max, min).
func scatter(ctx *kernel.Context, data, upd *ir.Tensor, dst []int) (*ir.Tensor, error) {
	if upd.DType != data.DType {
		return nil, ctx.Errorf("updates of dtype %v for data of dtype %v", upd.DType, data.DType)
	}
	red := ctx.Node.AttrString("reduction", "none")
	if red == "none" {
		n := data.Len()
		src := make([]int, n)
		for i := range src {
			src[i] = i
		}
		for u, d := range dst {
			src[d] = n + u
		}
		return assemble(ctx, data.Shape, src, data, upd)
	}
	if !slices.Contains([]string{"add", "mul", "max", "min"}, red) {
		return nil, ctx.Errorf("unknown reduction %q", red)
	}
	out, err := reduceInto(data, upd, dst, red)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return out, nil
}

// reduceInto combines upd[u] into a copy of data at dst[u] by red. float32
// and uint64 work on their own values; other floats go through float64
// and other integers (and bools) through int64, wrapping on the way back.
func reduceInto(data, upd *ir.Tensor, dst []int, red string) (*ir.Tensor, error) {
	dt := data.DType
	switch {
	case dt == ir.Float32 || dt == ir.Uint64:
		out := data.Clone()
		switch d := out.Data.(type) {
		case []float32:
			combine(d, upd.Data.([]float32), dst, red)
		case []uint64:
			combine(d, upd.Data.([]uint64), dst, red)
		}
		return out, nil
	case dt.IsFloat():
		vals := data.Float64s()
		combine(vals, upd.Float64s(), dst, red)
		return ir.FromFloat64s(dt, data.Shape, vals)
	case dt.IsInt() || dt == ir.Bool:
		vals := data.Int64s()
		combine(vals, upd.Int64s(), dst, red)
		return ir.FromInt64s(dt, data.Shape, vals)
	}
	return nil, fmt.Errorf("reduction %s on dtype %v", red, dt)
}

// number is the element types reduceInto computes on.
type number interface {
	~int64 | ~uint64 | ~float32 | ~float64
}

// combine applies vals[dst[u]] = red(vals[dst[u]], upd[u]) in order.
func combine[T number](vals, upd []T, dst []int, red string) {
	for u, d := range dst {
		switch red {
		case "add":
			vals[d] += upd[u]
		case "mul":
			vals[d] *= upd[u]
		case "max":
			vals[d] = max(vals[d], upd[u])
		case "min":
			vals[d] = min(vals[d], upd[u])
		}
	}
}
