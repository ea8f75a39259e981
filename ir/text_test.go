package ir

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// canonical texts: Parse then Print must give them back unchanged.
var roundTripTexts = []string{
	`graph main(%x:f32[B,128], %mask:i64[B,128]) -> (%y, %a) {
  opset "" 17
  opset "com.microsoft" 1
  doc "a \"test\" graph"
  %w1 = const f32[2,2] [1.0, -2.5, inf, nan]
  %shape = const i64[2] [0, -1]
  %3:f32[B,64] = MatMul %x, %w1
  %y:f32[B,64] = Relu %3 {name="relu1"}
  %a:f32[B,32], _ = Split %y {axis=1, split=[32, 32]}
  %z = com.microsoft:Attention %3, _, %y {num_heads=4}
  %s = Softmax@11 %z {axis=-1}
  () = com.example:Sink %s
}
`,
	`graph (%"odd name":?[2,?,"2N"], %u:u64[2]) -> (%"odd name", %r) {
  opset "" 13
  %b = const bool[3] [true, false, true]
  %h = const f16[2] [0.5, -65504.0]
  %bf = const bf16[] [1.5]
  %big = const u64[1] [18446744073709551615]
  %c = const c64[2] [1.0, -2.0, 0.0, 0.5]
  %q = const i4[3] [-8, 7, -1]
  %s = const string[2] ["a", "\n\x00"]
  %e = const f32[0,3] []
  %u8:u8[?] = const u8[2] [0, 255]
  %r:seq<f32> = SequenceConstruct %"odd name"
}
`,
	`graph attrs(%c:bool[], %x:f32[2]) -> (%r) {
  opset "" 18
  %r:f32[2] = If %c {
    name="if1",
    else_branch=graph else() -> (%e) {
      %e = Neg %x
    },
    empty=ints [],
    fl=[1.0, 2.5e-07],
    gs=[graph g1() -> (%x) {
    }, graph g2() -> () {
      opset "" 11
    }],
    "name"=7,
    s="x",
    sp=sparse_tensor f32[3] [0.0, 1.0, 0.0],
    strs=["a", "b"],
    t=i64[2] [1, 2],
    then_branch=graph then() -> (%t) {
      %t = Abs %x
    },
    tp=type_proto seq<f32[2]>,
    tps=type_protos [f32, ?],
    ts=[f32[] [1.0], i8[1] [-1]],
  }
}
`,
}

func TestTextRoundTrip(t *testing.T) {
	for i, text := range roundTripTexts {
		g, err := Parse(text)
		if err != nil {
			t.Errorf("text %d: %v", i, err)
			continue
		}
		if got := Print(g); got != text {
			t.Errorf("text %d printed differently:\n%s\nwant:\n%s", i, got, text)
		}
	}
}

// TestParseBuilds checks the graph Parse builds from the first text.
func TestParseBuilds(t *testing.T) {
	g, err := Parse(roundTripTexts[0])
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "main" || len(g.Inputs) != 2 || len(g.Outputs) != 2 || len(g.Nodes) != 6 || len(g.Initializers) != 2 {
		t.Fatalf("graph %q: %d inputs, %d outputs, %d nodes, %d initializers", g.Name, len(g.Inputs), len(g.Outputs), len(g.Nodes), len(g.Initializers))
	}
	if g.Opsets[""] != 17 || g.Opsets["com.microsoft"] != 1 || g.Doc != `a "test" graph` {
		t.Errorf("opsets %v, doc %q", g.Opsets, g.Doc)
	}
	x := g.Inputs[0]
	if x.DType != Float32 || !x.Shape.Equal(Shape{Ranked: true, Dims: []Dim{Symbol("B"), Fixed(128)}}) {
		t.Errorf("input x: %v %v", x.DType, x.Shape)
	}
	w := g.Initializers[0].Const
	f := w.Data.([]float32)
	if w.DType != Float32 || len(w.Shape) != 2 || f[0] != 1 || f[1] != -2.5 || !math.IsInf(float64(f[2]), 1) || !math.IsNaN(float64(f[3])) {
		t.Errorf("constant w1 = %v", w)
	}
	mm, relu, split, attn, sm, sink := g.Nodes[0], g.Nodes[1], g.Nodes[2], g.Nodes[3], g.Nodes[4], g.Nodes[5]
	if mm.Op != "MatMul" || mm.Version != 13 || mm.Inputs[1] != g.Initializers[0] || mm.Outputs[0].Producer != mm {
		t.Errorf("MatMul node: %+v", mm)
	}
	if relu.Name != "relu1" || relu.Inputs[0] != mm.Outputs[0] || g.Outputs[0] != relu.Outputs[0] {
		t.Errorf("Relu node: %+v", relu)
	}
	if split.Outputs[1] != nil || split.AttrInt("axis", 0) != 1 || split.Version != 13 {
		t.Errorf("Split node: %+v", split)
	}
	if attn.Domain != "com.microsoft" || attn.Version != 1 || attn.Inputs[1] != nil || attn.AttrInt("num_heads", 0) != 4 {
		t.Errorf("Attention node: %+v", attn)
	}
	if sm.Version != 11 || sink.Domain != "com.example" || sink.Version != 0 || len(sink.Outputs) != 0 {
		t.Errorf("Softmax %+v, Sink %+v", sm, sink)
	}
}

func TestParseTensorTypes(t *testing.T) {
	g, err := Parse(roundTripTexts[1])
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Tensor{}
	for _, c := range g.Initializers {
		byName[c.Name] = c.Const
	}
	if h := byName["h"].Data.([]uint16); h[0] != 0x3800 || h[1] != 0xfbff {
		t.Errorf("f16 bits %x, want 3800 fbff", h)
	}
	if bf := byName["bf"].Data.([]uint16); bf[0] != 0x3fc0 {
		t.Errorf("bf16 bits %x, want 3fc0", bf)
	}
	if u := byName["big"].Data.([]uint64); u[0] != math.MaxUint64 {
		t.Errorf("u64 %v", u)
	}
	if c := byName["c"].Data.([]complex64); c[0] != complex(1, -2) || c[1] != complex(0, 0.5) {
		t.Errorf("c64 %v", c)
	}
	if q := byName["q"].Int64s(); q[0] != -8 || q[1] != 7 || q[2] != -1 {
		t.Errorf("i4 %v", q)
	}
	if s := byName["s"].Data.([]string); s[1] != "\n\x00" {
		t.Errorf("strings %q", s)
	}
	in := g.Inputs[0]
	if in.Name != "odd name" || in.DType != Undefined || in.Shape.Dims[1] != UnknownDim || in.Shape.Dims[2] != Symbol("2N") {
		t.Errorf("input %q: %v %v", in.Name, in.DType, in.Shape)
	}
	if r := g.Nodes[0].Outputs[0]; r.Kind != SequenceValue || r.DType != Float32 {
		t.Errorf("sequence output kind %v dtype %v", r.Kind, r.DType)
	}
}

func TestPrintGraphBuiltInGo(t *testing.T) {
	x := &Value{Name: "x", DType: Float32, Shape: Shape{Ranked: true, Dims: []Dim{Symbol("N"), Fixed(4)}}}
	big := &Value{Name: "w", DType: Float32, Shape: ShapeOf(100), Const: MustTensor(Float32, []int64{100})}
	n := &Node{Name: "add", Op: "Add", Version: 14, Inputs: []*Value{x, x}}
	y := &Value{Name: "y", Producer: n}
	n.Outputs = []*Value{y}
	g := &Graph{Name: "g", Inputs: []*Value{x}, Outputs: []*Value{y}, Initializers: []*Value{big},
		Nodes: []*Node{n}, Opsets: map[string]int64{"": 14}}
	want := `graph g(%x:f32[N,4]) -> (%y) {
  opset "" 14
  %w = const f32[100] <elided sha256:` + TensorHash(big.Const) + `>
  %y = Add %x, %x {name="add"}
}
`
	if got := g.String(); got != want {
		t.Errorf("printed:\n%s\nwant:\n%s", got, want)
	}
	if _, err := Parse(want); err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "elided") {
		t.Errorf("parsing elided data: %v", err)
	}
	if h := TensorHash(big.Const); len(h) != 16 || h == TensorHash(MustTensor(Float32, []int64{101})) {
		t.Errorf("hash %q", h)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ text, want string }{
		{"graph g() -> (%y) {\n}", "line 1 col 15: graph output %y is not defined"},
		{"graph g(%x) -> () {\n  %y = Relu %z\n}", "line 2 col 13: %z is not defined"},
		{"graph g(%x) -> () {\n  %x = Relu %x\n}", "line 2 col 3: %x is defined twice"},
		{"graph g() -> () {\n  %c = const f32[2] [1.0]\n}", "needs 2 elements, found 1"},
		{"graph g() -> () {\n  %c = const i8[1] [x]\n}", "bad i8 element"},
		{"graph g() -> () {\n  %c = const f32[B] [1.0]\n}", "not static"},
		{"graph g() -> () {\n  %y = Relu {a=1, a=2}\n}", "attribute a given twice"},
		{"graph g() -> () {\n  %y = Relu {a=}\n}", "expected an attribute value"},
		{"graph g(%x:f99) -> () {\n}", "unknown element type"},
		{"graph g(%x) -> () {\n  %y = Relu %x %z\n}", "line 2 col 16: expected the end of the line, found %z"},
		{"graph g() -> () {\n  opset \"\" 13 extra\n}", "expected the end of the line"},
		{"graph g() -> () {\n", "missing }"},
		{"graph g() -> () {\n  doc \"unterminated\n}", "newline in string"},
		{"graph g() -> () {\n} trailing", "after the graph"},
		{"graph g() -> () {\n  %c = const f32[999999999,999999999] []\n}", "elements"},
	}
	for _, c := range cases {
		_, err := Parse(c.text)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) error = %v, want %q", c.text, err, c.want)
		}
	}
}

// TestPrintNeverPanics prints broken graphs.
func TestPrintNeverPanics(t *testing.T) {
	g := &Graph{Nodes: []*Node{nil, {Op: "Foo", Inputs: []*Value{nil}, Outputs: []*Value{nil},
		Attrs: map[string]*Attr{"a": nil, "t": {Kind: AttrTensor}, "g": {Kind: AttrGraph}}}}, Initializers: []*Value{nil}}
	if s := Print(g); !strings.Contains(s, "# nil node") {
		t.Errorf("printed %s", s)
	}
}

// FuzzParse checks that whatever parses prints back to text that parses
// to the same graph, and that Verify and InferShapes do not panic on it.
func FuzzParse(f *testing.F) {
	for _, s := range roundTripTexts {
		f.Add(s)
	}
	for _, c := range inferCases {
		f.Add(fmt.Sprintf("graph g(%s) -> () {\n  opset \"\" %s\n  %s\n}", c.inputs, c.opset, c.body))
	}
	f.Fuzz(func(t *testing.T, text string) {
		g, err := Parse(text)
		if err != nil {
			return
		}
		_ = Verify(g)
		_ = InferShapes(g)
		again, err := Parse(Print(g))
		if err != nil {
			t.Fatalf("printed graph does not parse: %v\n%s", err, Print(g))
		}
		if Print(again) != Print(g) {
			t.Fatalf("print is not stable:\n%s\n%s", Print(g), Print(again))
		}
	})
}
