package importer

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// addModel is x + w with w an initializer that is also a graph input.
func addModel() *onnxpb.ModelProto {
	g := graphPB("main",
		[]*onnxpb.NodeProto{nodePB("Add", "add", names("x", "w"), names("y"))},
		[]*onnxpb.ValueInfoProto{valueInfo("x", ir.Float32, "N", 2), valueInfo("w", ir.Float32, 2)},
		[]*onnxpb.ValueInfoProto{valueInfo("y", ir.Float32, "N", nil)},
		floatTensorPB("w", []int64{2}, 10, 20))
	m := modelPB(g, 13)
	m.MetadataProps = []*onnxpb.StringStringEntryProto{{Key: proto.String("author"), Value: proto.String("me")}}
	m.ModelVersion = proto.Int64(3)
	return m
}

func TestDecodeModel(t *testing.T) {
	m := mustDecode(t, addModel())
	if m.IRVersion != 8 || m.ProducerName != "tfc-test" || m.ModelVersion != 3 || m.Metadata["author"] != "me" ||
		!reflect.DeepEqual(m.Opsets, map[string]int64{"": 13}) {
		t.Fatalf("model fields: %+v", m)
	}
	g := m.Graph
	if g.Name != "main" || len(g.Inputs) != 2 || len(g.Initializers) != 1 || len(g.Nodes) != 1 || len(g.Outputs) != 1 {
		t.Fatalf("graph: %+v", g)
	}
	x, w := g.Inputs[0], g.Inputs[1]
	if w != g.Initializers[0] || w.Const == nil || !reflect.DeepEqual(w.Const.Data, []float32{10, 20}) {
		t.Fatalf("input w is not the initializer: %+v", w)
	}
	wantX := ir.Shape{Ranked: true, Dims: []ir.Dim{ir.Symbol("N"), ir.Fixed(2)}}
	if x.DType != ir.Float32 || !x.Shape.Equal(wantX) || x.Const != nil {
		t.Fatalf("input x: %v %v", x.DType, x.Shape)
	}
	n := g.Nodes[0]
	if n.Op != "Add" || n.Name != "add" || n.Version != 13 || n.Inputs[0] != x || n.Inputs[1] != w {
		t.Fatalf("node: %+v", n)
	}
	y := g.Outputs[0]
	if y != n.Outputs[0] || y.Producer != n || !y.Shape.Equal(ir.Shape{Ranked: true, Dims: []ir.Dim{ir.Symbol("N"), ir.UnknownDim}}) {
		t.Fatalf("output: %+v", y)
	}
}

func TestOpVersions(t *testing.T) {
	for _, tc := range []struct {
		domain, op  string
		opset, want int64
	}{
		{"", "Softmax", 12, 11}, {"", "Softmax", 13, 13}, {"ai.onnx", "Softmax", 10, 1}, {"", "Add", 6, 6},
		{"com.microsoft", "FusedMatMul", 1, 1}, {"ai.onnx.ml", "LabelEncoder", 4, 4},
	} {
		g := graphPB("g", []*onnxpb.NodeProto{nodePB(tc.op, "n", names("x"), names("y"))},
			[]*onnxpb.ValueInfoProto{valueInfo("x", ir.Float32)}, []*onnxpb.ValueInfoProto{valueInfo("y", ir.Float32)})
		g.Node[0].Domain = proto.String(tc.domain)
		mp := modelPB(g, 13)
		mp.OpsetImport = []*onnxpb.OperatorSetIdProto{opset(tc.domain, tc.opset)}
		m := mustDecode(t, mp)
		n := m.Graph.Nodes[0]
		if n.Version != tc.want || n.Domain != normDomain(tc.domain) {
			t.Errorf("%s:%s at opset %d: version %d domain %q, want %d", tc.domain, tc.op, tc.opset, n.Version, n.Domain, tc.want)
		}
	}
}

func TestUnsupportedOpsAllAtOnce(t *testing.T) {
	g := graphPB("g", []*onnxpb.NodeProto{
		nodePB("Frobnicate", "f1", names("x"), names("a")),
		nodePB("Relu", "r", names("a"), names("b")),
		nodePB("Frobnicate", "f2", names("b"), names("c")),
		nodePB("Gelu", "gelu", names("c"), names("d")), // Gelu exists from opset 20 on only
		nodePB("Mystery", "m", names("d"), names("e")),
		nodePB("Thing", "", names("e"), names("f")),
	}, []*onnxpb.ValueInfoProto{valueInfo("x", ir.Float32)}, []*onnxpb.ValueInfoProto{valueInfo("f", ir.Float32)})
	g.Node[4].Domain = proto.String("com.example")
	g.Node[5].Domain = proto.String("com.microsoft") // known domain, not imported
	_, err := decodePB(t, modelPB(g, 13))
	var ue *UnsupportedOpsError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v, want UnsupportedOpsError", err)
	}
	want := []UnsupportedOp{
		{Op: "Frobnicate", Domain: "", Opset: 13, Nodes: []string{"f1", "f2"}},
		{Op: "Gelu", Domain: "", Opset: 13, Nodes: []string{"gelu"}},
		{Op: "Mystery", Domain: "com.example", Opset: 0, Nodes: []string{"m"}},
		{Op: "Thing", Domain: "com.microsoft", Opset: 0, Nodes: []string{"(unnamed)"}},
	}
	if !reflect.DeepEqual(ue.Ops, want) {
		t.Fatalf("got %+v\nwant %+v", ue.Ops, want)
	}
	for _, s := range []string{"Frobnicate (ai.onnx, opset 13): nodes f1, f2", "com.example:Mystery (com.example, domain not imported)"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
}

func TestModelLevelErrors(t *testing.T) {
	withIR := func(v int64) *onnxpb.ModelProto { m := addModel(); m.IrVersion = proto.Int64(v); return m }
	tests := []struct {
		name  string
		data  []byte
		inErr string
	}{
		{"empty", nil, "input is empty"},
		{"text", []byte("this is a text file, not a model\n"), "not an ONNX model"},
		{"png", []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 1, 0}, "not an ONNX model"},
		{"empty message", marshal(t, &onnxpb.ModelProto{ProducerName: proto.String("x")}), "no ir_version or no graph"},
		{"no graph", marshal(t, &onnxpb.ModelProto{IrVersion: proto.Int64(8)}), "no ir_version or no graph"},
		{"IR 2", marshal(t, withIR(2)), "unsupported ONNX IR version 2"},
		{"IR 14", marshal(t, withIR(14)), "unsupported ONNX IR version 14"},
		{"no opsets", marshal(t, func() *onnxpb.ModelProto { m := addModel(); m.OpsetImport = nil; return m }()), "no opset_import"},
		{"conflicting opsets", marshal(t, func() *onnxpb.ModelProto {
			m := addModel()
			m.OpsetImport = append(m.OpsetImport, opset("ai.onnx", 11))
			return m
		}()), "imported twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.data, "")
			if err == nil || !strings.Contains(err.Error(), tc.inErr) {
				t.Fatalf("got %v, want error containing %q", err, tc.inErr)
			}
		})
	}
}

func TestGraphErrorsNameThePlace(t *testing.T) {
	in := []*onnxpb.ValueInfoProto{valueInfo("x", ir.Float32)}
	out := []*onnxpb.ValueInfoProto{valueInfo("z", ir.Float32)}
	tests := []struct {
		name  string
		nodes []*onnxpb.NodeProto
		inErr string
	}{
		{"missing input", []*onnxpb.NodeProto{nodePB("Relu", "r1", names("nowhere"), names("z"))},
			`graph "g": node Relu "r1": input "nowhere" is not`},
		{"cycle", []*onnxpb.NodeProto{nodePB("Add", "a", names("x", "b_out"), names("a_out")), nodePB("Relu", "b", names("a_out"), names("b_out")),
			nodePB("Relu", "c", names("a_out"), names("z"))}, "nodes form a cycle: node"},
		{"defined twice", []*onnxpb.NodeProto{nodePB("Relu", "r1", names("x"), names("z")), nodePB("Relu", "r2", names("x"), names("z"))},
			`node Relu "r2": value "z" is defined more than once`},
		{"output missing", []*onnxpb.NodeProto{nodePB("Relu", "r1", names("x"), names("q"))}, `output "z" is not`},
		{"no op type", []*onnxpb.NodeProto{nodePB("", "r1", names("x"), names("z"))}, "has no op_type"},
		{"ref attr outside function", []*onnxpb.NodeProto{nodePB("LeakyRelu", "lr", names("x"), names("z"),
			&onnxpb.AttributeProto{Name: proto.String("alpha"), RefAttrName: proto.String("a"), Type: onnxpb.AttributeProto_FLOAT.Enum()})},
			`node LeakyRelu "lr": attribute "alpha": refers to function attribute "a" outside a function`},
		{"untyped attribute", []*onnxpb.NodeProto{nodePB("LeakyRelu", "lr", names("x"), names("z"), &onnxpb.AttributeProto{Name: proto.String("alpha")})},
			`attribute "alpha": attribute has neither a type nor a value`},
		{"bad attribute tensor", []*onnxpb.NodeProto{nodePB("ConstantOfShape", "cos", names("x"), names("z"), tensorAttr("value", tensorPB("v", ir.Float32, 1)))},
			`node ConstantOfShape "cos": attribute "value": tensor "v": float_data has 0 entries`},
		{"constant without value", []*onnxpb.NodeProto{nodePB("Constant", "k", nil, names("z"))}, `node Constant "k": Constant has 0 attributes`},
		{"constant wrong kind", []*onnxpb.NodeProto{nodePB("Constant", "k", nil, names("z"), intAttr("value_float", 1))}, `attribute "value_float" of Constant must be of type float`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodePB(t, modelPB(graphPB("g", tc.nodes, in, out), 13))
			if err == nil || !strings.Contains(err.Error(), tc.inErr) {
				t.Fatalf("got %v, want error containing %q", err, tc.inErr)
			}
		})
	}
}

func TestTopologicalSort(t *testing.T) {
	// Nodes listed backwards: z = Relu(b), b = Relu(a), a = Neg(x).
	g := graphPB("g", []*onnxpb.NodeProto{
		nodePB("Relu", "last", names("b"), names("z")),
		nodePB("Relu", "mid", names("a"), names("b")),
		nodePB("Neg", "first", names("x"), names("a")),
	}, []*onnxpb.ValueInfoProto{valueInfo("x", ir.Float32)}, []*onnxpb.ValueInfoProto{valueInfo("z", ir.Float32)})
	m := mustDecode(t, modelPB(g, 13))
	var order []string
	for _, n := range m.Graph.Nodes {
		order = append(order, n.Name)
	}
	if !reflect.DeepEqual(order, []string{"first", "mid", "last"}) {
		t.Fatalf("order %v", order)
	}
}

func TestOmittedInputsAndOutputs(t *testing.T) {
	g := graphPB("g", []*onnxpb.NodeProto{
		nodePB("Clip", "clip", names("x", "", "hi"), names("y")),
		nodePB("Dropout", "drop", names("y"), names("z", "")),
	}, []*onnxpb.ValueInfoProto{valueInfo("x", ir.Float32), valueInfo("hi", ir.Float32)}, []*onnxpb.ValueInfoProto{valueInfo("z", ir.Float32)})
	m := mustDecode(t, modelPB(g, 13))
	clip, drop := m.Graph.Nodes[0], m.Graph.Nodes[1]
	if len(clip.Inputs) != 3 || clip.Inputs[1] != nil || clip.Inputs[2] == nil {
		t.Fatalf("clip inputs %v", clip.Inputs)
	}
	if len(drop.Outputs) != 2 || drop.Outputs[1] != nil {
		t.Fatalf("dropout outputs %v", drop.Outputs)
	}
}

func TestValueTypes(t *testing.T) {
	seq := &onnxpb.TypeProto{Value: &onnxpb.TypeProto_SequenceType{SequenceType: &onnxpb.TypeProto_Sequence{
		ElemType: tensorType(ir.Int64, nil)}}}
	opt := &onnxpb.TypeProto{Value: &onnxpb.TypeProto_OptionalType{OptionalType: &onnxpb.TypeProto_Optional{
		ElemType: valueInfo("", ir.Float16, 3).Type}}}
	mp := &onnxpb.TypeProto{Value: &onnxpb.TypeProto_MapType{MapType: &onnxpb.TypeProto_Map{
		KeyType: proto.Int32(int32(ir.String)), ValueType: tensorType(ir.Float32, nil)}}}
	sparse := &onnxpb.TypeProto{Value: &onnxpb.TypeProto_SparseTensorType{SparseTensorType: &onnxpb.TypeProto_SparseTensor{
		ElemType: proto.Int32(int32(ir.Float32)), Shape: &onnxpb.TensorShapeProto{}}}}
	vi := func(name string, tp *onnxpb.TypeProto) *onnxpb.ValueInfoProto {
		return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: tp}
	}
	g := graphPB("g", nil, []*onnxpb.ValueInfoProto{
		vi("seq", seq), vi("opt", opt), vi("map", mp), vi("sparse", sparse), vi("untyped", nil),
		valueInfo("unranked", ir.Bool), {Name: proto.String("noshape"), Type: tensorType(ir.Int8, nil)},
		valueInfo("dims", ir.Float32, 4, "batch", nil, -1),
	}, []*onnxpb.ValueInfoProto{vi("seq", nil)})
	m := mustDecode(t, modelPB(g, 13))
	scalar := ir.Shape{Ranked: true, Dims: []ir.Dim{}}
	want := []struct {
		kind  ir.ValueKind
		dt    ir.DType
		shape ir.Shape
	}{
		{ir.SequenceValue, ir.Int64, ir.UnrankedShape},
		{ir.OptionalValue, ir.Float16, ir.ShapeOf(3)},
		{ir.MapValue, ir.Float32, ir.UnrankedShape},
		{ir.SparseTensorValue, ir.Float32, scalar},
		{ir.TensorValue, ir.Undefined, ir.UnrankedShape},
		{ir.TensorValue, ir.Bool, scalar}, // valueInfo always writes a (here empty) shape
		{ir.TensorValue, ir.Int8, ir.UnrankedShape},
		{ir.TensorValue, ir.Float32, ir.Shape{Ranked: true, Dims: []ir.Dim{ir.Fixed(4), ir.Symbol("batch"), ir.UnknownDim, ir.UnknownDim}}},
	}
	for i, w := range want {
		v := m.Graph.Inputs[i]
		if v.Kind != w.kind || v.DType != w.dt || !v.Shape.Equal(w.shape) {
			t.Errorf("%s: kind %v %v %v, want %v %v %v", v.Name, v.Kind, v.DType, v.Shape, w.kind, w.dt, w.shape)
		}
	}
}

func TestAllAttributeKinds(t *testing.T) {
	attrs := []*onnxpb.AttributeProto{
		floatAttr("f", 1.5), intAttr("i", 7),
		{Name: proto.String("s"), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte("hi")},
		tensorAttr("t", floatTensorPB("tv", []int64{1}, 2)),
		{Name: proto.String("fs"), Type: onnxpb.AttributeProto_FLOATS.Enum(), Floats: []float32{1, 2}},
		{Name: proto.String("is"), Type: onnxpb.AttributeProto_INTS.Enum(), Ints: []int64{3, 4}},
		{Name: proto.String("ss"), Type: onnxpb.AttributeProto_STRINGS.Enum(), Strings: [][]byte{[]byte("a"), []byte("b")}},
		{Name: proto.String("ts"), Type: onnxpb.AttributeProto_TENSORS.Enum(), Tensors: []*onnxpb.TensorProto{floatTensorPB("a", []int64{}, 1)}},
		{Name: proto.String("sp"), Type: onnxpb.AttributeProto_SPARSE_TENSOR.Enum(), SparseTensor: sparsePB([]int64{3}, []int64{2}, nil, 9)},
		{Name: proto.String("tp"), Type: onnxpb.AttributeProto_TYPE_PROTO.Enum(), Tp: tensorType(ir.Int32, nil)},
		{Name: proto.String("tps"), Type: onnxpb.AttributeProto_TYPE_PROTOS.Enum(), TypeProtos: []*onnxpb.TypeProto{tensorType(ir.Bool, nil)}},
		{Name: proto.String("untyped_ints"), Ints: []int64{5}}, // no type field: inferred
		{Name: proto.String("gs"), Type: onnxpb.AttributeProto_GRAPHS.Enum(), Graphs: []*onnxpb.GraphProto{
			graphPB("body", []*onnxpb.NodeProto{nodePB("Identity", "id", names("x"), names("o"))}, nil, []*onnxpb.ValueInfoProto{valueInfo("o", ir.Float32)})}},
	}
	g := graphPB("g", []*onnxpb.NodeProto{nodePB("ai.tfc.Test", "n", names("x"), names("y"), attrs...)},
		[]*onnxpb.ValueInfoProto{valueInfo("x", ir.Float32)}, []*onnxpb.ValueInfoProto{valueInfo("y", ir.Float32)})
	g.Node[0].Domain = proto.String("ai.tfc")
	mp := modelPB(g, 13)
	mp.OpsetImport = append(mp.OpsetImport, opset("ai.tfc", 1))
	m := mustDecode(t, mp)
	n := m.Graph.Nodes[0]
	if n.AttrFloat("f", 0) != 1.5 || n.AttrInt("i", 0) != 7 || n.AttrString("s", "") != "hi" {
		t.Fatal("scalar attributes wrong")
	}
	if fs, _ := n.AttrFloats("fs"); !reflect.DeepEqual(fs, []float32{1, 2}) {
		t.Fatal("floats")
	}
	if is, _ := n.AttrInts("is"); !reflect.DeepEqual(is, []int64{3, 4}) {
		t.Fatal("ints")
	}
	if is, _ := n.AttrInts("untyped_ints"); !reflect.DeepEqual(is, []int64{5}) {
		t.Fatal("untyped ints")
	}
	check := map[string]bool{
		"t":   reflect.DeepEqual(n.Attr("t").Tensor.Data, []float32{2}),
		"ss":  reflect.DeepEqual(n.Attr("ss").Strings, []string{"a", "b"}),
		"ts":  len(n.Attr("ts").Tensors) == 1 && n.Attr("ts").Tensors[0].Rank() == 0,
		"sp":  n.Attr("sp").Kind == ir.AttrSparseTensor && reflect.DeepEqual(n.Attr("sp").Tensor.Data, []float32{0, 0, 9}),
		"tp":  n.Attr("tp").Type.DType == ir.Int32 && !n.Attr("tp").Type.Shape.Ranked,
		"tps": len(n.Attr("tps").Types) == 1 && n.Attr("tps").Types[0].DType == ir.Bool,
		// The body reads x of the enclosing graph.
		"gs": len(n.Attr("gs").Graphs) == 1 && n.Attr("gs").Graphs[0].Nodes[0].Inputs[0] == m.Graph.Inputs[0],
	}
	for name, ok := range check {
		if !ok {
			t.Errorf("attribute %s imported wrongly: %+v", name, n.Attr(name))
		}
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.onnx")
	if err := os.WriteFile(path, marshal(t, addModel()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(dir, "missing.onnx")); err == nil {
		t.Fatal("loaded a missing file")
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("loading a folder: %v", err)
	}
	bad := filepath.Join(dir, "bad.onnx")
	if err := os.WriteFile(bad, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("error does not name the file: %v", err)
	}
}

func TestHugeFilesRefusedUnread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.onnx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: it takes no disk space and must not be read.
	if err := f.Truncate(MaxFileBytes + 1); err != nil {
		t.Skipf("cannot make a sparse file: %v", err)
	}
	f.Close()
	if _, err := Load(path); !contains(err, "more than the 4294967296 the importer reads") {
		t.Fatalf("Load: %v", err)
	}
	if _, _, err := ReadTensorFile(path); !contains(err, "more than the") {
		t.Fatalf("ReadTensorFile: %v", err)
	}
}
