package fused

import (
	"fmt"
	"math"

	"github.com/tfc-project/tfc/ir"
)

// Decompose returns standard ONNX nodes (with the constants they read as
// values holding Const) that compute what the fused node n computes,
// writing n's own output values: the fallback for a target without the
// fused op, and the reference its kernel is tested against.
func Decompose(n *ir.Node) ([]*ir.Node, error) {
	if n.Domain != ir.TfcDomain {
		return nil, fmt.Errorf("%s: not an %s op", n.Describe(), ir.TfcDomain)
	}
	d := &decomp{prefix: n.Name + "/"}
	var outs []*ir.Value
	var err error
	switch n.Op {
	case "Linear":
		var o *ir.Value
		o, err = d.linear(n)
		outs = []*ir.Value{o}
	case "LayerNorm", "SkipLayerNorm", "RMSNorm":
		outs = d.norm(n)
	case "Gelu", "BiasGelu":
		outs = []*ir.Value{d.gelu(n)}
	case "RotaryEmbedding":
		var o *ir.Value
		o, err = d.rotary(n)
		outs = []*ir.Value{o}
	case "Attention":
		var o *ir.Value
		o, err = d.attention(n)
		outs = []*ir.Value{o}
	default:
		err = fmt.Errorf("%s: no decomposition", n.Describe())
	}
	if err != nil {
		return nil, err
	}
	for i, v := range outs {
		if i < len(n.Outputs) && n.Outputs[i] != nil && v != nil {
			d.rename(v, n.Outputs[i])
		}
	}
	return d.nodes, nil
}

// rename makes the decomposition produce and read to instead of from.
func (d *decomp) rename(from, to *ir.Value) {
	for _, m := range d.nodes {
		for j, v := range m.Inputs {
			if v == from {
				m.Inputs[j] = to
			}
		}
		for j, v := range m.Outputs {
			if v == from {
				m.Outputs[j] = to
				to.Producer = m
			}
		}
	}
}

// decomp accumulates the nodes of a decomposition.
type decomp struct {
	prefix string
	nodes  []*ir.Node
}

// op appends a node of the default domain and returns its output.
func (d *decomp) op(op string, version int64, attrs map[string]*ir.Attr, ins ...*ir.Value) *ir.Value {
	name := fmt.Sprintf("%s%s_%d", d.prefix, op, len(d.nodes))
	n := &ir.Node{Name: name, Op: op, Version: version, Inputs: ins, Attrs: attrs}
	n.Outputs = []*ir.Value{{Name: name + "_out", Producer: n}}
	d.nodes = append(d.nodes, n)
	return n.Outputs[0]
}

// num is a scalar constant of x's float type (float32 when unknown).
func num(like *ir.Value, v float64) *ir.Value {
	dt := like.DType
	if !dt.IsFloat() {
		dt = ir.Float32
	}
	t := ir.Scalar(dt, v)
	return &ir.Value{Name: fmt.Sprint(v), DType: dt, Shape: ir.ShapeOf(), Const: t}
}

func ints(vals ...int64) *ir.Value {
	t, _ := ir.FromInt64s(ir.Int64, []int64{int64(len(vals))}, vals)
	return &ir.Value{Name: fmt.Sprint(vals), DType: ir.Int64, Shape: ir.ShapeOf(int64(len(vals))), Const: t}
}

func intsAttr(vals ...int64) map[string]*ir.Attr {
	return map[string]*ir.Attr{"perm": {Kind: ir.AttrInts, Ints: vals}}
}

func (d *decomp) linear(n *ir.Node) (*ir.Value, error) {
	act, tanh, ok := ir.LinearActivation(n)
	if !ok {
		return nil, fmt.Errorf("%s: unknown activation %q", n.Describe(), n.AttrString("activation", ""))
	}
	y := d.op("MatMul", 13, nil, n.Input(0), n.Input(1))
	if b := n.Input(2); b != nil {
		y = d.op("Add", 14, nil, y, b)
	}
	if act {
		y = d.geluOf(y, tanh)
	}
	return y, nil
}

func (d *decomp) norm(n *ir.Node) []*ir.Value {
	x, first := n.Input(0), 1
	var sum *ir.Value
	if n.Op == "SkipLayerNorm" {
		sum = d.op("Add", 14, nil, x, n.Input(1))
		x, first = sum, 2
	}
	last := map[string]*ir.Attr{"axes": {Kind: ir.AttrInts, Ints: []int64{-1}}}
	centered := x
	if n.Op != "RMSNorm" {
		centered = d.op("Sub", 14, nil, x, d.op("ReduceMean", 13, last, x))
	}
	variance := d.op("ReduceMean", 13, last, d.op("Mul", 14, nil, centered, centered))
	eps := num(n.Input(0), float64(n.AttrFloat("epsilon", 1e-5)))
	y := d.op("Div", 14, nil, centered, d.op("Sqrt", 13, nil, d.op("Add", 14, nil, variance, eps)))
	y = d.op("Mul", 14, nil, y, n.Input(first))
	if b := n.Input(first + 1); b != nil {
		y = d.op("Add", 14, nil, y, b)
	}
	return []*ir.Value{y, sum}
}

func (d *decomp) gelu(n *ir.Node) *ir.Value {
	x := n.Input(0)
	if b := n.Input(1); b != nil {
		x = d.op("Add", 14, nil, x, b)
	}
	return d.geluOf(x, n.AttrString("approximate", "none") == "tanh")
}

// geluOf spells out GELU of x, the erf form or the tanh approximation.
func (d *decomp) geluOf(x *ir.Value, tanh bool) *ir.Value {
	var inner *ir.Value
	if tanh {
		cube := d.op("Mul", 14, nil, x, d.op("Mul", 14, nil, x, x))
		arg := d.op("Add", 14, nil, x, d.op("Mul", 14, nil, cube, num(x, 0.044715)))
		inner = d.op("Tanh", 13, nil, d.op("Mul", 14, nil, arg, num(x, math.Sqrt(2/math.Pi))))
	} else {
		inner = d.op("Erf", 13, nil, d.op("Div", 14, nil, x, num(x, math.Sqrt2)))
	}
	half := d.op("Mul", 14, nil, x, num(x, 0.5))
	return d.op("Mul", 14, nil, half, d.op("Add", 14, nil, inner, num(x, 1)))
}

// rotary spells RotaryEmbedding out as X·Cos + rotate_half(X)·Sin with
// rotate_half(X) = Concat(−X[..., D/2:], X[..., :D/2]).
func (d *decomp) rotary(n *ir.Node) (*ir.Value, error) {
	x, cos, sin := n.Input(0), n.Input(1), n.Input(2)
	r := x.Shape.Rank()
	if cos == nil || sin == nil || r < 1 || !x.Shape.Dims[r-1].Known() || x.Shape.Dims[r-1].Size%2 != 0 {
		return nil, fmt.Errorf("%s: needs X with an even, known last dimension, Cos and Sin", n.Describe())
	}
	h := x.Shape.Dims[r-1].Size / 2
	half := func(start, end int64) *ir.Value {
		return d.op("Slice", 13, nil, x, ints(start), ints(end), ints(-1))
	}
	rot := d.op("Concat", 13, map[string]*ir.Attr{"axis": {Kind: ir.AttrInt, Int: -1}},
		d.op("Neg", 13, nil, half(h, 2*h)), half(0, h))
	return d.op("Add", 14, nil, d.op("Mul", 14, nil, x, cos), d.op("Mul", 14, nil, rot, sin)), nil
}

// attention spells Attention out as head split, MatMul, scale, bias,
// causal mask, Softmax, MatMul and head merge.
func (d *decomp) attention(n *ir.Node) (*ir.Value, error) {
	q, k, v := n.Input(0), n.Input(1), n.Input(2)
	nh := n.AttrInt("num_heads", 0)
	nkv := n.AttrInt("kv_num_heads", 0)
	if nkv == 0 {
		nkv = nh
	}
	if q != nil && k == nil && v == nil { // packed [B, S, (H + 2·Hkv)·D]: sliced apart
		w := q.Shape
		if w.Rank() != 3 || !w.Dims[2].Known() || nh <= 0 || w.Dims[2].Size%(nh+2*nkv) != 0 {
			return nil, fmt.Errorf("%s: a packed Q needs a known last dimension of (num_heads + 2·kv_num_heads)·D", n.Describe())
		}
		hd := w.Dims[2].Size / (nh + 2*nkv)
		part := func(start, end int64) *ir.Value {
			return d.op("Slice", 13, nil, q, ints(start), ints(end), ints(-1))
		}
		q, k, v = part(0, nh*hd), part(nh*hd, (nh+nkv)*hd), part((nh+nkv)*hd, (nh+2*nkv)*hd)
		for _, x := range []*ir.Value{q, k, v} {
			x.Shape = ir.Shape{Ranked: true, Dims: []ir.Dim{w.Dims[0], w.Dims[1], ir.UnknownDim}}
		}
	}
	if q == nil || k == nil || v == nil {
		return nil, fmt.Errorf("%s: needs Q, K and V, or a packed Q", n.Describe())
	}
	merged := q.Shape.Rank() == 3
	// Inputs of rank 3 ([B, S, H·D]) are split into heads; the others are
	// [B, H, S, D] already (e.g. a KV cache).
	split := func(x *ir.Value, h int64) (*ir.Value, error) {
		if x.Shape.Rank() != 3 {
			return x, nil
		}
		if h <= 0 {
			return nil, fmt.Errorf("%s: 3-D inputs need num_heads", n.Describe())
		}
		return d.op("Transpose", 13, intsAttr(0, 2, 1, 3), d.op("Reshape", 14, nil, x, ints(0, 0, h, -1))), nil
	}
	var err error
	if q, err = split(q, nh); err != nil {
		return nil, err
	}
	if k, err = split(k, nkv); err != nil {
		return nil, err
	}
	if v, err = split(v, nkv); err != nil {
		return nil, err
	}
	if nkv != nh {
		if nkv <= 0 || nh%nkv != 0 {
			return nil, fmt.Errorf("%s: num_heads %d is not a multiple of kv_num_heads %d", n.Describe(), nh, nkv)
		}
		repeat := func(x *ir.Value) *ir.Value {
			last := d.op("Shape", 15, map[string]*ir.Attr{"start": {Kind: ir.AttrInt, Int: -1}}, x)
			shape := d.op("Concat", 13, map[string]*ir.Attr{"axis": {Kind: ir.AttrInt, Int: 0}}, ints(0, nh, -1), last)
			x = d.op("Expand", 13, nil, d.op("Unsqueeze", 13, nil, x, ints(2)), ints(1, 1, nh/nkv, 1, 1))
			return d.op("Reshape", 14, nil, x, shape)
		}
		k, v = repeat(k), repeat(v)
	}
	kt := d.op("Transpose", 13, intsAttr(0, 1, 3, 2), k)
	scale := float64(n.AttrFloat("scale", 0))
	if scale == 0 {
		return nil, fmt.Errorf("%s: needs a scale attribute", n.Describe())
	}
	s := d.op("Mul", 14, nil, d.op("MatMul", 13, nil, q, kt), num(n.Input(0), scale))
	if b := n.Input(3); b != nil {
		s = d.op("Add", 14, nil, s, b)
	}
	if n.AttrInt("causal", 0) != 0 {
		dims := d.op("Shape", 15, map[string]*ir.Attr{"start": {Kind: ir.AttrInt, Int: -2}}, s)
		gather := func(i int64) *ir.Value {
			t := ir.Scalar(ir.Int64, float64(i))
			return d.op("Gather", 13, nil, dims, &ir.Value{Name: fmt.Sprint(i), DType: ir.Int64, Const: t})
		}
		ones := d.op("ConstantOfShape", 9, map[string]*ir.Attr{"value": {Kind: ir.AttrTensor, Tensor: boolTrue()}}, dims)
		keep := d.op("Trilu", 14, map[string]*ir.Attr{"upper": {Kind: ir.AttrInt, Int: 0}}, ones, d.op("Sub", 14, nil, gather(1), gather(0)))
		s = d.op("Where", 16, nil, keep, s, num(n.Input(0), math.Inf(-1)))
	}
	p := d.op("Softmax", 13, map[string]*ir.Attr{"axis": {Kind: ir.AttrInt, Int: -1}}, s)
	o := d.op("MatMul", 13, nil, p, v)
	if merged {
		o = d.op("Reshape", 14, nil, d.op("Transpose", 13, intsAttr(0, 2, 1, 3), o), ints(0, 0, -1))
	}
	return o, nil
}

func boolTrue() *ir.Tensor {
	t := ir.MustTensor(ir.Bool, []int64{1})
	t.Data.([]bool)[0] = true
	return t
}
