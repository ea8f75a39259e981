package importer

import (
	"fmt"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// Builders for hand-made ONNX protos.

func tensorPB(name string, dt ir.DType, dims ...int64) *onnxpb.TensorProto {
	return &onnxpb.TensorProto{Name: proto.String(name), DataType: proto.Int32(int32(dt)), Dims: dims}
}

func floatTensorPB(name string, dims []int64, vals ...float32) *onnxpb.TensorProto {
	tp := tensorPB(name, ir.Float32, dims...)
	tp.FloatData = vals
	return tp
}

// valueInfo declares a tensor value; dims are int (dim_value), string
// (dim_param) or nil (a dim with neither).
func valueInfo(name string, dt ir.DType, dims ...any) *onnxpb.ValueInfoProto {
	shape := &onnxpb.TensorShapeProto{}
	for _, d := range dims {
		dim := &onnxpb.TensorShapeProto_Dimension{}
		switch d := d.(type) {
		case int:
			dim.Value = &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}
		case string:
			dim.Value = &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: d}
		}
		shape.Dim = append(shape.Dim, dim)
	}
	return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: tensorType(dt, shape)}
}

func tensorType(dt ir.DType, shape *onnxpb.TensorShapeProto) *onnxpb.TypeProto {
	return &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{
		ElemType: proto.Int32(int32(dt)), Shape: shape}}}
}

func nodePB(op, name string, inputs, outputs []string, attrs ...*onnxpb.AttributeProto) *onnxpb.NodeProto {
	return &onnxpb.NodeProto{OpType: proto.String(op), Name: proto.String(name), Input: inputs, Output: outputs, Attribute: attrs}
}

func names(s ...string) []string { return s }

func intAttr(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

func floatAttr(name string, v float32) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_FLOAT.Enum(), F: proto.Float32(v)}
}

func tensorAttr(name string, t *onnxpb.TensorProto) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_TENSOR.Enum(), T: t}
}

func graphAttr(name string, g *onnxpb.GraphProto) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_GRAPH.Enum(), G: g}
}

func graphPB(name string, nodes []*onnxpb.NodeProto, inputs, outputs []*onnxpb.ValueInfoProto, inits ...*onnxpb.TensorProto) *onnxpb.GraphProto {
	return &onnxpb.GraphProto{Name: proto.String(name), Node: nodes, Input: inputs, Output: outputs, Initializer: inits}
}

func opset(domain string, v int64) *onnxpb.OperatorSetIdProto {
	return &onnxpb.OperatorSetIdProto{Domain: proto.String(domain), Version: proto.Int64(v)}
}

// modelPB wraps a graph in a model of IR version 8 importing ai.onnx at the
// given opset.
func modelPB(g *onnxpb.GraphProto, opsetVersion int64) *onnxpb.ModelProto {
	return &onnxpb.ModelProto{IrVersion: proto.Int64(8), Graph: g, OpsetImport: []*onnxpb.OperatorSetIdProto{opset("", opsetVersion)},
		ProducerName: proto.String("tfc-test")}
}

func marshal(t testing.TB, m proto.Message) []byte {
	t.Helper()
	data, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// decodePB imports a model proto (no external data).
func decodePB(t testing.TB, mp *onnxpb.ModelProto) (*Model, error) {
	t.Helper()
	return Decode(marshal(t, mp), "")
}

// mustDecode imports a model proto that must be valid and checks the graph's invariants.
func mustDecode(t testing.TB, mp *onnxpb.ModelProto) *Model {
	t.Helper()
	m, err := decodePB(t, mp)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkGraph(m.Graph, nil); err != nil {
		t.Fatal(err)
	}
	return m
}

// checkGraph verifies what the importer promises about a graph: every node
// input is a graph input, a constant, an output of an earlier node, or a
// value of an enclosing graph (outer); constants have no producer; node
// outputs name their node.
func checkGraph(g *ir.Graph, outer map[*ir.Value]bool) error {
	known := map[*ir.Value]bool{}
	for v := range outer {
		known[v] = true
	}
	for _, v := range g.Inputs {
		known[v] = true
	}
	for _, v := range g.Initializers {
		if v.Const == nil || v.Producer != nil {
			return fmt.Errorf("graph %q: initializer %q is not a constant", g.Name, v.Name)
		}
		if err := v.Const.Check(); err != nil {
			return fmt.Errorf("graph %q: initializer %q: %v", g.Name, v.Name, err)
		}
		known[v] = true
	}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			if in != nil && !known[in] {
				return fmt.Errorf("graph %q: node %s reads %q before it is defined", g.Name, n.Describe(), in.Name)
			}
		}
		for _, a := range n.Attrs {
			for _, sg := range append([]*ir.Graph{a.Graph}, a.Graphs...) {
				if sg == nil {
					continue
				}
				if err := checkGraph(sg, known); err != nil {
					return err
				}
			}
		}
		for _, o := range n.Outputs {
			if o != nil {
				if o.Producer != n {
					return fmt.Errorf("graph %q: output %q of node %s has another producer", g.Name, o.Name, n.Describe())
				}
				known[o] = true
			}
		}
	}
	for _, o := range g.Outputs {
		if !known[o] {
			return fmt.Errorf("graph %q: output %q is not defined", g.Name, o.Name)
		}
	}
	return nil
}
