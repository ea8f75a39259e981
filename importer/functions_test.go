package importer

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

func contains(err error, s string) bool { return err != nil && strings.Contains(err.Error(), s) }

// scaledRelu is the local function custom:ScaledRelu(X) = Relu(X) * alpha,
// alpha an attribute (default 2) reaching a Constant through ref_attr_name,
// with a second output Relu(X).
func scaledRelu() *onnxpb.FunctionProto {
	return &onnxpb.FunctionProto{
		Name: proto.String("ScaledRelu"), Domain: proto.String("custom"),
		Input: names("X"), Output: names("Y", "R"), Attribute: names("alpha"),
		AttributeProto: []*onnxpb.AttributeProto{floatAttr("alpha", 2)},
		OpsetImport:    []*onnxpb.OperatorSetIdProto{opset("", 12)},
		Node: []*onnxpb.NodeProto{
			nodePB("Relu", "relu", names("X"), names("R")),
			nodePB("Constant", "k", nil, names("a"), &onnxpb.AttributeProto{Name: proto.String("value_float"),
				RefAttrName: proto.String("alpha"), Type: onnxpb.AttributeProto_FLOAT.Enum()}),
			nodePB("Mul", "mul", names("R", "a"), names("Y")),
		},
	}
}

func callPB(name string, in, out []string, attrs ...*onnxpb.AttributeProto) *onnxpb.NodeProto {
	n := nodePB("ScaledRelu", name, in, out, attrs...)
	n.Domain = proto.String("custom")
	return n
}

func functionModel(calls ...*onnxpb.NodeProto) *onnxpb.ModelProto {
	g := graphPB("main", calls, []*onnxpb.ValueInfoProto{valueInfo("x", ir.Float32)}, []*onnxpb.ValueInfoProto{valueInfo("z", ir.Float32)})
	mp := modelPB(g, 14)
	mp.OpsetImport = append(mp.OpsetImport, opset("custom", 1))
	mp.Functions = []*onnxpb.FunctionProto{scaledRelu()}
	return mp
}

func TestInlineFunctions(t *testing.T) {
	m := mustDecode(t, functionModel(
		callPB("c1", names("x"), names("y")), // default alpha, second output omitted
		callPB("c2", names("y"), names("z", "r"), floatAttr("alpha", 3)),
	))
	g := m.Graph
	var ops []string
	for _, n := range g.Nodes {
		ops = append(ops, n.Op+"/"+n.Name)
	}
	if !reflect.DeepEqual(ops, []string{"Relu/c1/relu", "Mul/c1/mul", "Relu/c2/relu", "Mul/c2/mul"}) {
		t.Fatalf("inlined nodes %v", ops)
	}
	mul1, relu2, mul2 := g.Nodes[1], g.Nodes[2], g.Nodes[3]
	if g.Nodes[0].Inputs[0] != g.Inputs[0] || mul1.Outputs[0].Name != "y" || relu2.Inputs[0] != mul1.Outputs[0] ||
		relu2.Outputs[0].Name != "r" || g.Outputs[0] != mul2.Outputs[0] {
		t.Fatal("function inputs/outputs not wired to the call's values")
	}
	if a := mul1.Inputs[1].Const; a == nil || !reflect.DeepEqual(a.Data, []float32{2}) {
		t.Fatalf("default attribute not substituted: %+v", mul1.Inputs[1])
	}
	if a := mul2.Inputs[1].Const; a == nil || !reflect.DeepEqual(a.Data, []float32{3}) {
		t.Fatalf("call attribute not substituted: %+v", mul2.Inputs[1])
	}
	if mul1.Inputs[1] == mul2.Inputs[1] || mul1.Inputs[1].Name == mul2.Inputs[1].Name {
		t.Fatal("function-internal values of two calls share a name")
	}
	if mul1.Version != 7 || mul1.Domain != "" { // Mul-7 applies under the function's opset 12, not the model's 14
		t.Fatalf("body node version %d, want 7 from the function's own opset import", mul1.Version)
	}
}

func TestInlineNestedAndInSubgraph(t *testing.T) {
	// Outer(X) calls ScaledRelu; the model calls Outer inside an If branch
	// whose function body has its own subgraph reading a function value.
	outer := &onnxpb.FunctionProto{
		Name: proto.String("Outer"), Domain: proto.String("custom"), Input: names("X"), Output: names("Y"),
		OpsetImport: []*onnxpb.OperatorSetIdProto{opset("", 13), opset("custom", 1)},
		Node: []*onnxpb.NodeProto{
			callPB("inner", names("X"), names("T")),
			nodePB("If", "if", names("C"), names("Y"),
				graphAttr("then_branch", graphPB("t", []*onnxpb.NodeProto{nodePB("Identity", "i", names("T"), names("o"))}, nil,
					[]*onnxpb.ValueInfoProto{valueInfo("o", ir.Float32)})),
				graphAttr("else_branch", graphPB("e", nil, nil, []*onnxpb.ValueInfoProto{valueInfo("X", ir.Float32)}))),
			nodePB("Constant", "c", nil, names("C"), tensorAttr("value", &onnxpb.TensorProto{DataType: proto.Int32(int32(ir.Bool)), Int32Data: []int32{1}})),
		},
	}
	call := nodePB("Outer", "call", names("x"), names("z"))
	call.Domain = proto.String("custom")
	mp := functionModel(call)
	mp.Functions = append(mp.Functions, outer)
	m := mustDecode(t, mp)
	var ops []string
	m.Graph.Walk(func(_ *ir.Graph, n *ir.Node) { ops = append(ops, n.Name) })
	if !reflect.DeepEqual(ops, []string{"call/inner/relu", "call/inner/mul", "call/if", "call/i"}) {
		t.Fatalf("nodes %v", ops)
	}
}

func TestFunctionErrors(t *testing.T) {
	recursive := scaledRelu()
	recursive.Node = append(recursive.Node, callPB("again", names("Y"), names("Z")))
	mp := functionModel(callPB("c", names("x"), names("z")))
	mp.Functions = []*onnxpb.FunctionProto{recursive}
	if _, err := decodePB(t, mp); !contains(err, "model-local function ScaledRelu calls itself") {
		t.Fatalf("recursive function: %v", err)
	}
	// F0 calls F1 twice, F1 calls F2 twice, ...: 2^40 nodes once inlined.
	mp = functionModel(callPB("c", names("x"), names("z")))
	mp.Functions = nil
	for i := 0; i < 40; i++ {
		f := &onnxpb.FunctionProto{Name: proto.String(fmt.Sprint("F", i)), Domain: proto.String("custom"), Input: names("X"), Output: names("Y"),
			Node: []*onnxpb.NodeProto{nodePB(fmt.Sprint("F", i+1), "a", names("X"), names("T")), nodePB(fmt.Sprint("F", i+1), "b", names("T"), names("Y"))}}
		f.Node[0].Domain, f.Node[1].Domain = proto.String("custom"), proto.String("custom")
		mp.Functions = append(mp.Functions, f)
	}
	mp.Graph.Node[0].OpType = proto.String("F0")
	if _, err := decodePB(t, mp); !contains(err, "model has more than 1048576 nodes") {
		t.Fatalf("exponential inlining: %v", err)
	}
	mp = functionModel(callPB("c", names("x", "extra"), names("z")))
	if _, err := decodePB(t, mp); !contains(err, `node custom:ScaledRelu "c": inlining function ScaledRelu: call has 2 inputs`) {
		t.Fatalf("too many inputs: %v", err)
	}
	mp = functionModel(callPB("c", names("x"), names("z")))
	mp.Functions = append(mp.Functions, scaledRelu())
	if _, err := decodePB(t, mp); !contains(err, "defined twice") {
		t.Fatalf("duplicate function: %v", err)
	}
}
