package ir

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// concrete returns a value of dt with a static shape (and contents, for
// an int64 vector given in data).
func concrete(dt DType, shape []int64, data ...int64) *Value {
	v := &Value{Name: "in", DType: dt, Shape: ShapeOf(shape...)}
	if data != nil {
		v.Const = &Tensor{DType: Int64, Shape: shape, Data: data}
	}
	return v
}

// inferNodeGraph is a symbolic graph of the ops a compiled transformer's
// record infers: its nodes are given concrete inputs by the tests.
const inferNodeGraph = `graph g(%x:f32[B,S,64], %qkv:f32[B,S,192], %q4:f32[B,4,S,16], %v4:f32[B,4,T,8], %k3:f32[B,T,64], %v3:f32[B,T,32], %sh:i64[3], %w:f32[64,96]) -> (%r, %l, %p, %a4, %a3, %m, %s) {
  opset "" 17
  opset "ai.tfc" 1
  %r = Reshape %x, %sh
  %l = ai.tfc:Linear %x, %w
  %p = ai.tfc:Attention %qkv {num_heads=4, scale=0.25}
  %a4 = ai.tfc:Attention %q4, %v4, %v4 {num_heads=4, scale=0.25}
  %a3 = ai.tfc:Attention %x, %k3, %v3 {num_heads=4, kv_num_heads=2, scale=0.25}
  %m = MatMul %x, %w
  %s = Shape %x {start=1}
}`

func TestInferNode(t *testing.T) {
	g := mustParse(t, inferNodeGraph)
	before := g.String()
	nodes := map[string]*Node{}
	for _, n := range g.Nodes {
		nodes[n.Outputs[0].Name] = n
	}
	f32, i64 := Float32, Int64
	cases := []struct {
		out    string
		inputs []*Value
		want   string
	}{
		{"r", []*Value{concrete(f32, []int64{2, 5, 64}), concrete(i64, []int64{3}, 0, -1, 16)}, "f32[2,20,16]"},
		{"r", []*Value{concrete(f32, []int64{2, 5, 64}), concrete(i64, []int64{3})}, "f32[?,?,?]"}, // contents unknown
		{"l", []*Value{concrete(f32, []int64{3, 7, 64}), nodes["l"].Inputs[1]}, "f32[3,7,96]"},
		{"m", []*Value{concrete(f32, []int64{1, 128, 64}), nodes["l"].Inputs[1]}, "f32[1,128,96]"},
		{"p", []*Value{concrete(f32, []int64{2, 9, 192})}, "f32[2,9,64]"},
		{"p", []*Value{concrete(f32, []int64{2, 9, 192}), nil, nil, nil}, "f32[2,9,64]"},
		{"a4", []*Value{concrete(f32, []int64{2, 4, 9, 16}), concrete(f32, []int64{2, 4, 11, 8}), concrete(f32, []int64{2, 4, 11, 8})}, "f32[2,4,9,8]"},
		{"a3", []*Value{concrete(f32, []int64{2, 9, 64}), concrete(f32, []int64{2, 11, 64}), concrete(f32, []int64{2, 11, 32})}, "f32[2,9,64]"},
	}
	for _, c := range cases {
		n := nodes[c.out]
		outs, err := InferNode(n, g.Opsets, c.inputs)
		if err != nil {
			t.Fatalf("%s: %v", n.Describe(), err)
		}
		if len(outs) != 1 || outs[0] == nil || outs[0].Name != c.out || outs[0].Producer != nil {
			t.Fatalf("%s: outputs %v, want one fresh value named %q", n.Describe(), outs, c.out)
		}
		if got := typeString(outs[0]); got != c.want {
			t.Errorf("%s on %v: %s, want %s", n.Describe(), c.inputs, got, c.want)
		}
	}
	// Inference knows the contents of a Shape of a static shape.
	outs, err := InferNode(nodes["s"], g.Opsets, []*Value{concrete(f32, []int64{2, 5, 64})})
	if err != nil || typeString(outs[0]) != "i64[2]" || outs[0].Const == nil || fmt.Sprint(outs[0].Const.Data) != "[5 64]" {
		t.Errorf("Shape of [2,5,64] from 1: %v, %v; want i64[2] holding [5 64]", outs, err)
	}
	if outs, _ := InferNode(nodes["s"], g.Opsets, nodes["s"].Inputs); outs[0].Const != nil {
		t.Errorf("Shape of %v: contents %v, want none", nodes["s"].Inputs[0].Shape, outs[0].Const)
	}
	if after := g.String(); after != before {
		t.Errorf("InferNode changed the graph:\n%s\nwant\n%s", after, before)
	}
	// The symbolic graph itself still infers the tfc Attention as unknown
	// (the schema has no rule); InferNode's rule gives symbolic dims too.
	outs, err = InferNode(nodes["p"], g.Opsets, nodes["p"].Inputs)
	if err != nil || typeString(outs[0]) != "f32[B,S,64]" {
		t.Errorf("packed Attention on %v: %v, %v; want f32[B,S,64]", nodes["p"].Inputs[0].Shape, outs, err)
	}
}

func TestInferNodeErrors(t *testing.T) {
	g := mustParse(t, `graph g(%x:f32[2,3]) -> (%y, %z) {
  opset "" 17
  opset "com.example" 1
  %y = com.example:Thing %x
  %z = Reshape %x, %x
}`)
	if _, err := InferNode(g.Nodes[0], g.Opsets, g.Nodes[0].Inputs); err == nil || !strings.Contains(err.Error(), "Thing") {
		t.Errorf("unknown op: error %v, want one naming it", err)
	}
	sh := concrete(Int64, []int64{2}, 4, 4)
	if _, err := InferNode(g.Nodes[1], g.Opsets, []*Value{concrete(Float32, []int64{2, 3}), sh}); err == nil {
		t.Error("Reshape of 6 elements to [4,4]: no error")
	}
	if _, err := InferNode(nil, nil, nil); err == nil {
		t.Error("nil node: no error")
	}
}

// TestInferNodeConcurrent infers one node from many goroutines at once
// (run it with -race): InferNode must only read the graph.
func TestInferNodeConcurrent(t *testing.T) {
	g := mustParse(t, inferNodeGraph)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, n := range g.Nodes {
				ins := make([]*Value, len(n.Inputs))
				for j, v := range n.Inputs {
					ins[j] = v
					if v != nil && v.Const == nil && v.Shape.Ranked {
						shape := make([]int64, len(v.Shape.Dims))
						for k, d := range v.Shape.Dims {
							shape[k] = max(d.Size, int64(i+1))
						}
						ins[j] = concrete(v.DType, shape)
					}
				}
				if _, err := InferNode(n, g.Opsets, ins); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}
