package ir

import (
	"errors"
	"fmt"
)

// InferNode infers the outputs of n as though its input slots held the
// given values (one per slot, nil for an omitted one): their DType, Shape
// and, for small integer tensors with Const set, their contents (a Reshape's
// shape, a Slice's starts). It returns one new Value per output slot of n
// (nil where n's is nil), named as n's and with no producer, with the
// inferred DType (n's output's when inference gives none) and Shape
// (unranked when unknown), and as Const the contents of an int64 output
// when inference knows them all (a Shape of a static shape, a Concat or
// Gather of known shape vectors).
//
// Unlike InferShapes it modifies nothing: the rule runs on a copy of n,
// and nested graphs are read as they are, not inferred, so that it may run
// on a graph that other goroutines read. opsets select the op's version
// when n.Version is unset. An op outside the table is an error.
func InferNode(n *Node, opsets map[string]int64, inputs []*Value) (outs []*Value, err error) {
	if n == nil {
		return nil, errors.New("InferNode: nil node")
	}
	m := *n
	m.Inputs = append([]*Value(nil), inputs...)
	m.Outputs = make([]*Value, len(n.Outputs))
	for i, o := range n.Outputs {
		if o != nil {
			m.Outputs[i] = &Value{Name: o.Name, Kind: o.Kind, Producer: &m}
		}
	}
	s, err := nodeSchema(&m, opsets)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			outs, err = nil, fmt.Errorf("%s: inference failed: %v", n.Describe(), r)
		}
	}()
	c := newInferCtx(opsets)
	switch rule := nodeRules[n.QualifiedOp()]; {
	case s.infer != nil:
		err = c.apply(s, &m)
	case s.Infer != nil:
		err = s.Infer(&m)
	case rule != nil:
		withRule := *s
		withRule.infer = rule
		err = c.apply(&withRule, &m)
	default:
		err = c.apply(s, &m) // the type constraints' dtypes only
	}
	if err != nil {
		return nil, err
	}
	for i, o := range m.Outputs {
		if o == nil {
			continue
		}
		if o.DType == Undefined {
			o.DType = n.Outputs[i].DType
		}
		o.Producer = nil // the copy of n is no node of any graph
		o.Const = trackedConst(c, o)
	}
	return m.Outputs, nil
}

// trackedConst returns the contents that c tracked for the int64 value v,
// as a tensor of v's static shape, or nil unless every element is known.
func trackedConst(c *inferCtx, v *Value) *Tensor {
	dims, ok := c.vals[v]
	if !ok || v.DType != Int64 || !v.Shape.Static() {
		return nil
	}
	if n, err := NumElements(v.Shape.Sizes()); err != nil || n != int64(len(dims)) {
		return nil
	}
	data := make([]int64, len(dims))
	for i, d := range dims {
		if !d.Known() {
			return nil
		}
		data[i] = d.Size
	}
	return &Tensor{DType: Int64, Shape: v.Shape.Sizes(), Data: data}
}

// nodeRules are inference rules that InferNode applies to ops whose
// schema has none.
var nodeRules = map[string]inferFunc{
	QualifiedOp(TfcDomain, "Attention"): inferTfcAttention,
}

// inferTfcAttention is the rule of ai.tfc Attention(Q, K?, V?, Bias?):
// the output has Q's layout with V's head size. Q is [B, S, H·D] or
// [B, H, S, D]; without K and V it is packed, [B, S, (H + 2·Hkv)·D], and
// the output [B, S, H·D]. V is [B, Skv, Hkv·Dv] or [B, Hkv, Skv, Dv].
func inferTfcAttention(_ *inferCtx, n *Node, out []vtype) error {
	q, ok, err := input0(n, out, 3, "sequence axis")
	if !ok || err != nil {
		return err
	}
	nh := n.AttrInt("num_heads", 0)
	nkv := n.AttrInt("kv_num_heads", 0)
	if nkv == 0 {
		nkv = nh
	}
	if nh <= 0 && len(q.Dims) == 3 {
		return inferErr(n, "num_heads=%d: Q of shape %v has no heads", nh, q)
	}
	if n.Input(1) == nil && n.Input(2) == nil {
		if len(q.Dims) != 3 {
			return inferErr(n, "packed Q of shape %v is not [B, S, (%d + 2·%d)·D]", q, nh, nkv)
		}
		out[0].Shape = ranked(q.Dims[0], q.Dims[1], mulDims(Fixed(nh), divDim(q.Dims[2], nh+2*nkv)))
		return nil
	}
	_, _, _, dv, okV := attnDims(inShape(n, 2), nkv)
	if !okV {
		dv = UnknownDim
	}
	switch len(q.Dims) {
	case 4:
		out[0].Shape = ranked(q.Dims[0], q.Dims[1], q.Dims[2], dv)
	case 3:
		out[0].Shape = ranked(q.Dims[0], q.Dims[1], mulDims(Fixed(nh), dv))
	default:
		return inferErr(n, "Q of shape %v is neither [B, S, H·D] nor [B, H, S, D]", q)
	}
	return nil
}
