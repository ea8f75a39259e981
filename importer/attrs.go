package importer

import (
	"errors"
	"fmt"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// attrs imports a node's attributes. Graph attributes are imported with s
// as their enclosing scope; the outer values they read are returned.
func (d *decoder) attrs(p *onnxpb.NodeProto, s *scope, ctx nodeCtx) (map[string]*ir.Attr, []*ir.Value, error) {
	if len(p.GetAttribute()) == 0 {
		return nil, nil, nil
	}
	out := make(map[string]*ir.Attr, len(p.GetAttribute()))
	var captured []*ir.Value
	for _, ap := range p.GetAttribute() {
		name := ap.GetName()
		if name == "" {
			return nil, nil, errors.New("attribute without a name")
		}
		if _, dup := out[name]; dup {
			return nil, nil, fmt.Errorf("attribute %q appears twice", name)
		}
		a, c, err := d.attr(ap, s, ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		out[name] = a
		captured = append(captured, c...)
	}
	return out, captured, nil
}

// attrKind returns the attribute's kind, inferred from the field that is
// set when the type field is missing (older models omit it).
func attrKind(ap *onnxpb.AttributeProto) (ir.AttrKind, error) {
	if t := ap.GetType(); t != onnxpb.AttributeProto_UNDEFINED {
		// ONNX's AttributeType numbers and ir.AttrKind agree.
		if t < onnxpb.AttributeProto_FLOAT || t > onnxpb.AttributeProto_TYPE_PROTOS {
			return 0, fmt.Errorf("unknown attribute type %d", t)
		}
		return ir.AttrKind(t), nil
	}
	switch {
	case ap.F != nil:
		return ir.AttrFloat, nil
	case ap.I != nil:
		return ir.AttrInt, nil
	case ap.S != nil:
		return ir.AttrString, nil
	case ap.T != nil:
		return ir.AttrTensor, nil
	case ap.G != nil:
		return ir.AttrGraph, nil
	case ap.SparseTensor != nil:
		return ir.AttrSparseTensor, nil
	case ap.Tp != nil:
		return ir.AttrTypeProto, nil
	case len(ap.Floats) > 0:
		return ir.AttrFloats, nil
	case len(ap.Ints) > 0:
		return ir.AttrInts, nil
	case len(ap.Strings) > 0:
		return ir.AttrStrings, nil
	case len(ap.Tensors) > 0:
		return ir.AttrTensors, nil
	case len(ap.Graphs) > 0:
		return ir.AttrGraphs, nil
	case len(ap.SparseTensors) > 0:
		return ir.AttrSparseTensors, nil
	case len(ap.TypeProtos) > 0:
		return ir.AttrTypeProtos, nil
	}
	return 0, errors.New("attribute has neither a type nor a value")
}

// attr imports one attribute value. Sparse tensors are made dense (Kind
// stays AttrSparseTensor(s), the data is in Tensor/Tensors).
func (d *decoder) attr(ap *onnxpb.AttributeProto, s *scope, ctx nodeCtx) (*ir.Attr, []*ir.Value, error) {
	if ref := ap.GetRefAttrName(); ref != "" {
		return nil, nil, fmt.Errorf("refers to function attribute %q outside a function", ref)
	}
	kind, err := attrKind(ap)
	if err != nil {
		return nil, nil, err
	}
	a := &ir.Attr{Kind: kind}
	var captured []*ir.Value
	switch kind {
	case ir.AttrFloat:
		a.Float = ap.GetF()
	case ir.AttrInt:
		a.Int = ap.GetI()
	case ir.AttrString:
		a.String = string(ap.GetS())
	case ir.AttrFloats:
		a.Floats = append([]float32{}, ap.GetFloats()...)
	case ir.AttrInts:
		a.Ints = append([]int64{}, ap.GetInts()...)
	case ir.AttrStrings:
		a.Strings = make([]string, len(ap.GetStrings()))
		for i, b := range ap.GetStrings() {
			a.Strings[i] = string(b)
		}
	case ir.AttrTensor:
		if ap.GetT() == nil {
			return nil, nil, errors.New("tensor attribute has no tensor")
		}
		a.Tensor, err = tensorFromProto(ap.GetT(), d.dir)
	case ir.AttrTensors:
		a.Tensors, err = each(ap.GetTensors(), func(tp *onnxpb.TensorProto) (*ir.Tensor, error) { return tensorFromProto(tp, d.dir) })
	case ir.AttrSparseTensor:
		if ap.GetSparseTensor() == nil {
			return nil, nil, errors.New("sparse tensor attribute has no tensor")
		}
		a.Tensor, err = sparseToDense(ap.GetSparseTensor(), d.dir, &d.denseLeft)
	case ir.AttrSparseTensors:
		a.Tensors, err = each(ap.GetSparseTensors(), func(sp *onnxpb.SparseTensorProto) (*ir.Tensor, error) { return sparseToDense(sp, d.dir, &d.denseLeft) })
	case ir.AttrGraph:
		if ap.GetG() == nil {
			return nil, nil, errors.New("graph attribute has no graph")
		}
		a.Graph, captured, err = d.graph(ap.GetG(), s, ctx)
	case ir.AttrGraphs:
		for _, gp := range ap.GetGraphs() {
			g, c, gerr := d.graph(gp, s, ctx)
			if err = gerr; err != nil {
				break
			}
			a.Graphs = append(a.Graphs, g)
			captured = append(captured, c...)
		}
	case ir.AttrTypeProto:
		a.Type, err = typeValue(ap.GetTp())
	case ir.AttrTypeProtos:
		a.Types, err = each(ap.GetTypeProtos(), typeValue)
	}
	if err != nil {
		return nil, nil, err
	}
	return a, captured, nil
}

// each applies f to every element of src, stopping at the first error.
func each[S, T any](src []S, f func(S) (T, error)) ([]T, error) {
	out := make([]T, 0, len(src))
	for _, s := range src {
		t, err := f(s)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// constantAttrs lists the value attributes of Constant and the kind each must have.
var constantAttrs = map[string]ir.AttrKind{
	"value": ir.AttrTensor, "sparse_value": ir.AttrSparseTensor,
	"value_float": ir.AttrFloat, "value_floats": ir.AttrFloats,
	"value_int": ir.AttrInt, "value_ints": ir.AttrInts,
	"value_string": ir.AttrString, "value_strings": ir.AttrStrings,
}

// constant turns a Constant node into the constant value it defines (nil
// when its output is omitted).
func (d *decoder) constant(p *onnxpb.NodeProto) (*ir.Value, error) {
	if len(p.GetInput()) != 0 || len(p.GetOutput()) != 1 {
		return nil, fmt.Errorf("Constant has %d inputs and %d outputs, want 0 and 1", len(p.GetInput()), len(p.GetOutput()))
	}
	if len(p.GetAttribute()) != 1 {
		return nil, fmt.Errorf("Constant has %d attributes, want exactly one value attribute", len(p.GetAttribute()))
	}
	ap := p.GetAttribute()[0]
	want, known := constantAttrs[ap.GetName()]
	if !known {
		return nil, fmt.Errorf("Constant has unknown attribute %q", ap.GetName())
	}
	if kind, err := attrKind(ap); err != nil || kind != want {
		return nil, fmt.Errorf("attribute %q of Constant must be of type %v", ap.GetName(), want)
	}
	a, _, err := d.attr(ap, nil, nodeCtx{})
	if err != nil {
		return nil, fmt.Errorf("attribute %q: %w", ap.GetName(), err)
	}
	t, err := constantTensor(a)
	if err != nil || p.GetOutput()[0] == "" {
		return nil, err
	}
	return constValue(p.GetOutput()[0], t), nil
}

// constantTensor builds the tensor a Constant value attribute describes.
func constantTensor(a *ir.Attr) (*ir.Tensor, error) {
	switch a.Kind {
	case ir.AttrTensor, ir.AttrSparseTensor:
		return a.Tensor, nil
	case ir.AttrFloat:
		return &ir.Tensor{DType: ir.Float32, Shape: []int64{}, Data: []float32{a.Float}}, nil
	case ir.AttrFloats:
		return &ir.Tensor{DType: ir.Float32, Shape: []int64{int64(len(a.Floats))}, Data: a.Floats}, nil
	case ir.AttrInt:
		return &ir.Tensor{DType: ir.Int64, Shape: []int64{}, Data: []int64{a.Int}}, nil
	case ir.AttrInts:
		return &ir.Tensor{DType: ir.Int64, Shape: []int64{int64(len(a.Ints))}, Data: a.Ints}, nil
	case ir.AttrString:
		return &ir.Tensor{DType: ir.String, Shape: []int64{}, Data: []string{a.String}}, nil
	case ir.AttrStrings:
		return &ir.Tensor{DType: ir.String, Shape: []int64{int64(len(a.Strings))}, Data: a.Strings}, nil
	}
	return nil, fmt.Errorf("attribute kind %v cannot define a constant", a.Kind)
}
