package passes

import "github.com/tfc-project/tfc/ir"

// softmaxFusion turns the expanded Softmax (the body of ONNX's own
// function, also what exporters write for a hand-written softmax),
//
//	Div(Exp(Sub(x, ReduceMax(x, axis))), ReduceSum(Exp(...), axis))
//
// with keepdims=1 over one axis, back into plain ONNX Softmax. It runs at
// the Basic level: the result is plain ONNX and computes the same function
// with the same max subtraction, and the attention fusion then finds the
// Softmax it anchors on. Before opset 13 Softmax flattens the axes from
// axis on, which equals the expansion only over the last axis.
var softmaxFusion = fusion{name: "Softmax", anchor: "Div", match: func(m *matcher, div *ir.Node) *ir.Node {
	exp := m.parent(div, 0, "Exp")
	sum := m.parent(div, 1, "ReduceSum")
	if exp == nil || sum == nil || sum.Inputs[0] != exp.Outputs[0] {
		return m.fail("want Div(Exp(...), ReduceSum of the same Exp)")
	}
	return softmaxOf(m, div, exp.Inputs[0], sum, "Softmax")
}}

// logSoftmaxFusion turns the expanded LogSoftmax,
//
//	Sub(Sub(x, ReduceMax(x)), Log(ReduceSum(Exp(Sub(x, ReduceMax(x))))))
//
// back into plain ONNX LogSoftmax, as softmaxFusion does for Softmax.
var logSoftmaxFusion = fusion{name: "LogSoftmax", anchor: "Sub", match: func(m *matcher, outer *ir.Node) *ir.Node {
	log := m.parent(outer, 1, "Log")
	sum := m.parent(log, 0, "ReduceSum")
	exp := m.parent(sum, 0, "Exp")
	if exp == nil || exp.Inputs[0] != outer.Inputs[0] {
		return m.fail("want Sub(d, Log(ReduceSum(Exp(d)))) of the same d")
	}
	return softmaxOf(m, outer, outer.Inputs[0], sum, "LogSoftmax")
}}

// softmaxOf finishes both matches: d must be Sub(x, ReduceMax(x)) with the
// ReduceMax and sum over the same single axis with keepdims; it returns
// op(x) over that axis taking over anchor's output.
func softmaxOf(m *matcher, anchor *ir.Node, d *ir.Value, sum *ir.Node, op string) *ir.Node {
	sub := m.producer(d, "the shifted input", "Sub")
	rmax := m.parent(sub, 1, "ReduceMax")
	if sub == nil || rmax == nil || rmax.Inputs[0] != sub.Inputs[0] {
		return m.fail("want Sub(x, ReduceMax(x)) of the same x")
	}
	x := sub.Inputs[0]
	r := x.Shape.Rank()
	a, ok := reduceAxis(rmax, r)
	if b, ok2 := reduceAxis(sum, r); !ok || !ok2 || a != b {
		return m.fail("the ReduceMax and ReduceSum are not over the same one axis with keepdims=1")
	}
	version := int64(13) // Softmax and LogSoftmax: versions 1, 11, 13; ReduceMax's tell the opset apart
	switch {
	case rmax.Version < 11:
		version = 1
	case rmax.Version < 13:
		version = 11
	}
	if version < 13 && a != int64(r-1) {
		return m.fail("before opset 13 %s flattens the axes from axis %d on: only the last axis matches", op, a)
	}
	if a == int64(r-1) {
		a = -1
	}
	return &ir.Node{Name: anchor.Name + "/" + op, Op: op, Version: version, Inputs: []*ir.Value{x},
		Outputs: anchor.Outputs[:1], Attrs: map[string]*ir.Attr{"axis": intAttr(a)}}
}

// reduceAxis returns the one axis, non-negative, a reduction with
// keepdims=1 runs over (axes attribute or constant input), for an input of
// rank r.
func reduceAxis(n *ir.Node, r int) (int64, bool) {
	axes, ok := n.AttrInts("axes")
	if !ok {
		axes, ok = constInts(n.Input(1))
	}
	if !ok || len(axes) != 1 || n.AttrInt("keepdims", 1) != 1 || r < 1 {
		return 0, false
	}
	a := axes[0]
	if a < 0 {
		a += int64(r)
	}
	return a, a >= 0 && a < int64(r)
}
