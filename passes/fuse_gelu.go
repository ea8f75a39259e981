package passes

import (
	"math"

	"github.com/tfc-project/tfc/ir"
)

// geluFusion matches the erf form of GELU, 0.5·x·(1 + erf(x/√2)), as
// Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5) or Mul(Mul(x, 0.5), Add(...)).
// The tanh form (GPT-2's gelu_new), 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))),
// becomes Gelu with approximate="tanh": only that form does, so numerics
// never change.
var geluFusion = fusion{name: "Gelu", anchor: "Mul", match: func(m *matcher, mul *ir.Node) *ir.Node {
	inner, other := m.either(mul, "Mul")
	if inner == nil {
		return nil
	}
	var x, onePlus *ir.Value
	switch {
	case isScalar(other, 0.5): // Mul(Mul(x, 1+f), 0.5)
		p, rest := m.eitherIf(inner, readsErfOrTanh, "Add")
		if p == nil {
			return nil
		}
		x, onePlus = rest, p.Outputs[0]
	case isScalar(inner.Inputs[1], 0.5) || isScalar(inner.Inputs[0], 0.5): // Mul(Mul(x, 0.5), 1+f)
		x, onePlus = inner.Inputs[0], other
		if x.Const != nil {
			x = inner.Inputs[1]
		}
		if onePlus.Producer == nil || onePlus.Producer.Op != "Add" {
			return m.fail("want Add(f(x), 1) beside Mul(x, 0.5)")
		}
		m.nodes = append(m.nodes, onePlus.Producer)
	default:
		return m.fail("no factor 0.5")
	}
	f, one := m.either(onePlus.Producer, "Erf", "Tanh")
	if f == nil || !isScalar(one, 1) {
		return m.fail("want Add(Erf or Tanh, 1)")
	}
	approx := "none"
	if f.Op == "Erf" {
		div := m.parent(f, 0, "Div", "Mul")
		if div == nil || div.Inputs[0] != x ||
			!(div.Op == "Div" && isScalar(div.Input(1), math.Sqrt2) || div.Op == "Mul" && isScalar(div.Input(1), 1/math.Sqrt2)) {
			return m.fail("want Erf(x/√2) of the same x")
		}
	} else {
		if !tanhArg(m, m.parent(f, 0, "Mul"), x) {
			return nil
		}
		approx = "tanh"
	}
	return fusedNode("Gelu", mul, map[string]*ir.Attr{"approximate": {Kind: ir.AttrString, String: approx}}, x)
}}

func readsErfOrTanh(n *ir.Node) bool {
	for _, v := range n.Inputs {
		if v != nil && v.Producer != nil && (v.Producer.Op == "Erf" || v.Producer.Op == "Tanh") {
			return true
		}
	}
	return false
}

// tanhArg matches √(2/π)·(x + 0.044715·x³), with x³ as Pow(x, 3) or x·x·x.
func tanhArg(m *matcher, mul *ir.Node, x *ir.Value) bool {
	if mul == nil {
		return false
	}
	sum, k := m.either(mul, "Add")
	if sum == nil || !isScalar(k, math.Sqrt(2/math.Pi)) {
		m.fail("want Mul(Add(...), √(2/π))")
		return false
	}
	cubic, rest := m.either(sum, "Mul")
	if cubic == nil || rest != x {
		m.fail("want Add(x, Mul(...)) of the same x")
		return false
	}
	pow, c := m.either(cubic, "Pow")
	if pow == nil || !isScalar(c, 0.044715) || pow.Inputs[0] != x || !isScalar(pow.Input(1), 3) {
		m.fail("want Mul(Pow(x, 3), 0.044715)")
		return false
	}
	return true
}

// biasGeluFusion folds the bias Add feeding a Gelu into it.
var biasGeluFusion = fusion{name: "BiasGelu", anchor: "Add", match: func(m *matcher, add *ir.Node) *ir.Node {
	users := m.uses[add.Outputs[0]]
	if len(users) != 1 || users[0] == nil || users[0].Domain != ir.TfcDomain || users[0].Op != "Gelu" {
		return m.fail("the sum is not read by one Gelu only")
	}
	x, b := add.Inputs[0], add.Inputs[1]
	if x.Const != nil {
		x, b = b, x
	}
	if b.Const == nil || b.Const.Rank() != 1 || x.Const != nil {
		return m.fail("want Add(x, constant 1-D bias)")
	}
	gelu := users[0]
	m.nodes = append(m.nodes, gelu)
	fn := &ir.Node{Name: gelu.Name + "/BiasGelu", Op: "BiasGelu", Domain: ir.TfcDomain, Version: 1,
		Inputs: []*ir.Value{x, b}, Outputs: gelu.Outputs, Attrs: gelu.Attrs}
	return fn
}}

// linearFusion turns MatMul by a constant 2-D weight plus a constant bias
// into Linear.
var linearFusion = fusion{name: "Linear", anchor: "Add", match: func(m *matcher, add *ir.Node) *ir.Node {
	mm, b := m.either(add, "MatMul")
	if mm == nil {
		return nil
	}
	w := mm.Input(1)
	if w == nil || w.Const == nil || w.Const.Rank() != 2 {
		return m.fail("the MatMul weight is not a constant matrix")
	}
	if b.Const == nil || b.Const.Rank() != 1 || b.Const.Shape[0] != w.Const.Shape[1] {
		return m.fail("the bias is not a constant vector of the MatMul's width")
	}
	return fusedNode("Linear", add, nil, mm.Inputs[0], w, b)
}}

// nativeGeluFusion turns ONNX Gelu (opset 20) into tfc's Gelu, which the
// CPU plan has a kernel for, keeping its approximate attribute.
var nativeGeluFusion = fusion{name: "Gelu", anchor: "Gelu", match: func(m *matcher, n *ir.Node) *ir.Node {
	approx := n.AttrString("approximate", "none")
	if approx != "none" && approx != "tanh" {
		return m.fail("unknown approximate=%q", approx)
	}
	return fusedNode("Gelu", n, map[string]*ir.Attr{"approximate": {Kind: ir.AttrString, String: approx}}, n.Inputs[0])
}}

// linearGeluFusion moves a Gelu into the Linear or MatMul by a constant
// weight that feeds it, as the Linear's activation (run in the GEMM's
// epilogue while the product's tile is in cache).
var linearGeluFusion = fusion{name: "LinearGelu", anchor: ir.QualifiedOp(ir.TfcDomain, "Gelu"), match: func(m *matcher, g *ir.Node) *ir.Node {
	return linearWithGelu(m, g, nil)
}}

// linearBiasGeluFusion moves a BiasGelu into the MatMul by a constant
// weight (or the Linear without bias) that feeds it, as the Linear's bias
// and activation.
var linearBiasGeluFusion = fusion{name: "LinearGelu", anchor: ir.QualifiedOp(ir.TfcDomain, "BiasGelu"), match: func(m *matcher, g *ir.Node) *ir.Node {
	b := g.Input(1)
	if b == nil || b.Const == nil || b.Const.Rank() != 1 {
		return m.fail("the bias is not a constant vector")
	}
	return linearWithGelu(m, g, b)
}}

// linearWithGelu returns the Linear that computes Gelu (or BiasGelu with
// bias b) of the product feeding g, or nil.
func linearWithGelu(m *matcher, g *ir.Node, b *ir.Value) *ir.Node {
	act := map[string]string{"none": "gelu", "tanh": "gelu_tanh"}[g.AttrString("approximate", "none")]
	if act == "" {
		return m.fail("unknown approximate=%q", g.AttrString("approximate", ""))
	}
	p := g.Inputs[0].Producer
	switch {
	case p == nil:
		return m.fail("the Gelu input is not computed by a node")
	case p.Domain == ir.TfcDomain && p.Op == "Linear":
		if p.AttrString("activation", "none") != "none" || b != nil && p.Input(2) != nil {
			return m.fail("%s has an activation, or a bias besides the BiasGelu's", p.Describe())
		}
	case p.Domain == "" && p.Op == "MatMul":
		if p.Inputs[0].Shape.Rank() < 2 {
			return m.fail("%s does not multiply a matrix or a batch of rows", p.Describe())
		}
	default:
		return m.fail("the Gelu input is computed by %s, not a Linear or MatMul", p.Describe())
	}
	w := p.Input(1)
	if w == nil || w.Const == nil || w.Const.Rank() != 2 {
		return m.fail("%s does not multiply by a constant matrix", p.Describe())
	}
	if b == nil {
		b = p.Input(2)
	} else if b.Const.Shape[0] != w.Const.Shape[1] {
		return m.fail("the bias is not a vector of the product's width")
	}
	m.nodes = append(m.nodes, p)
	ins := []*ir.Value{p.Inputs[0], w}
	if b != nil {
		ins = append(ins, b)
	}
	return fusedNode("Linear", g, map[string]*ir.Attr{"activation": {Kind: ir.AttrString, String: act}}, ins...)
}
