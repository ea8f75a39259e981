package plan

import (
	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/ir"
)

// registerFill adds Range, ConstantOfShape and ReduceMean over the last
// axis.
func registerFill() {
	kernels["Range"] = kernelDef{params: []int{0, 1, 2}, build: buildRange}
	kernels["ConstantOfShape"] = kernelDef{params: []int{0}, build: buildConstantOfShape}
	kernels["ReduceMean"] = kernelDef{params: []int{1}, build: buildReduceMean}
}

func buildRange(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	if len(in) != 3 || !fixed(in[0], in[1], in[2], out[0]) {
		return nil
	}
	switch out[0].DType {
	case ir.Float32:
		return rangeFn[float32]()
	case ir.Int64:
		return rangeFn[int64]()
	}
	return nil
}

func rangeFn[T float32 | int64]() runFn {
	return func(in, out []*ir.Tensor) error {
		start, delta := in[0].Data.([]T)[0], in[2].Data.([]T)[0]
		for i, y := 0, out[0].Data.([]T); i < len(y); i++ {
			y[i] = start + T(i)*delta
		}
		return nil
	}
}

// buildConstantOfShape fills the output with the value attribute's one
// element (float32 zero by default).
func buildConstantOfShape(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	v := &ir.Tensor{DType: ir.Float32, Shape: []int64{1}, Data: []float32{0}}
	if a := n.Attr("value"); a != nil && a.Kind == ir.AttrTensor && a.Tensor != nil {
		v = a.Tensor
	}
	elem := codegen.Raw(v.Data)
	if !fixed(v, out[0]) || len(elem) != elemSize(v.DType) {
		return nil
	}
	return func(in, out []*ir.Tensor) error {
		y := codegen.Raw(out[0].Data)
		for i := 0; i < len(y); i += len(elem) {
			copy(y[i:], elem)
		}
		return nil
	}
}

// buildReduceMean runs ReduceMean over the last axis of a float32 tensor.
func buildReduceMean(e *env, n *ir.Node, in, out []*ir.Tensor, params []*ir.Tensor) runFn {
	x := input(in, 0)
	if !f32(x, out[0]) || len(x.Shape) == 0 || n.AttrInt("noop_with_empty_axes", 0) != 0 {
		return nil
	}
	axes, _ := n.AttrInts("axes")
	if n.Version >= 18 {
		axes = intsOf(input(params, 1))
	}
	r := int64(len(x.Shape))
	if len(axes) != 1 || axes[0] != -1 && axes[0] != r-1 {
		return nil
	}
	h := int(x.Shape[r-1])
	if h == 0 || numel(out[0].Shape)*h != numel(x.Shape) {
		return nil
	}
	k := newRowKernel(h, numel(x.Shape)/h, func(k *rowKernel, r int) {
		s := 0.0
		for _, v := range k.x[r*k.h : (r+1)*k.h] {
			s += float64(v)
		}
		k.y[r] = float32(s / float64(k.h))
	})
	return func(in, out []*ir.Tensor) error {
		k.x, k.y = opt(in[0]), opt(out[0])
		e.parallel(k.rows, k.body)
		return nil
	}
}
