package importer

import (
	"errors"
	"fmt"
	"sort"

	"google.golang.org/protobuf/proto"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// Encode serializes m as an ONNX ModelProto (see EncodeModel), keeping its
// producer, model version and metadata.
func (m *Model) Encode() ([]byte, error) {
	mp, err := modelProto(m.Graph, m.Opsets)
	if err != nil {
		return nil, err
	}
	if m.ProducerName != "" {
		mp.ProducerName = proto.String(m.ProducerName)
		mp.ProducerVersion = proto.String(m.ProducerVersion)
	}
	if m.Domain != "" {
		mp.Domain = proto.String(m.Domain)
	}
	if m.ModelVersion != 0 {
		mp.ModelVersion = proto.Int64(m.ModelVersion)
	}
	keys := make([]string, 0, len(m.Metadata))
	for k := range m.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		mp.MetadataProps = append(mp.MetadataProps, &onnxpb.StringStringEntryProto{Key: proto.String(k), Value: proto.String(m.Metadata[k])})
	}
	return proto.Marshal(mp)
}

// EncodeModel serializes g as an ONNX ModelProto that Decode reads back
// into the same graph: nodes (tfc's fused ops in domain ai.tfc), every
// constant as an initializer of the graph that holds it (an initializer
// that is also a graph input stays an input, overridable), the types and
// shapes known for inputs, outputs and node outputs (value_info, symbolic
// dims as dim_param), and the If/Loop/Scan bodies as nested graphs.
//
// The opset imports are g.Opsets with opsets laid over them (either may be
// nil), plus ai.tfc version 1 when a node of that domain is present. Value
// names are kept; a name that is empty or taken by another value anywhere
// in the model (ONNX wants them unique) gets a suffix.
func EncodeModel(g *ir.Graph, opsets map[string]int64) ([]byte, error) {
	mp, err := modelProto(g, opsets)
	if err != nil {
		return nil, err
	}
	return proto.Marshal(mp)
}

func modelProto(g *ir.Graph, extra map[string]int64) (*onnxpb.ModelProto, error) {
	if g == nil {
		return nil, errors.New("EncodeModel: nil graph")
	}
	opsets := map[string]int64{}
	for d, v := range g.Opsets {
		opsets[normDomain(d)] = v
	}
	for d, v := range extra {
		opsets[normDomain(d)] = v
	}
	g.Walk(func(_ *ir.Graph, n *ir.Node) {
		if d := normDomain(n.Domain); opsets[d] == 0 && d == ir.TfcDomain {
			opsets[d] = 1
		}
	})
	if len(opsets) == 0 {
		return nil, errors.New("EncodeModel: the graph imports no opset")
	}
	domains := make([]string, 0, len(opsets))
	for d := range opsets {
		domains = append(domains, d)
	}
	sort.Strings(domains)
	e := &encoder{names: map[*ir.Value]string{}, taken: map[string]bool{}}
	e.nameGraph(g)
	gp, err := e.graph(g)
	if err != nil {
		return nil, err
	}
	mp := &onnxpb.ModelProto{
		IrVersion:    proto.Int64(irVersionFor(opsets[""])),
		ProducerName: proto.String("tfc"),
		Graph:        gp,
	}
	for _, d := range domains {
		mp.OpsetImport = append(mp.OpsetImport, &onnxpb.OperatorSetIdProto{Domain: proto.String(d), Version: proto.Int64(opsets[d])})
	}
	return mp, nil
}

// irVersionFor is the ONNX IR version that came with a default-domain
// opset (at least 4: initializers need not be graph inputs from then on).
func irVersionFor(opset int64) int64 {
	v := int64(4)
	for _, step := range []struct{ opset, ir int64 }{{10, 5}, {11, 6}, {12, 7}, {15, 8}, {18, 9}, {21, 10}, {23, 11}, {24, 12}} {
		if opset >= step.opset {
			v = step.ir
		}
	}
	return min(v, MaxIRVersion)
}

// encoder turns one graph and its nested graphs into protos.
type encoder struct {
	names map[*ir.Value]string
	taken map[string]bool
}

// name assigns v its name, or a fresh one when its own is empty or taken.
func (e *encoder) name(v *ir.Value) {
	if v == nil {
		return
	}
	if _, done := e.names[v]; done {
		return
	}
	base, name := v.Name, v.Name
	if base == "" {
		base, name = "value", "value"
	}
	for i := 1; e.taken[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	e.taken[name] = true
	e.names[v] = name
}

// nameGraph names every value g and its nested graphs define, in order.
func (e *encoder) nameGraph(g *ir.Graph) {
	for _, v := range g.Inputs {
		e.name(v)
	}
	for _, v := range g.Initializers {
		e.name(v)
	}
	for _, n := range g.Nodes {
		if n == nil {
			continue
		}
		for _, o := range n.Outputs {
			e.name(o)
		}
		for _, a := range sortedAttrs(n) {
			if a.Graph != nil {
				e.nameGraph(a.Graph)
			}
			for _, sg := range a.Graphs {
				e.nameGraph(sg)
			}
		}
	}
}

// ref is the name a node input or graph output reads v by ("" for none).
func (e *encoder) ref(v *ir.Value) (string, error) {
	if v == nil {
		return "", nil
	}
	name, ok := e.names[v]
	if !ok {
		return "", fmt.Errorf("value %q is read but not defined in the graph or an enclosing one", v.Name)
	}
	return name, nil
}

func (e *encoder) graph(g *ir.Graph) (*onnxpb.GraphProto, error) {
	gp := &onnxpb.GraphProto{Name: proto.String(g.Name)}
	if g.Doc != "" {
		gp.DocString = proto.String(g.Doc)
	}
	for _, v := range g.Inputs {
		if v == nil {
			return nil, fmt.Errorf("graph %q: nil input", g.Name)
		}
		gp.Input = append(gp.Input, e.valueInfo(v))
	}
	for _, v := range g.Initializers {
		if v == nil || v.Const == nil {
			return nil, fmt.Errorf("graph %q: initializer without data", g.Name)
		}
		tp, err := tensorProto(v.Const, e.names[v])
		if err != nil {
			return nil, fmt.Errorf("graph %q: initializer %q: %w", g.Name, v.Name, err)
		}
		gp.Initializer = append(gp.Initializer, tp)
	}
	outputs := map[*ir.Value]bool{}
	for _, v := range g.Outputs {
		if v == nil {
			return nil, fmt.Errorf("graph %q: nil output", g.Name)
		}
		if _, err := e.ref(v); err != nil {
			return nil, fmt.Errorf("graph %q: output: %w", g.Name, err)
		}
		outputs[v] = true
		gp.Output = append(gp.Output, e.valueInfo(v))
	}
	for _, n := range g.Nodes {
		if n == nil {
			return nil, fmt.Errorf("graph %q: nil node", g.Name)
		}
		np, err := e.node(n)
		if err != nil {
			return nil, fmt.Errorf("graph %q: node %s: %w", g.Name, n.Describe(), err)
		}
		gp.Node = append(gp.Node, np)
		for _, o := range n.Outputs {
			if o != nil && !outputs[o] && typeProto(o) != nil {
				gp.ValueInfo = append(gp.ValueInfo, e.valueInfo(o))
			}
		}
	}
	return gp, nil
}

func (e *encoder) valueInfo(v *ir.Value) *onnxpb.ValueInfoProto {
	return &onnxpb.ValueInfoProto{Name: proto.String(e.names[v]), Type: typeProto(v)}
}

func (e *encoder) node(n *ir.Node) (*onnxpb.NodeProto, error) {
	np := &onnxpb.NodeProto{OpType: proto.String(n.Op)}
	if n.Name != "" {
		np.Name = proto.String(n.Name)
	}
	if d := normDomain(n.Domain); d != "" {
		np.Domain = proto.String(d)
	}
	for _, v := range n.Inputs {
		name, err := e.ref(v)
		if err != nil {
			return nil, err
		}
		np.Input = append(np.Input, name)
	}
	for _, v := range n.Outputs {
		name := ""
		if v != nil {
			name = e.names[v]
		}
		np.Output = append(np.Output, name)
	}
	names := make([]string, 0, len(n.Attrs))
	for k, a := range n.Attrs {
		if a != nil {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		ap, err := e.attr(k, n.Attrs[k])
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", k, err)
		}
		np.Attribute = append(np.Attribute, ap)
	}
	return np, nil
}

// sortedAttrs returns n's attributes in name order.
func sortedAttrs(n *ir.Node) []*ir.Attr {
	names := make([]string, 0, len(n.Attrs))
	for k, a := range n.Attrs {
		if a != nil {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	out := make([]*ir.Attr, len(names))
	for i, k := range names {
		out[i] = n.Attrs[k]
	}
	return out
}

func (e *encoder) attr(name string, a *ir.Attr) (*onnxpb.AttributeProto, error) {
	if a.Kind <= ir.AttrUndefined || a.Kind > ir.AttrTypeProtos {
		return nil, fmt.Errorf("unknown kind %v", a.Kind)
	}
	kind := onnxpb.AttributeProto_AttributeType(a.Kind) // the numbers agree
	ap := &onnxpb.AttributeProto{Name: proto.String(name), Type: &kind}
	var err error
	switch a.Kind {
	case ir.AttrFloat:
		ap.F = proto.Float32(a.Float)
	case ir.AttrInt:
		ap.I = proto.Int64(a.Int)
	case ir.AttrString:
		ap.S = []byte(a.String)
	case ir.AttrFloats:
		ap.Floats = append([]float32{}, a.Floats...)
	case ir.AttrInts:
		ap.Ints = append([]int64{}, a.Ints...)
	case ir.AttrStrings:
		for _, s := range a.Strings {
			ap.Strings = append(ap.Strings, []byte(s))
		}
	case ir.AttrTensor:
		ap.T, err = tensorProto(a.Tensor, "")
	case ir.AttrTensors:
		for _, t := range a.Tensors {
			tp, terr := tensorProto(t, "")
			if err = terr; err != nil {
				break
			}
			ap.Tensors = append(ap.Tensors, tp)
		}
	case ir.AttrSparseTensor:
		ap.SparseTensor, err = sparseProto(a.Tensor)
	case ir.AttrSparseTensors:
		for _, t := range a.Tensors {
			sp, serr := sparseProto(t)
			if err = serr; err != nil {
				break
			}
			ap.SparseTensors = append(ap.SparseTensors, sp)
		}
	case ir.AttrGraph:
		if a.Graph == nil {
			return nil, errors.New("graph attribute without a graph")
		}
		ap.G, err = e.graph(a.Graph)
	case ir.AttrGraphs:
		for _, sg := range a.Graphs {
			gp, gerr := e.graph(sg)
			if err = gerr; err != nil {
				break
			}
			ap.Graphs = append(ap.Graphs, gp)
		}
	case ir.AttrTypeProto:
		ap.Tp = typeProto(a.Type)
	case ir.AttrTypeProtos:
		for _, t := range a.Types {
			ap.TypeProtos = append(ap.TypeProtos, typeProto(t))
		}
	}
	if err != nil {
		return nil, err
	}
	return ap, nil
}

// tensorProto is t as a TensorProto, its data in raw_data (strings in
// string_data).
func tensorProto(t *ir.Tensor, name string) (*onnxpb.TensorProto, error) {
	if t == nil {
		return nil, errors.New("nil tensor")
	}
	if err := t.Check(); err != nil {
		return nil, err
	}
	tp := &onnxpb.TensorProto{DataType: proto.Int32(int32(t.DType)), Dims: append([]int64{}, t.Shape...)}
	if name != "" {
		tp.Name = proto.String(name)
	}
	if d, ok := t.Data.([]string); ok {
		for _, s := range d {
			tp.StringData = append(tp.StringData, []byte(s))
		}
	} else {
		tp.RawData = rawBytes(t)
	}
	return tp, nil
}

// sparseProto writes a (densified) sparse tensor attribute back as a
// sparse tensor listing every element, which decodes to the same tensor.
func sparseProto(t *ir.Tensor) (*onnxpb.SparseTensorProto, error) {
	if t == nil {
		return nil, errors.New("nil tensor")
	}
	n := t.Len()
	flat, err := t.Reshaped([]int64{int64(n)})
	if err != nil {
		return nil, err
	}
	values, err := tensorProto(flat, "")
	if err != nil {
		return nil, err
	}
	idx := make([]int64, n)
	for i := range idx {
		idx[i] = int64(i)
	}
	indices, err := tensorProto(&ir.Tensor{DType: ir.Int64, Shape: []int64{int64(n)}, Data: idx}, "")
	if err != nil {
		return nil, err
	}
	return &onnxpb.SparseTensorProto{Values: values, Indices: indices, Dims: append([]int64{}, t.Shape...)}, nil
}

// typeProto is v's type, or nil when nothing is known of it.
func typeProto(v *ir.Value) *onnxpb.TypeProto {
	if v == nil {
		return nil
	}
	tensor := func() *onnxpb.TypeProto_Tensor {
		return &onnxpb.TypeProto_Tensor{ElemType: proto.Int32(int32(v.DType)), Shape: shapeProto(v.Shape)}
	}
	switch v.Kind {
	case ir.SequenceValue:
		elem := &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{ElemType: proto.Int32(int32(v.DType))}}}
		return &onnxpb.TypeProto{Value: &onnxpb.TypeProto_SequenceType{SequenceType: &onnxpb.TypeProto_Sequence{ElemType: elem}}}
	case ir.OptionalValue:
		elem := &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: tensor()}}
		return &onnxpb.TypeProto{Value: &onnxpb.TypeProto_OptionalType{OptionalType: &onnxpb.TypeProto_Optional{ElemType: elem}}}
	case ir.MapValue:
		elem := &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{ElemType: proto.Int32(int32(v.DType))}}}
		return &onnxpb.TypeProto{Value: &onnxpb.TypeProto_MapType{MapType: &onnxpb.TypeProto_Map{KeyType: proto.Int32(int32(ir.Int64)), ValueType: elem}}}
	case ir.SparseTensorValue:
		return &onnxpb.TypeProto{Value: &onnxpb.TypeProto_SparseTensorType{SparseTensorType: &onnxpb.TypeProto_SparseTensor{
			ElemType: proto.Int32(int32(v.DType)), Shape: shapeProto(v.Shape)}}}
	}
	if v.DType == ir.Undefined && !v.Shape.Ranked {
		return nil
	}
	return &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: tensor()}}
}

// shapeProto writes a shape: sizes as dim_value, symbols as dim_param,
// unknown dims empty; nil for an unranked shape.
func shapeProto(s ir.Shape) *onnxpb.TensorShapeProto {
	if !s.Ranked {
		return nil
	}
	sp := &onnxpb.TensorShapeProto{Dim: make([]*onnxpb.TensorShapeProto_Dimension, len(s.Dims))}
	for i, d := range s.Dims {
		dim := &onnxpb.TensorShapeProto_Dimension{}
		switch {
		case d.Param != "":
			dim.Value = &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: d.Param}
		case d.Size >= 0:
			dim.Value = &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: d.Size}
		}
		sp.Dim[i] = dim
	}
	return sp
}
