package importer

import (
	"reflect"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

func TestConstantForms(t *testing.T) {
	tests := []struct {
		attr  *onnxpb.AttributeProto
		dt    ir.DType
		shape []int64
		data  any
	}{
		{tensorAttr("value", floatTensorPB("", []int64{2}, 1, 2)), ir.Float32, []int64{2}, []float32{1, 2}},
		{floatAttr("value_float", 2.5), ir.Float32, []int64{}, []float32{2.5}},
		{&onnxpb.AttributeProto{Name: proto.String("value_floats"), Type: onnxpb.AttributeProto_FLOATS.Enum(), Floats: []float32{1, 2, 3}},
			ir.Float32, []int64{3}, []float32{1, 2, 3}},
		{intAttr("value_int", -4), ir.Int64, []int64{}, []int64{-4}},
		{&onnxpb.AttributeProto{Name: proto.String("value_ints"), Type: onnxpb.AttributeProto_INTS.Enum(), Ints: []int64{5, 6}},
			ir.Int64, []int64{2}, []int64{5, 6}},
		{&onnxpb.AttributeProto{Name: proto.String("value_string"), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte("abc")},
			ir.String, []int64{}, []string{"abc"}},
		{&onnxpb.AttributeProto{Name: proto.String("value_strings"), Type: onnxpb.AttributeProto_STRINGS.Enum(), Strings: [][]byte{[]byte("x"), []byte("y")}},
			ir.String, []int64{2}, []string{"x", "y"}},
		{&onnxpb.AttributeProto{Name: proto.String("sparse_value"), Type: onnxpb.AttributeProto_SPARSE_TENSOR.Enum(),
			SparseTensor: sparsePB([]int64{2, 2}, []int64{3}, nil, 7)}, ir.Float32, []int64{2, 2}, []float32{0, 0, 0, 7}},
		{&onnxpb.AttributeProto{Name: proto.String("sparse_value"), Type: onnxpb.AttributeProto_SPARSE_TENSOR.Enum(),
			SparseTensor: sparsePB([]int64{2, 3}, []int64{1, 0, 0, 2}, []int64{2, 2}, 7, 8)}, ir.Float32, []int64{2, 3}, []float32{0, 0, 8, 7, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.attr.GetName(), func(t *testing.T) {
			g := graphPB("g", []*onnxpb.NodeProto{
				nodePB("Constant", "k", nil, names("c"), tc.attr),
				nodePB("Identity", "id", names("c"), names("y")),
			}, nil, []*onnxpb.ValueInfoProto{valueInfo("y", tc.dt)})
			m := mustDecode(t, modelPB(g, 13))
			if len(m.Graph.Nodes) != 1 {
				t.Fatalf("Constant kept as a node: %d nodes", len(m.Graph.Nodes))
			}
			c := m.Graph.Nodes[0].Inputs[0]
			if c.Name != "c" || c.Producer != nil || c.Const == nil || c.DType != tc.dt || !c.Shape.Equal(ir.ShapeOf(tc.shape...)) {
				t.Fatalf("constant value %+v", c)
			}
			if !reflect.DeepEqual(c.Const.Shape, tc.shape) || !reflect.DeepEqual(c.Const.Data, tc.data) {
				t.Fatalf("constant %v %#v, want %v %#v", c.Const.Shape, c.Const.Data, tc.shape, tc.data)
			}
		})
	}
}

// ifModel is y = If(cond) { then: Add(x, outer) } else { else: Identity(x) }
// where outer = Neg(x) is computed in the main graph and the then-branch
// also holds a Constant node.
func ifModel() *onnxpb.ModelProto {
	then := graphPB("then", []*onnxpb.NodeProto{
		nodePB("Constant", "one", nil, names("one"), floatAttr("value_float", 1)),
		nodePB("Add", "add", names("outer", "one"), names("t_out")),
	}, nil, []*onnxpb.ValueInfoProto{valueInfo("t_out", ir.Float32)})
	els := graphPB("else", nil, nil, []*onnxpb.ValueInfoProto{valueInfo("x", ir.Float32)}) // outputs an outer value directly
	g := graphPB("main", []*onnxpb.NodeProto{
		// The If comes first in the file although it reads "outer" inside its branch.
		nodePB("If", "if", names("cond"), names("y"), graphAttr("then_branch", then), graphAttr("else_branch", els)),
		nodePB("Neg", "neg", names("x"), names("outer")),
	}, []*onnxpb.ValueInfoProto{valueInfo("cond", ir.Bool), valueInfo("x", ir.Float32)}, []*onnxpb.ValueInfoProto{valueInfo("y", ir.Float32)})
	return modelPB(g, 13)
}

func TestSubgraphOuterScope(t *testing.T) {
	m := mustDecode(t, ifModel())
	g := m.Graph
	if len(g.Nodes) != 2 || g.Nodes[0].Op != "Neg" || g.Nodes[1].Op != "If" {
		t.Fatalf("nodes not sorted so that the If follows what its branch reads: %v, %v", g.Nodes[0].Op, g.Nodes[1].Op)
	}
	outer, x := g.Nodes[0].Outputs[0], g.Inputs[1]
	then, els := g.Nodes[1].Attr("then_branch").Graph, g.Nodes[1].Attr("else_branch").Graph
	add := then.Nodes[0]
	if add.Inputs[0] != outer {
		t.Fatal("then-branch does not read the outer value by pointer")
	}
	if one := add.Inputs[1]; one.Const == nil || one.Producer != nil || then.Initializers[0] != one {
		t.Fatalf("Constant in the subgraph did not become a constant value: %+v", one)
	}
	if els.Outputs[0] != x {
		t.Fatal("else-branch output is not the outer x")
	}
	if !reflect.DeepEqual(then.Opsets, map[string]int64{"": 13}) {
		t.Fatalf("subgraph opsets %v", then.Opsets)
	}
}

func TestSubgraphErrorNamesPath(t *testing.T) {
	mp := ifModel()
	then := mp.Graph.Node[0].Attribute[0].G
	then.Node[1].Input[0] = "undefined_thing"
	_, err := decodePB(t, mp)
	want := `graph "main": node If "if": attribute "then_branch": graph "then": node Add "add": input "undefined_thing" is not`
	if err == nil || err.Error()[:len(want)] != want {
		t.Fatalf("got %v\nwant prefix %s", err, want)
	}
}

func TestSubgraphReadingOwnNodeIsCycle(t *testing.T) {
	body := graphPB("body", []*onnxpb.NodeProto{nodePB("Identity", "id", names("y"), names("o"))}, nil,
		[]*onnxpb.ValueInfoProto{valueInfo("o", ir.Float32)})
	g := graphPB("main", []*onnxpb.NodeProto{nodePB("If", "if", names("cond"), names("y"), graphAttr("then_branch", body), graphAttr("else_branch", body))},
		[]*onnxpb.ValueInfoProto{valueInfo("cond", ir.Bool)}, []*onnxpb.ValueInfoProto{valueInfo("y", ir.Float32)})
	if _, err := decodePB(t, modelPB(g, 13)); err == nil || !contains(err, `nodes form a cycle: node If "if" reads "y"`) {
		t.Fatalf("got %v", err)
	}
}
