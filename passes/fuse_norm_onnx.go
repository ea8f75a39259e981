package passes

import (
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// Fusions of the ONNX normalization functions back into their plain ONNX
// ops, at the Basic level like softmaxFusion: the result is plain ONNX
// and computes the same function, and the native fusions then turn it
// into tfc's LayerNorm and RMSNorm where they fit (last axis, unused
// statistics).

// layerNormalizationFusion turns the body of ONNX's LayerNormalization
// function (opset 17 on) back into LayerNormalization with all its
// outputs. The body flattens X to 2-D at axis and takes the variance as
// E[x²]−E[x]²:
//
//	X2D = Cast?(Flatten(X, axis))          Mean2D = ReduceMean(X2D, [1])
//	Var = ReduceMean(X2D·X2D, [1]) − Mean2D·Mean2D
//	StdDev = Sqrt(Var + epsilon)
//	Y = Reshape(Add?(Mul(Cast?((X2D − Mean2D) / StdDev), Flatten(W, 0)), Flatten(B, 0)), shape(X))
//	Mean = Reshape(Mean2D, reduced)      InvStdDev = Reshape(Reciprocal(StdDev), reduced)
//
// with Mean and InvStdDev optional. The anchor is Mean2D, which every
// output depends on, so the fused node, in its place, comes before all
// their readers; W and B must be weights or graph inputs (computed before
// it). The Casts are the stash type: the precision of the statistics.
var layerNormalizationFusion = fusion{name: "LayerNormalization", anchor: "ReduceMean", match: func(m *matcher, mean *ir.Node) *ir.Node {
	if m.opset < 17 {
		return m.fail("LayerNormalization needs opset 17, the graph imports %d", m.opset)
	}
	xu := mean.Inputs[0]
	if a, ok := reduceAxis(mean, 2); !ok || a != 1 || xu.Shape.Rank() != 2 {
		return m.fail("want ReduceMean of a 2-D value over axis 1 with keepdims=1")
	}
	m.nodes = append(m.nodes, mean) // the anchor's output is no fused output
	x2d, stash := xu, xu.DType
	castIn := m.opt(xu, "Cast")
	if castIn != nil {
		if stash != ir.Float32 && stash != ir.Float64 {
			return m.fail("%s is no stash type (float or double)", castIn.Describe())
		}
		x2d = castIn.Inputs[0]
	}
	x, axis := x2d, int64(1)
	if fl := m.opt(x2d, "Flatten"); fl != nil {
		x, axis = fl.Inputs[0], fl.AttrInt("axis", 1)
	}
	r := int64(x.Shape.Rank())
	if axis < 0 {
		axis += r
	}
	if r < 1 || axis < 0 || axis >= r {
		return m.fail("the flattening axis %d does not fit X of rank %d", axis, r)
	}
	dims := make([]symInt, r)
	for i := range dims {
		d, ok := dimOf(x, i)
		if !ok {
			return m.fail("X's dimension %d is unknown", i)
		}
		dims[i] = d
	}
	mo := mean.Outputs[0]
	var dev, sqMean, meanOut *ir.Node
	for _, u := range m.uses[mo] {
		switch {
		case u == nil:
			return m.fail("the mean %q is a graph output", mo.Name)
		case u == dev || u == sqMean || u == meanOut:
		case isOp(u, "Sub") && u.Inputs[0] == xu && u.Inputs[1] == mo:
			dev = u
		case isOp(u, "Mul") && u.Inputs[0] == mo && u.Inputs[1] == mo:
			sqMean = u
		case isOp(u, "Reshape") && u.Inputs[0] == mo && meanOut == nil:
			meanOut = u
		default:
			return m.fail("the mean is read by %s", u.Describe())
		}
	}
	if dev == nil || sqMean == nil {
		return m.fail("want Sub(X2D, Mean2D) and Mul(Mean2D, Mean2D)")
	}
	m.nodes = append(m.nodes, dev, sqMean)
	variance := m.only(sqMean.Outputs[0], "Sub")
	if variance == nil || variance.Inputs[1] != sqMean.Outputs[0] {
		return m.fail("want Sub(E[x²], E[x]²)")
	}
	msq := m.parent(variance, 0, "ReduceMean")
	sq := m.parent(msq, 0, "Mul")
	if sq == nil || sq.Inputs[0] != xu || sq.Inputs[1] != xu {
		return m.fail("want E[x²] as ReduceMean(Mul(X2D, X2D))")
	}
	if a, ok := reduceAxis(msq, 2); !ok || a != 1 {
		return m.fail("%s is not over axis 1 with keepdims=1", msq.Describe())
	}
	addEps := m.only(variance.Outputs[0], "Add")
	sqrt := m.only(outputOf(addEps), "Sqrt")
	if sqrt == nil {
		return nil
	}
	eps, ok := scalar(addEps.Inputs[1])
	if !ok || addEps.Inputs[0] != variance.Outputs[0] {
		return m.fail("want Add(variance, constant epsilon)")
	}
	var norm, recip *ir.Node
	for _, u := range m.uses[sqrt.Outputs[0]] {
		switch {
		case u == nil:
			return m.fail("the standard deviation is a graph output")
		case u == norm || u == recip:
		case isOp(u, "Div") && u.Inputs[0] == dev.Outputs[0] && u.Inputs[1] == sqrt.Outputs[0]:
			norm = u
		case isOp(u, "Reciprocal"):
			recip = u
		default:
			return m.fail("the standard deviation is read by %s", u.Describe())
		}
	}
	if norm == nil {
		return m.fail("want Div(X2D − Mean2D, StdDev)")
	}
	m.nodes = append(m.nodes, norm)
	if recip != nil {
		m.nodes = append(m.nodes, recip)
	}
	if m.only(dev.Outputs[0], "Div") == nil {
		return nil
	}
	normalized := norm.Outputs[0]
	if castIn != nil {
		castOut := m.only(normalized, "Cast")
		if castOut == nil || castOut.Outputs[0].DType != x.DType {
			return m.fail("want the normalized value cast back to X's type")
		}
		normalized = castOut.Outputs[0]
	}
	scaled := m.only(normalized, "Mul")
	if scaled == nil {
		return nil
	}
	w := flattenedWeight(m, scaled, normalized)
	if w == nil || !fitsTrailing(w, x, axis) {
		return m.fail("the scale is not Flatten(W, 0) of a W that broadcasts to X's dimensions from axis %d", axis)
	}
	y := scaled.Outputs[0]
	var b *ir.Value
	if add := m.optChild(y, "Add"); add != nil {
		if b = flattenedWeight(m, add, y); b == nil || !fitsTrailing(b, x, axis) {
			return m.fail("the bias is not Flatten(B, 0) of a B that broadcasts to X's dimensions from axis %d", axis)
		}
		y = add.Outputs[0]
	}
	if rs := m.optChild(y, "Reshape"); rs != nil {
		if !m.sameInts(rs.Input(1), dims...) {
			return m.fail("%s does not restore X's shape", rs.Describe())
		}
		y = rs.Outputs[0]
	} else if x != x2d {
		return m.fail("want Reshape back to X's shape")
	}
	reduced := slices.Clone(dims)
	for i := axis; i < r; i++ {
		reduced[i] = known(1)
	}
	var meanY, invY *ir.Value
	if meanOut != nil {
		if !m.sameInts(meanOut.Input(1), reduced...) {
			return m.fail("%s does not give the mean X's shape with 1s from axis %d", meanOut.Describe(), axis)
		}
		m.nodes = append(m.nodes, meanOut)
		meanY = meanOut.Outputs[0]
	}
	if recip != nil {
		rs := m.only(recip.Outputs[0], "Reshape")
		if rs == nil || !m.sameInts(rs.Input(1), reduced...) {
			return m.fail("the inverse standard deviation is not reshaped to X's shape with 1s from axis %d", axis)
		}
		invY = rs.Outputs[0]
	}
	attrs := map[string]*ir.Attr{"axis": intAttr(axis), "epsilon": floatAttr(eps)}
	if stash != ir.Float32 {
		attrs["stash_type"] = intAttr(int64(stash))
	}
	outs := []*ir.Value{y, meanY, invY}
	for len(outs) > 1 && outs[len(outs)-1] == nil {
		outs = outs[:len(outs)-1]
	}
	ins := []*ir.Value{x, w}
	if b != nil {
		ins = append(ins, b)
	}
	return &ir.Node{Name: mean.Name + "/LayerNormalization", Op: "LayerNormalization", Inputs: ins, Outputs: outs, Attrs: attrs}
}}

// flattenedWeight matches the other input of the binary n (besides v) as
// Flatten(w, axis 0) of a weight or graph input w and returns w.
func flattenedWeight(m *matcher, n *ir.Node, v *ir.Value) *ir.Value {
	other := n.Inputs[1]
	if other == v {
		other = n.Inputs[0]
	}
	fl := m.producer(other, "the flattened weight", "Flatten")
	if fl == nil || fl.AttrInt("axis", 1) != 0 {
		return nil
	}
	w := fl.Inputs[0]
	if w.Const == nil && w.Producer != nil {
		m.fail("the weight %q is computed", w.Name)
		return nil
	}
	return w
}

// fitsTrailing reports whether w, right-aligned, broadcasts to x's
// dimensions from axis on with as many elements (or one): then
// Flatten(w, 0) times the flattened x is w times x.
func fitsTrailing(w, x *ir.Value, axis int64) bool {
	r, rw := x.Shape.Rank(), w.Shape.Rank()
	if !w.Shape.Static() || rw > r-int(axis) {
		return false
	}
	n, nw := int64(1), int64(1)
	for i := int(axis); i < r; i++ {
		d := x.Shape.Dims[i]
		if !d.Known() {
			return false
		}
		n *= d.Size
	}
	for i, d := range w.Shape.Dims {
		xd := x.Shape.Dims[r-rw+i]
		if d.Size != 1 && d.Size != xd.Size {
			return false
		}
		nw *= d.Size
	}
	return nw == n || nw == 1
}

// rmsNormalizationFusion turns the body of ONNX's RMSNormalization
// function (opset 23),
//
//	Mul(Div(X, Sqrt(Add(ReduceMean(Mul(X, X) | Pow(X, 2), axes), epsilon))), W)
//
// with the axes all those from axis on and keepdims=1, back into
// RMSNormalization, over any axis; W must broadcast to X's dimensions
// from axis on, as the op broadcasts it.
var rmsNormalizationFusion = fusion{name: "RMSNormalization", anchor: "Mul", match: func(m *matcher, mul *ir.Node) *ir.Node {
	if m.opset < 23 {
		return m.fail("RMSNormalization needs opset 23, the graph imports %d", m.opset)
	}
	div, w := m.either(mul, "Div")
	if div == nil {
		return nil
	}
	x := div.Inputs[0]
	sqrt := m.parent(div, 1, "Sqrt")
	add := m.parent(sqrt, 0, "Add")
	if add == nil {
		return nil
	}
	mean, epsv := m.either(add, "ReduceMean")
	eps, ok := scalar(epsv)
	if mean == nil || !ok {
		return m.fail("want Add(ReduceMean(...), constant epsilon)")
	}
	sq := m.parent(mean, 0, "Pow", "Mul")
	if sq == nil || sq.Inputs[0] != x || !(sq.Op == "Pow" && isScalar(sq.Input(1), 2) || sq.Op == "Mul" && sq.Inputs[1] == x) {
		return m.fail("want ReduceMean(Mul(X, X)) of the normalized X")
	}
	r := x.Shape.Rank()
	axis, ok := trailingAxes(mean, r)
	if !ok {
		return m.fail("%s is not over all the axes from some axis on with keepdims=1", mean.Describe())
	}
	if w.Shape.Rank() < 0 || w.Shape.Rank() > r-int(axis) || !mul.Outputs[0].Shape.Equal(x.Shape) || !w.DType.IsFloat() || w.DType != x.DType {
		return m.fail("the scale %q does not broadcast to X's dimensions from axis %d", w.Name, axis)
	}
	if axis == int64(r-1) {
		axis = -1
	}
	attrs := map[string]*ir.Attr{"axis": intAttr(axis), "epsilon": floatAttr(eps)}
	if x.DType != ir.Float32 {
		attrs["stash_type"] = intAttr(int64(x.DType))
	}
	return &ir.Node{Name: mul.Name + "/RMSNormalization", Op: "RMSNormalization", Inputs: []*ir.Value{x, w},
		Outputs: mul.Outputs[:1], Attrs: attrs}
}}

// trailingAxes returns the first axis when reduction n (keepdims=1) runs
// over exactly the axes a, a+1, …, r−1 of its rank-r input.
func trailingAxes(n *ir.Node, r int) (int64, bool) {
	axes, ok := n.AttrInts("axes")
	if !ok {
		axes, ok = constInts(n.Input(1))
	}
	if !ok || len(axes) == 0 || n.AttrInt("keepdims", 1) != 1 || r < 1 {
		return 0, false
	}
	norm := make([]int64, len(axes))
	for i, a := range axes {
		if a < 0 {
			a += int64(r)
		}
		norm[i] = a
	}
	slices.Sort(norm)
	first := int64(r - len(norm))
	for i, a := range norm {
		if a != first+int64(i) {
			return 0, false
		}
	}
	return first, true
}

// isOp reports whether n is a default-domain node of op.
func isOp(n *ir.Node, op string) bool { return n != nil && n.Domain == "" && n.Op == op }

// outputOf is n's first output, nil for a nil n.
func outputOf(n *ir.Node) *ir.Value {
	if n == nil {
		return nil
	}
	return n.Outputs[0]
}

// only returns the one reader of v if it is a default-domain op node,
// adding it to the covered nodes; otherwise nil with a reason.
func (m *matcher) only(v *ir.Value, op string) *ir.Node {
	if v == nil {
		return nil
	}
	u := m.onlyUser(v)
	if !isOp(u, op) {
		return m.fail("%q is not read by one %s only", v.Name, op)
	}
	m.nodes = append(m.nodes, u)
	return u
}

// onlyUser returns the one node reading v (nil when v is a graph output
// or read by several).
func (m *matcher) onlyUser(v *ir.Value) *ir.Node {
	us := m.uses[v]
	if len(us) == 0 {
		return nil
	}
	for _, u := range us[1:] {
		if u != us[0] {
			return nil
		}
	}
	return us[0]
}

// optChild returns the one reader of v if it is a default-domain op node
// (an optional step of a pattern), adding it to the covered nodes, else nil.
func (m *matcher) optChild(v *ir.Value, op string) *ir.Node {
	u := m.onlyUser(v)
	if !isOp(u, op) {
		return nil
	}
	m.nodes = append(m.nodes, u)
	return u
}

// opt returns the producer of v if it is a default-domain op node (an
// optional step of a pattern), adding it to the covered nodes, else nil.
func (m *matcher) opt(v *ir.Value, op string) *ir.Node {
	if v == nil || !isOp(v.Producer, op) {
		return nil
	}
	m.nodes = append(m.nodes, v.Producer)
	return v.Producer
}
