package passes

import (
	"fmt"

	"github.com/tfc-project/tfc/ir"
)

// builder assembles small graphs for pass tests.
type builder struct {
	g *ir.Graph
	n int
}

func newBuilder() *builder {
	return &builder{g: &ir.Graph{Name: "test", Opsets: map[string]int64{"": 17}}}
}

func (b *builder) input(name string, dims ...int64) *ir.Value {
	v := &ir.Value{Name: name, DType: ir.Float32, Shape: ir.ShapeOf(dims...)}
	b.g.Inputs = append(b.g.Inputs, v)
	return v
}

func (b *builder) constant(t *ir.Tensor) *ir.Value {
	b.n++
	v := &ir.Value{Name: fmt.Sprintf("c%d", b.n), DType: t.DType, Shape: ir.ShapeOf(t.Shape...), Const: t}
	b.g.Initializers = append(b.g.Initializers, v)
	return v
}

func (b *builder) ints(vals ...int64) *ir.Value {
	t, err := ir.FromInt64s(ir.Int64, []int64{int64(len(vals))}, vals)
	if err != nil {
		panic(err)
	}
	return b.constant(t)
}

// op appends a node with one output per name in outs (or one output).
func (b *builder) op(op string, attrs map[string]*ir.Attr, ins ...*ir.Value) *ir.Node {
	b.n++
	n := &ir.Node{Name: fmt.Sprintf("n%d", b.n), Op: op, Version: 17, Inputs: ins, Attrs: attrs}
	n.Outputs = []*ir.Value{{Name: fmt.Sprintf("v%d", b.n), Producer: n}}
	b.g.Nodes = append(b.g.Nodes, n)
	return n
}

// out applies op and returns its first output.
func (b *builder) out(op string, attrs map[string]*ir.Attr, ins ...*ir.Value) *ir.Value {
	return b.op(op, attrs, ins...).Outputs[0]
}

func (b *builder) output(vs ...*ir.Value) *ir.Graph {
	b.g.Outputs = append(b.g.Outputs, vs...)
	return b.g
}

func intsAttr(vals ...int64) *ir.Attr { return &ir.Attr{Kind: ir.AttrInts, Ints: vals} }

func opCounts(g *ir.Graph) map[string]int {
	c := map[string]int{}
	g.Walk(func(_ *ir.Graph, n *ir.Node) { c[n.Op]++ })
	return c
}
