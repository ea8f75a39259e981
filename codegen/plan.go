// Package codegen lowers an optimized ir.Graph to a Plan: a linear schedule
// of kernel calls, each with the kernel chosen for the target, and a memory
// plan placing every intermediate tensor at an offset in one arena. It also
// writes and reads the versioned .tfc artifact that holds a Plan and its
// weights (see FORMAT.md).
package codegen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/ir"
)

// Plan is a compiled model: the optimized graph, whose nodes are the
// schedule, and one Step per node naming the kernel that runs it.
type Plan struct {
	// Graph is the optimized graph; its initializers are the weights.
	Graph *ir.Graph
	// Steps has one entry per node of Graph.Nodes, in order.
	Steps []Step
	// Values numbers the graph's top-level values (see Values); value ids
	// index it.
	Values []*ir.Value
	ids    map[*ir.Value]int
	// Interpreted, when not empty, says why the plan must run through the
	// reference interpreter as a whole (e.g. a nested graph reads values of
	// its enclosing graph, which single-node kernels cannot see).
	Interpreted string
	// Memory is the memory plan when every shape is static (the model was
	// compiled for fixed input shapes); nil otherwise, and the executor plans
	// each new input-shape signature when it first sees it.
	Memory *MemPlan
	// Packed lists the constant GEMM operands packed at compile time for
	// the target's kernels (see PackedWeight), in schedule order.
	Packed   []*PackedWeight
	packedOf map[*ir.Tensor]*PackedWeight // first entry per weight
}

// Step is one kernel call of the schedule.
type Step struct {
	Node *ir.Node
	// Kernel names the kernel: "<target>:<op>" for a kernel of the target,
	// "ref:<op>" for the reference kernel (its output is copied into the arena).
	Kernel string
}

// RefPrefix starts the kernel name of a step that runs the reference kernel.
const RefPrefix = "ref:"

// Target is what lowering needs to know about the machine that will run
// the plan: its name and which nodes it has a kernel of its own for.
type Target interface {
	Name() string
	Has(n *ir.Node) bool
}

// Options control Lower.
type Options struct {
	// Target chooses kernels; nil lowers every node to its reference kernel.
	Target Target
	// Shapes fixes graph inputs' shapes (by input name) at compile time,
	// replacing their symbolic dims; shapes are then inferred through the graph.
	Shapes map[string][]int64
}

// Lower turns an optimized graph into a Plan. g is owned by the plan
// afterwards (Shapes rewrites its input shapes in place).
func Lower(g *ir.Graph, opts Options) (*Plan, error) {
	if err := exec.NewInterpreter().Check(g); err != nil {
		return nil, fmt.Errorf("lower %q: %w", g.Name, err)
	}
	if err := specialize(g, opts.Shapes); err != nil {
		return nil, err
	}
	p := &Plan{Graph: g, Interpreted: outerReads(g)}
	for _, n := range g.Nodes {
		k := RefPrefix + n.QualifiedOp()
		if opts.Target != nil && p.Interpreted == "" && opts.Target.Has(n) {
			k = opts.Target.Name() + ":" + n.QualifiedOp()
		}
		p.Steps = append(p.Steps, Step{Node: n, Kernel: k})
	}
	p.index()
	if pk, ok := opts.Target.(Prepacker); ok && p.Interpreted == "" {
		if err := pk.Prepack(p); err != nil {
			return nil, fmt.Errorf("lower %q: packing weights: %w", g.Name, err)
		}
	}
	if p.Interpreted == "" && len(opts.Shapes) > 0 {
		shapes, ok := StaticShapes(g)
		if !ok {
			shapes, ok = traceShapes(p, opts.Shapes)
		}
		if ok {
			p.Memory = PlanMemory(p, shapes)
		}
	}
	return p, nil
}

// index numbers the plan's values.
func (p *Plan) index() {
	p.Values = Values(p.Graph)
	p.ids = make(map[*ir.Value]int, len(p.Values))
	for i, v := range p.Values {
		p.ids[v] = i
	}
}

// ValueID returns v's index in p.Values, or -1 when v is not a top-level
// value of the plan's graph.
func (p *Plan) ValueID(v *ir.Value) int {
	if id, ok := p.ids[v]; ok {
		return id
	}
	return -1
}

// specialize fixes the named inputs' shapes and reinfers shapes.
func specialize(g *ir.Graph, shapes map[string][]int64) error {
	if len(shapes) == 0 {
		return nil
	}
	byName := map[string]*ir.Value{}
	for _, v := range g.Inputs {
		byName[v.Name] = v
	}
	names := make([]string, 0, len(shapes))
	for name := range shapes {
		names = append(names, name)
	}
	sort.Strings(names)
	bound := map[string]int64{}
	for _, name := range names {
		v, ok := byName[name]
		if !ok {
			return fmt.Errorf("--shape %s: the model has no input %q", name, name)
		}
		dims := shapes[name]
		if _, err := ir.NumElements(dims); err != nil {
			return fmt.Errorf("--shape %s: %w", name, err)
		}
		if v.Shape.Ranked && len(v.Shape.Dims) != len(dims) {
			return fmt.Errorf("--shape %s: rank %d, input has rank %d (%v)", name, len(dims), len(v.Shape.Dims), v.Shape)
		}
		for i, d := range v.Shape.Dims {
			switch {
			case d.Known() && d.Size != dims[i]:
				return fmt.Errorf("--shape %s: dim %d is %d, input declares %d", name, i, dims[i], d.Size)
			case d.Param != "":
				if prev, ok := bound[d.Param]; ok && prev != dims[i] {
					return fmt.Errorf("--shape %s: dim %d (%s) is %d, but %s is %d elsewhere", name, i, d.Param, dims[i], d.Param, prev)
				}
				bound[d.Param] = dims[i]
			}
		}
	}
	// Symbols bound by the fixed input shapes become sizes everywhere, so
	// that inference sees consistent dims.
	for _, v := range Values(g) {
		for i, d := range v.Shape.Dims {
			if size, ok := bound[d.Param]; ok && d.Param != "" {
				v.Shape.Dims[i] = ir.Fixed(size)
			}
		}
	}
	for _, name := range names {
		byName[name].Shape = ir.ShapeOf(shapes[name]...)
	}
	if err := ir.InferShapes(g); err != nil {
		return fmt.Errorf("shape inference with fixed input shapes: %w", err)
	}
	return nil
}

// StaticShapes returns the concrete shape of every value of g (indexed as
// Values(g)) when all are known.
func StaticShapes(g *ir.Graph) ([][]int64, bool) {
	vals := Values(g)
	shapes := make([][]int64, len(vals))
	for i, v := range vals {
		switch {
		case v.Const != nil:
			shapes[i] = v.Const.Shape
		case v.Kind != ir.TensorValue || !v.Shape.Static():
			return nil, false
		default:
			shapes[i] = v.Shape.Sizes()
		}
	}
	return shapes, true
}

// Values numbers the values of g's top level: graph inputs, then
// initializers that are not inputs, then node outputs in schedule order.
// Value ids throughout codegen and the executor index this slice.
func Values(g *ir.Graph) []*ir.Value {
	seen := map[*ir.Value]bool{}
	var vals []*ir.Value
	add := func(v *ir.Value) {
		if v != nil && !seen[v] {
			seen[v] = true
			vals = append(vals, v)
		}
	}
	for _, v := range g.Inputs {
		add(v)
	}
	for _, v := range g.Initializers {
		add(v)
	}
	for _, n := range g.Nodes {
		for _, v := range n.Inputs {
			if v != nil && v.Producer == nil {
				add(v) // a constant not listed among the initializers
			}
		}
		for _, v := range n.Outputs {
			add(v)
		}
	}
	return vals
}

// outerReads says why g cannot run node by node: some nested graph reads a
// computed value of an enclosing graph. It returns "" when none does.
func outerReads(g *ir.Graph) string {
	var bad []string
	for _, n := range g.Nodes {
		for _, a := range n.Attrs {
			sub := append([]*ir.Graph{}, a.Graphs...)
			if a.Graph != nil {
				sub = append(sub, a.Graph)
			}
			for _, sg := range sub {
				if readsOuter(sg) {
					bad = append(bad, n.Describe())
				}
			}
		}
	}
	if len(bad) == 0 {
		return ""
	}
	return "nested graphs of " + strings.Join(bad, ", ") + " read values of the enclosing graph"
}

// readsOuter reports whether sg (or a graph nested in it) reads a
// non-constant value it does not define.
func readsOuter(sg *ir.Graph) bool {
	defined := map[*ir.Value]bool{}
	outer := false
	var visit func(g *ir.Graph)
	visit = func(g *ir.Graph) {
		for _, v := range g.Inputs {
			defined[v] = true
		}
		for _, n := range g.Nodes {
			for _, v := range n.Inputs {
				if v != nil && v.Const == nil && !defined[v] {
					outer = true
				}
			}
			for _, a := range n.Attrs {
				if a.Graph != nil {
					visit(a.Graph)
				}
				for _, s := range a.Graphs {
					visit(s)
				}
			}
			for _, v := range n.Outputs {
				defined[v] = true
			}
		}
		for _, v := range g.Outputs {
			if v != nil && v.Const == nil && !defined[v] {
				outer = true
			}
		}
	}
	visit(sg)
	return outer
}

// traceShapes finds every value's shape by running the reference kernels on
// zero-filled inputs of the given shapes, for graphs whose shapes inference
// cannot resolve statically. It fails when an input has no given shape.
func traceShapes(p *Plan, inputShapes map[string][]int64) ([][]int64, bool) {
	interp := exec.NewInterpreter()
	vals := make([]*ir.Tensor, len(p.Values))
	for id, v := range p.Values {
		vals[id] = v.Const
	}
	for _, v := range p.Graph.Inputs {
		shape, ok := inputShapes[v.Name]
		if !ok {
			if v.Const != nil {
				continue
			}
			return nil, false
		}
		t, err := ir.NewTensor(v.DType, shape)
		if err != nil {
			return nil, false
		}
		vals[p.ValueID(v)] = t
	}
	for _, s := range p.Steps {
		ins := make([]*ir.Tensor, len(s.Node.Inputs))
		for i, v := range s.Node.Inputs {
			if id := p.ValueID(v); id >= 0 {
				ins[i] = vals[id]
			}
		}
		outs, err := interp.RunNode(s.Node, ins)
		if err != nil {
			return nil, false
		}
		for i, v := range s.Node.Outputs {
			if id := p.ValueID(v); id >= 0 && i < len(outs) {
				vals[id] = outs[i]
			}
		}
	}
	shapes := make([][]int64, len(vals))
	for id, t := range vals {
		if t != nil {
			shapes[id] = t.Shape
		}
	}
	return shapes, true
}
