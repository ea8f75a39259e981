// Package fused holds the reference kernels of tfc's own fused operators
// (domain ai.tfc) and, for each, its decomposition into standard ONNX
// nodes: the subgraph the fusion replaced, which a target that cannot run
// the fused op falls back to.
package fused

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// Register adds the fused ops' kernels to r. Linear runs r's own MatMul
// and Add kernels, so it must be called after those are registered.
func Register(r kernel.Registry) {
	r.Add(ir.TfcDomain, "Linear", linear(r))
	r.Add(ir.TfcDomain, "LayerNorm", norm)
	r.Add(ir.TfcDomain, "SkipLayerNorm", norm)
	r.Add(ir.TfcDomain, "RMSNorm", norm)
	r.Add(ir.TfcDomain, "Gelu", kernel.Single(gelu))
	r.Add(ir.TfcDomain, "BiasGelu", kernel.Single(gelu))
	r.Add(ir.TfcDomain, "Attention", kernel.Single(attention))
	r.Add(ir.TfcDomain, "RotaryEmbedding", kernel.Single(rotary))
}

// floats returns t's values broadcast to shape, refusing non-float
// tensors and tensors that do not broadcast to exactly shape.
func floats(ctx *kernel.Context, t *ir.Tensor, shape []int64, what string) ([]float64, error) {
	if t == nil || !t.DType.IsFloat() {
		return nil, ctx.Errorf("%s must be a float tensor", what)
	}
	out, err := kernel.BroadcastShapes(t.Shape, shape)
	if err != nil || !slices.Equal(out, shape) {
		return nil, ctx.Errorf("%s of shape %v does not broadcast to %v", what, t.Shape, shape)
	}
	vals := t.Float64s()
	if slices.Equal(t.Shape, shape) {
		return vals, nil
	}
	idx := kernel.BroadcastIndex(t.Shape, shape)
	res := make([]float64, len(idx))
	for i, j := range idx {
		res[i] = vals[j]
	}
	return res, nil
}

// result builds an output tensor of x's dtype.
func result(ctx *kernel.Context, dt ir.DType, shape []int64, vals []float64) (*ir.Tensor, error) {
	t, err := ir.FromFloat64s(dt, shape, vals)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return t, nil
}

// linear returns the kernel of Linear(X, W, B?) = act(MatMul(X, W) + B),
// run with r's MatMul and Add kernels and gelu.
func linear(r kernel.Registry) kernel.Func {
	return func(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
		if len(in) < 2 || in[0] == nil || in[1] == nil {
			return nil, ctx.Errorf("needs inputs X and W")
		}
		act, tanh, ok := ir.LinearActivation(ctx.Node)
		if !ok {
			return nil, ctx.Errorf("activation must be none, gelu or gelu_tanh, not %q", ctx.Node.AttrString("activation", ""))
		}
		mm, add := r["MatMul"], r["Add"]
		if mm == nil || add == nil {
			return nil, ctx.Errorf("MatMul and Add kernels are not registered")
		}
		y, err := mm(&kernel.Context{Node: &ir.Node{Name: ctx.Node.Name, Op: "MatMul", Version: 13}}, in[:2])
		if err == nil && len(in) > 2 && in[2] != nil {
			y, err = add(&kernel.Context{Node: &ir.Node{Name: ctx.Node.Name, Op: "Add", Version: 14}}, []*ir.Tensor{y[0], in[2]})
		}
		if err != nil || !act {
			return y, err
		}
		approx := "none"
		if tanh {
			approx = "tanh"
		}
		g, err := gelu(&kernel.Context{Node: &ir.Node{Name: ctx.Node.Name, Op: "Gelu", Domain: ir.TfcDomain,
			Attrs: map[string]*ir.Attr{"approximate": {Kind: ir.AttrString, String: approx}}}}, y)
		if err != nil {
			return nil, err
		}
		return []*ir.Tensor{g}, nil
	}
}
