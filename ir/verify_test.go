package ir

import (
	"strings"
	"testing"
)

func mustParse(t *testing.T, text string) *Graph {
	t.Helper()
	g, err := Parse(text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	return g
}

func TestVerifyAcceptsValidGraph(t *testing.T) {
	g := mustParse(t, `graph g(%c:bool[], %x:f32[2,3]) -> (%r) {
  opset "" 17
  %w = const f32[3,4] [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0]
  %m:f32[2,4] = MatMul %x, %w
  %r:f32[2,4] = If %c {
    else_branch=graph e() -> (%n) {
      %n = Neg %m
    },
    then_branch=graph t() -> (%m) {
    },
  }
  %u = com.example:Anything %r, _ {whatever=1}
}`)
	if err := Verify(g); err != nil {
		t.Fatal(err)
	}
}

// Each case states a broken graph and a fragment of the problem Verify reports.
func TestVerifyReportsSchemaProblems(t *testing.T) {
	cases := []struct{ body, want string }{
		{`%y = Relu %x, %x`, `Relu (unnamed): has 2 inputs, want 1`},
		{`%y = Relu %x {name="r", alpha=1.0}`, `Relu "r": unknown attribute alpha`},
		{`%y = Softmax %x {axis=1.0}`, `attribute axis is float, want int`},
		{`%y = Cast %x`, `required attribute to is missing`},
		{`%y = Gemm %x, _`, `required input 1 (B) is omitted`},
		{`%y = NoSuchOp %x`, `unknown operator NoSuchOp`},
		{`%y = LayerNormalization@16 %x, %x`, `not defined at opset 16`},
		{`%y = Softmax@12 %x`, `version 12 is not a version of the op (the definition in force then is from version 11)`},
		{`%y = Add %x, %i`, `inputs %x (f32) and %i (i64) must have the same type T`},
		{`%y = Sqrt %i`, `input 0 (%i) is i64, which type T does not allow`},
		{`%y = Reshape %x, %x`, `input 1 (%x) is f32, want i64`},
		{`%y:i32[2,3] = Relu %x`, `output %y is declared i32 but infers as f32`},
		{`%y:f32[3,3] = Relu %x`, `Relu (unnamed): output %y is declared [3,3] but infers as [2,3]`},
		{`%y = Add %x, %v`, `Add (unnamed): shapes [2,3] and [4] cannot be broadcast`},
		{`%y = ai.tfc:Nope %x`, `unknown operator ai.tfc:Nope`},
	}
	for _, c := range cases {
		text := "graph g(%x:f32[2,3], %i:i64[2,3], %v:f32[4]) -> () {\n  opset \"\" 17\n  " + c.body + "\n}"
		err := Verify(mustParse(t, text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.body, err, c.want)
		}
	}
}

func TestVerifyReportsStructureProblems(t *testing.T) {
	x := &Value{Name: "x", DType: Float32, Shape: ShapeOf(2)}
	a := &Node{Op: "Relu", Version: 14, Inputs: []*Value{nil}}
	b := &Node{Name: "b", Op: "Neg", Version: 13}
	ya := &Value{Name: "y", Producer: a}
	yb := &Value{Name: "yb", Producer: b}
	a.Outputs, b.Outputs = []*Value{ya}, []*Value{yb}
	a.Inputs[0] = yb // used before b computes it
	stray := &Value{Name: "stray"}
	dup := &Node{Op: "Identity", Version: 16, Inputs: []*Value{x}, Outputs: []*Value{ya}}
	named := &Node{Op: "Identity", Version: 16, Inputs: []*Value{x}, Outputs: []*Value{{Name: "x"}}}
	b.Inputs = []*Value{x}
	g := &Graph{Name: "g", Inputs: []*Value{x, nil}, Outputs: []*Value{yb, stray, nil},
		Nodes: []*Node{a, b, dup, nil, named}, Initializers: []*Value{{Name: "c"}}, Opsets: map[string]int64{"": 17}}
	err := Verify(g)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`graph g: graph input 1 is nil`,
		`graph g: initializer %c has no data`,
		`graph g: Relu (unnamed): input 0 (%yb) is not defined before the node`,
		`Identity (unnamed): value %y is defined twice`,
		`Identity (unnamed): output %y does not name the node as its producer`,
		`graph g: node 3 is nil`,
		`Identity (unnamed): two values are named %x`,
		`graph g: graph output %stray is not defined`,
		`graph g: graph output 2 is nil`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

func TestVerifyNestedScopes(t *testing.T) {
	g := mustParse(t, `graph g(%c:bool[], %x:f32[2]) -> (%r) {
  opset "" 17
  %r = If %c {
    else_branch=graph e() -> (%n) {
      %n = Neg %x
    },
    then_branch=graph t() -> (%n2) {
      %n2 = Neg %x
    },
  }
}`)
	// Make the then-branch read the If's own output: not visible inside it.
	then := g.Nodes[0].Attrs["then_branch"].Graph
	then.Nodes[0].Inputs[0] = g.Nodes[0].Outputs[0]
	err := Verify(g)
	if err == nil || !strings.Contains(err.Error(), `then_branch graph t: Neg (unnamed): input 0 (%r) is not defined before the node`) {
		t.Errorf("got %v", err)
	}
}

func TestVerifyCapsItsMessage(t *testing.T) {
	var b strings.Builder
	b.WriteString("graph g(%x:f32[2]) -> () {\n  opset \"\" 17\n")
	for i := 0; i < 50; i++ {
		b.WriteString("  %y" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + " = Relu %x {bad=1}\n")
	}
	b.WriteString("}")
	err := Verify(mustParse(t, b.String()))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxVerifyLines+1 || !strings.HasPrefix(lines[0], "verify: 50 problem(s)") || !strings.Contains(lines[len(lines)-1], "and 31 more problems") {
		t.Errorf("%d lines:\n%v", len(lines), err)
	}
}
