package passes

import "github.com/tfc-project/tfc/ir"

// layerNormFusion matches the decomposed LayerNorm torch exports:
//
//	Add(Mul(Div(Sub(x, ReduceMean(x)), Sqrt(Add(ReduceMean(Pow(Sub, 2)), eps))), scale), bias)
var layerNormFusion = fusion{name: "LayerNorm", anchor: "Add", match: func(m *matcher, add *ir.Node) *ir.Node {
	mul, bias := m.either(add, "Mul")
	if mul == nil || bias.Const == nil {
		return m.fail("want Add(Mul(...), constant bias)")
	}
	div, scale := m.either(mul, "Div")
	if div == nil || scale.Const == nil {
		return m.fail("want Mul(Div(...), constant scale)")
	}
	sub := m.parent(div, 0, "Sub")
	sqrt := m.parent(div, 1, "Sqrt")
	mean := m.parent(sub, 1, "ReduceMean")
	if mean == nil || sqrt == nil || mean.Inputs[0] != sub.Inputs[0] || !lastAxis(mean) {
		return m.fail("want Sub(x, ReduceMean(x over the last axis))")
	}
	eps, variance := varianceOf(m, m.parent(sqrt, 0, "Add"))
	if variance == nil {
		return nil
	}
	if pow := m.parent(variance, 0, "Pow"); pow == nil || pow.Inputs[0] != sub.Outputs[0] || !isScalar(pow.Input(1), 2) {
		return m.fail("want the variance of Sub's output: ReduceMean(Pow(Sub, 2))")
	}
	return fusedNode("LayerNorm", add, map[string]*ir.Attr{"epsilon": floatAttr(eps)}, sub.Inputs[0], scale, bias)
}}

// varianceOf matches Add(ReduceMean(...over the last axis), eps) and
// returns eps and the ReduceMean.
func varianceOf(m *matcher, add *ir.Node) (float64, *ir.Node) {
	mean, epsv := m.either(add, "ReduceMean")
	eps, ok := scalar(epsv)
	if mean == nil || !ok || !lastAxis(mean) {
		m.fail("want Add(ReduceMean(over the last axis), constant epsilon)")
		return 0, nil
	}
	return eps, mean
}

// nativeLayerNormFusion turns ONNX LayerNormalization over the last axis,
// with only its first output used, into tfc's LayerNorm.
var nativeLayerNormFusion = fusion{name: "LayerNorm", anchor: "LayerNormalization", match: func(m *matcher, n *ir.Node) *ir.Node {
	r := n.Inputs[0].Shape.Rank()
	if axis := n.AttrInt("axis", -1); axis != -1 && (r < 0 || axis != int64(r-1)) {
		return m.fail("axis %d is not the last axis", axis)
	}
	for _, o := range n.Outputs[1:] {
		if o != nil && len(m.uses[o]) > 0 {
			return m.fail("output %q (mean or inverse std) is used", o.Name)
		}
	}
	return fusedNode("LayerNorm", n, map[string]*ir.Attr{"epsilon": floatAttr(float64(n.AttrFloat("epsilon", 1e-5)))},
		n.Inputs[0], n.Input(1), n.Input(2))
}}

// skipLayerNormFusion folds a residual Add of two computed values into
// the LayerNorm that reads it.
var skipLayerNormFusion = fusion{name: "SkipLayerNorm", anchor: "Add", match: func(m *matcher, add *ir.Node) *ir.Node {
	a, b := add.Inputs[0], add.Inputs[1]
	if a.Const != nil || b.Const != nil || !a.Shape.Equal(b.Shape) || a.Shape.Rank() < 2 {
		return m.fail("want a residual Add of two computed values of the same shape")
	}
	users := m.uses[add.Outputs[0]]
	var ln *ir.Node
	for _, u := range users {
		if u != nil && u.Domain == ir.TfcDomain && u.Op == "LayerNorm" && u.Inputs[0] == add.Outputs[0] {
			ln = u
		}
	}
	if ln == nil {
		return m.fail("the sum is not normalized by a LayerNorm")
	}
	fn := &ir.Node{Name: ln.Name + "/SkipLayerNorm", Op: "SkipLayerNorm", Domain: ir.TfcDomain, Version: 1,
		Inputs: []*ir.Value{a, b, ln.Inputs[1], ln.Input(2)}, Attrs: ln.Attrs}
	fn.Outputs = []*ir.Value{ln.Outputs[0], nil}
	if len(users) > 1 || readByGraphOutput(m, add.Outputs[0]) {
		fn.Outputs[1] = add.Outputs[0]
	}
	m.nodes = append(m.nodes, ln)
	return fn
}}

// readByGraphOutput reports whether v is read by a graph output (a nil use).
func readByGraphOutput(m *matcher, v *ir.Value) bool {
	for _, u := range m.uses[v] {
		if u == nil {
			return true
		}
	}
	return false
}

// rmsNormFusion matches the decomposed RMSNorm of Llama exports,
//
//	Mul(scale, Mul(x, Div(1, Sqrt(Add(ReduceMean(Pow(x, 2)), eps)))))
//
// also with Reciprocal(Sqrt(...)) or Div(x, Sqrt(...)) and x·x for Pow
// (ONNX's own RMSNormalization function body, over the last axis). The
// scale is a vector of the last axis's size, a weight or computed.
var rmsNormFusion = fusion{name: "RMSNorm", anchor: "Mul", match: func(m *matcher, mul *ir.Node) *ir.Node {
	inner, scale := m.either(mul, "Mul", "Div")
	if inner == nil || scale.Shape.Rank() != 1 {
		return m.fail("want Mul(x·rsqrt(...), 1-D scale)")
	}
	var x *ir.Value
	var sqrt *ir.Node
	if inner.Op == "Div" {
		x, sqrt = inner.Inputs[0], m.parent(inner, 1, "Sqrt")
	} else {
		inv, rest := m.eitherIf(inner, readsSqrt, "Div", "Reciprocal")
		if inv == nil {
			return nil
		}
		if inv.Op == "Div" && !isScalar(inv.Inputs[0], 1) {
			return m.fail("want Div(1, Sqrt(...))")
		}
		x, sqrt = rest, m.parent(inv, len(inv.Inputs)-1, "Sqrt")
	}
	eps, mean := varianceOf(m, m.parent(sqrt, 0, "Add"))
	if mean == nil {
		return nil
	}
	sq := m.parent(mean, 0, "Pow", "Mul")
	if sq == nil || sq.Inputs[0] != x || !(sq.Op == "Pow" && isScalar(sq.Input(1), 2) || sq.Op == "Mul" && sq.Inputs[1] == x) {
		return m.fail("want ReduceMean(Pow(x, 2)) of the normalized x")
	}
	if n := x.Shape.Rank(); n < 1 || !sameKnownDim(x.Shape.Dims[n-1], scale.Shape.Dims[0]) {
		return m.fail("the scale does not match the last axis of x")
	}
	return fusedNode("RMSNorm", mul, map[string]*ir.Attr{"epsilon": floatAttr(eps)}, x, scale)
}}

// sameKnownDim reports whether a and b are the same size or the same symbol.
func sameKnownDim(a, b ir.Dim) bool {
	return a == b && (a.Known() || a.Param != "")
}

// readsSqrt reports whether one of n's inputs is computed by Sqrt.
func readsSqrt(n *ir.Node) bool {
	for _, v := range n.Inputs {
		if v != nil && v.Producer != nil && v.Producer.Op == "Sqrt" {
			return true
		}
	}
	return false
}

// nativeRMSNormFusion turns ONNX RMSNormalization (opset 23) over the last
// axis, with a scale of that axis's size, into tfc's RMSNorm.
var nativeRMSNormFusion = fusion{name: "RMSNorm", anchor: "RMSNormalization", match: func(m *matcher, n *ir.Node) *ir.Node {
	x, scale := n.Inputs[0], n.Input(1)
	r := x.Shape.Rank()
	if axis := n.AttrInt("axis", -1); axis != -1 && (r < 0 || axis != int64(r-1)) {
		return m.fail("axis %d is not the last axis", axis)
	}
	if r < 1 || scale == nil || scale.Shape.Rank() != 1 || !sameKnownDim(x.Shape.Dims[r-1], scale.Shape.Dims[0]) {
		return m.fail("the scale is not a vector of the last axis's size")
	}
	return fusedNode("RMSNorm", n, map[string]*ir.Attr{"epsilon": floatAttr(float64(n.AttrFloat("epsilon", 1e-5)))}, x, scale)
}}
