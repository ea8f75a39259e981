package importer

import (
	"container/heap"
	"errors"
	"fmt"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// scope maps value names to values for one graph; lookups fall back to the
// enclosing graphs and record the outer values a graph captures.
type scope struct {
	parent   *scope
	vals     map[string]*ir.Value
	captured []*ir.Value
	seen     map[*ir.Value]bool
}

func newScope(parent *scope) *scope {
	return &scope{parent: parent, vals: map[string]*ir.Value{}, seen: map[*ir.Value]bool{}}
}

// lookup finds a value by name here or in an enclosing scope.
func (s *scope) lookup(name string) *ir.Value {
	if v, ok := s.vals[name]; ok {
		return v
	}
	if s.parent == nil {
		return nil
	}
	v := s.parent.lookup(name)
	if v != nil && !s.seen[v] {
		s.seen[v] = true
		s.captured = append(s.captured, v)
	}
	return v
}

// define adds a value; a name may be defined once per graph.
func (s *scope) define(v *ir.Value) error {
	if _, dup := s.vals[v.Name]; dup {
		return fmt.Errorf("value %q is defined more than once", v.Name)
	}
	s.vals[v.Name] = v
	return nil
}

// constValue makes the constant value holding t.
func constValue(name string, t *ir.Tensor) *ir.Value {
	return &ir.Value{Name: name, DType: t.DType, Shape: ir.ShapeOf(t.Shape...), Const: t}
}

// pending is a node whose outputs exist but whose inputs and attributes are
// not resolved yet.
type pending struct {
	n   *ir.Node
	p   *onnxpb.NodeProto
	ctx nodeCtx
}

// graph imports one graph. parent is the scope of the enclosing graph (nil
// for the main graph). It returns the graph and the outer values it reads.
func (d *decoder) graph(gp *onnxpb.GraphProto, parent *scope, ctx nodeCtx) (*ir.Graph, []*ir.Value, error) {
	g, s, err := d.graphBody(gp, parent, ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("graph %q: %w", gp.GetName(), err)
	}
	return g, s.captured, nil
}

func (d *decoder) graphBody(gp *onnxpb.GraphProto, parent *scope, ctx nodeCtx) (*ir.Graph, *scope, error) {
	g := &ir.Graph{Name: gp.GetName(), Doc: gp.GetDocString(), Opsets: d.opsets}
	s := newScope(parent)
	if err := d.initializers(gp, g, s); err != nil {
		return nil, nil, err
	}
	if err := inputs(gp, g, s); err != nil {
		return nil, nil, err
	}
	types := map[string]*onnxpb.TypeProto{}
	for _, vi := range gp.GetValueInfo() {
		types[vi.GetName()] = vi.GetType()
	}
	for _, vi := range gp.GetOutput() {
		if vi.GetType() != nil {
			types[vi.GetName()] = vi.GetType()
		}
	}
	nodes, err := d.expand(gp.GetNode(), ctx)
	if err != nil {
		return nil, nil, err
	}
	var todo []pending
	for _, en := range nodes {
		n, err := d.declareNode(en, g, s, types)
		if err != nil {
			return nil, nil, fmt.Errorf("node %s: %w", describe(en.p), err)
		}
		if n != nil {
			todo = append(todo, pending{n, en.p, en.ctx})
		}
	}
	deps := make([][]*ir.Value, len(todo))
	for i, pn := range todo {
		captured, err := d.resolveNode(pn, s)
		if err != nil {
			return nil, nil, fmt.Errorf("node %s: %w", pn.n.Describe(), err)
		}
		deps[i] = append(append([]*ir.Value{}, pn.n.Inputs...), captured...)
		g.Nodes = append(g.Nodes, pn.n)
	}
	if g.Nodes, err = topoSort(g.Nodes, deps); err != nil {
		return nil, nil, err
	}
	for _, vi := range gp.GetOutput() {
		v := s.lookup(vi.GetName())
		if v == nil {
			return nil, nil, fmt.Errorf("output %q is not a graph input, initializer or node output", vi.GetName())
		}
		g.Outputs = append(g.Outputs, v)
	}
	return g, s, nil
}

// describe names a node proto for errors before it is imported.
func describe(p *onnxpb.NodeProto) string {
	n := ir.Node{Name: p.GetName(), Op: p.GetOpType(), Domain: normDomain(p.GetDomain())}
	return n.Describe()
}

// initializers decodes the dense and sparse initializers of gp.
func (d *decoder) initializers(gp *onnxpb.GraphProto, g *ir.Graph, s *scope) error {
	add := func(name string, t *ir.Tensor) error {
		if name == "" {
			return errors.New("initializer without a name")
		}
		v := constValue(name, t)
		g.Initializers = append(g.Initializers, v)
		return s.define(v)
	}
	for _, tp := range gp.GetInitializer() {
		t, err := tensorFromProto(tp, d.dir)
		if err != nil {
			return fmt.Errorf("initializer: %w", err)
		}
		if err := add(tp.GetName(), t); err != nil {
			return err
		}
	}
	for _, sp := range gp.GetSparseInitializer() {
		t, err := sparseToDense(sp, d.dir, &d.denseLeft)
		if err != nil {
			return fmt.Errorf("sparse initializer: %w", err)
		}
		if err := add(sp.GetValues().GetName(), t); err != nil {
			return err
		}
	}
	return nil
}

// inputs declares the graph inputs; an input that is also an initializer
// is that initializer's value.
func inputs(gp *onnxpb.GraphProto, g *ir.Graph, s *scope) error {
	isInput := map[string]bool{}
	for _, vi := range gp.GetInput() {
		name := vi.GetName()
		if name == "" {
			return errors.New("graph input without a name")
		}
		if isInput[name] {
			return fmt.Errorf("input %q is listed twice", name)
		}
		isInput[name] = true
		if v := s.vals[name]; v != nil {
			g.Inputs = append(g.Inputs, v) // an initializer: a default the caller may override
			continue
		}
		v := &ir.Value{Name: name}
		if err := setType(v, vi.GetType()); err != nil {
			return fmt.Errorf("input %q: %w", name, err)
		}
		if err := s.define(v); err != nil {
			return err
		}
		g.Inputs = append(g.Inputs, v)
	}
	return nil
}

// declareNode creates a node and its output values, or, for a Constant
// node, the constant value it stands for (returning a nil node).
func (d *decoder) declareNode(en expNode, g *ir.Graph, s *scope, types map[string]*onnxpb.TypeProto) (*ir.Node, error) {
	p := en.p
	domain, op := normDomain(p.GetDomain()), p.GetOpType()
	if op == "" {
		return nil, errors.New("node has no op_type")
	}
	opset := en.ctx.opsets[domain]
	version, ok := sinceVersion(domain, op, opset)
	if !ok {
		d.unsupported.add(domain, op, opset, p.GetName())
	}
	if ok && domain == "" && op == "Constant" {
		v, err := d.constant(p)
		if err != nil || v == nil {
			return nil, err
		}
		g.Initializers = append(g.Initializers, v)
		return nil, s.define(v)
	}
	n := &ir.Node{Name: p.GetName(), Op: op, Domain: domain, Version: version}
	for _, name := range p.GetOutput() {
		if name == "" {
			n.Outputs = append(n.Outputs, nil)
			continue
		}
		v := &ir.Value{Name: name, Producer: n}
		if err := setType(v, types[name]); err != nil {
			return nil, fmt.Errorf("output %q: %w", name, err)
		}
		if err := s.define(v); err != nil {
			return nil, err
		}
		n.Outputs = append(n.Outputs, v)
	}
	return n, nil
}

// resolveNode looks up the node's inputs and imports its attributes. It
// returns the outer values its subgraphs read.
func (d *decoder) resolveNode(pn pending, s *scope) ([]*ir.Value, error) {
	for _, name := range pn.p.GetInput() {
		if name == "" {
			pn.n.Inputs = append(pn.n.Inputs, nil)
			continue
		}
		v := s.lookup(name)
		if v == nil {
			return nil, fmt.Errorf("input %q is not a graph input, initializer or node output (in this graph or an enclosing one)", name)
		}
		pn.n.Inputs = append(pn.n.Inputs, v)
	}
	attrs, captured, err := d.attrs(pn.p, s, pn.ctx)
	pn.n.Attrs = attrs
	return captured, err
}

// topoSort orders nodes so that each comes after the producers of the
// values it reads (deps[i] for nodes[i]), keeping the file order where it
// already is topological.
func topoSort(nodes []*ir.Node, deps [][]*ir.Value) ([]*ir.Node, error) {
	index := make(map[*ir.Node]int, len(nodes))
	for i, n := range nodes {
		index[n] = i
	}
	users := make([][]int, len(nodes))
	waiting := make([]int, len(nodes))
	sorted := true
	for i, ds := range deps {
		for _, v := range ds {
			if v == nil || v.Producer == nil {
				continue
			}
			if j, ok := index[v.Producer]; ok {
				users[j] = append(users[j], i)
				waiting[i]++
				sorted = sorted && j < i
			}
		}
	}
	if sorted {
		return nodes, nil
	}
	ready := &intHeap{}
	for i, w := range waiting {
		if w == 0 {
			heap.Push(ready, i)
		}
	}
	out := make([]*ir.Node, 0, len(nodes))
	for ready.Len() > 0 {
		i := heap.Pop(ready).(int)
		out = append(out, nodes[i])
		for _, u := range users[i] {
			if waiting[u]--; waiting[u] == 0 {
				heap.Push(ready, u)
			}
		}
	}
	if len(out) == len(nodes) {
		return out, nil
	}
	return nil, cycleError(nodes, deps, index, waiting)
}

// cycleError walks back from a node that never became ready, through
// producers that never did either, until it comes round, and names the
// node and value where the cycle closes.
func cycleError(nodes []*ir.Node, deps [][]*ir.Value, index map[*ir.Node]int, waiting []int) error {
	blocked := func(v *ir.Value) (int, bool) {
		if v == nil || v.Producer == nil {
			return 0, false
		}
		j, ok := index[v.Producer]
		return j, ok && waiting[j] > 0
	}
	i := 0
	for waiting[i] == 0 {
		i++
	}
	visited := map[int]bool{}
	for !visited[i] {
		visited[i] = true
		for _, v := range deps[i] {
			if j, ok := blocked(v); ok {
				if visited[j] {
					return fmt.Errorf("nodes form a cycle: node %s reads %q, which depends on that node's own outputs",
						nodes[i].Describe(), v.Name)
				}
				i = j
				break
			}
		}
	}
	return fmt.Errorf("nodes form a cycle through node %s", nodes[i].Describe())
}

// intHeap is a min-heap of node indices.
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
