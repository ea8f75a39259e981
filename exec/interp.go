// Package exec runs graphs. The Interpreter here is the reference: it walks
// an ir.Graph node by node with simple, obviously correct kernels, and every
// optimized or compiled run is compared against it.
package exec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/exec/ops/control"
	"github.com/tfc-project/tfc/exec/ops/elementwise"
	"github.com/tfc-project/tfc/exec/ops/fused"
	"github.com/tfc-project/tfc/exec/ops/misc"
	"github.com/tfc-project/tfc/exec/ops/movement"
	"github.com/tfc-project/tfc/exec/ops/nn"
	"github.com/tfc-project/tfc/exec/ops/reduce"
	"github.com/tfc-project/tfc/ir"
)

// ReferenceKernels returns a fresh registry holding every reference kernel.
func ReferenceKernels() kernel.Registry {
	r := kernel.Registry{}
	elementwise.Register(r)
	nn.Register(r)
	movement.Register(r)
	reduce.Register(r)
	control.Register(r)
	misc.Register(r)
	fused.Register(r)
	return r
}

// Interpreter runs graphs with a kernel registry.
type Interpreter struct {
	kernels kernel.Registry
}

// NewInterpreter returns an interpreter over the reference kernels.
func NewInterpreter() *Interpreter { return NewInterpreterWith(ReferenceKernels()) }

// NewInterpreterWith returns an interpreter over the given kernels (tests
// use it to swap in deliberately broken kernels).
func NewInterpreterWith(kernels kernel.Registry) *Interpreter { return &Interpreter{kernels: kernels} }

// Supports reports whether the interpreter has a kernel for op in domain.
func (it *Interpreter) Supports(domain, op string) bool {
	_, ok := it.kernels[ir.QualifiedOp(domain, op)]
	return ok
}

// Check lists, in one error, every node of g (nested graphs included) whose
// op has no kernel: op, domain, opset version and node names.
func (it *Interpreter) Check(g *ir.Graph) error {
	type key struct {
		domain, op string
		version    int64
	}
	missing := map[key][]string{}
	g.Walk(func(_ *ir.Graph, n *ir.Node) {
		if !it.Supports(n.Domain, n.Op) {
			k := key{n.Domain, n.Op, n.Version}
			missing[k] = append(missing[k], n.Name)
		}
	})
	if len(missing) == 0 {
		return nil
	}
	var lines []string
	for k, names := range missing {
		domain := k.domain
		if domain == "" {
			domain = "ai.onnx"
		}
		if len(names) > 5 {
			names = append(names[:5:5], fmt.Sprintf("and %d more", len(names)-5))
		}
		lines = append(lines, fmt.Sprintf("  %s (domain %s, opset %d): nodes %s",
			k.op, domain, k.version, strings.Join(quoteAll(names), ", ")))
	}
	sort.Strings(lines)
	return &UnsupportedError{Lines: lines}
}

// UnsupportedError lists the ops of a graph that have no kernel.
type UnsupportedError struct{ Lines []string }

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%d unsupported op(s):\n%s", len(e.Lines), strings.Join(e.Lines, "\n"))
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		if strings.HasPrefix(n, "and ") {
			out[i] = n
			continue
		}
		out[i] = fmt.Sprintf("%q", n)
	}
	return out
}

// Run executes g on the named inputs and returns the graph outputs by name.
// Inputs are checked against the graph's declared dtypes and shapes first.
func (it *Interpreter) Run(g *ir.Graph, inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
	if err := it.Check(g); err != nil {
		return nil, err
	}
	if err := CheckInputs(g, inputs); err != nil {
		return nil, err
	}
	env := newScope(nil)
	for _, v := range g.Inputs {
		if t, ok := inputs[v.Name]; ok {
			env.vals[v] = t
		}
	}
	outs, err := it.runGraph(g, env)
	if err != nil {
		return nil, err
	}
	res := make(map[string]*ir.Tensor, len(outs))
	for i, v := range g.Outputs {
		res[v.Name] = outs[i]
	}
	return res, nil
}

// scope maps values to their computed tensors; lookups fall back to the
// enclosing graph's scope, which is how nested bodies read outer values.
type scope struct {
	vals   map[*ir.Value]*ir.Tensor
	parent *scope
}

func newScope(parent *scope) *scope {
	return &scope{vals: map[*ir.Value]*ir.Tensor{}, parent: parent}
}

func (s *scope) lookup(v *ir.Value) (*ir.Tensor, bool) {
	for sc := s; sc != nil; sc = sc.parent {
		if t, ok := sc.vals[v]; ok {
			return t, true
		}
	}
	if v.Const != nil {
		return v.Const, true
	}
	return nil, false
}

func (it *Interpreter) runGraph(g *ir.Graph, env *scope) ([]*ir.Tensor, error) {
	for _, n := range g.Nodes {
		if err := it.runNode(n, env); err != nil {
			return nil, err
		}
	}
	outs := make([]*ir.Tensor, len(g.Outputs))
	for i, v := range g.Outputs {
		t, ok := env.lookup(v)
		if !ok {
			return nil, fmt.Errorf("graph %q: output %q was not computed", g.Name, v.Name)
		}
		outs[i] = t
	}
	return outs, nil
}

func (it *Interpreter) runNode(n *ir.Node, env *scope) error {
	ins := make([]*ir.Tensor, len(n.Inputs))
	for i, v := range n.Inputs {
		if v == nil {
			continue
		}
		t, ok := env.lookup(v)
		if !ok {
			return fmt.Errorf("%s: input %d (%q) has no value", n.Describe(), i, v.Name)
		}
		ins[i] = t
	}
	outs, err := it.call(n, ins, env)
	if err != nil {
		return err
	}
	for i, v := range n.Outputs {
		if v == nil || i >= len(outs) || outs[i] == nil {
			continue
		}
		env.vals[v] = outs[i]
	}
	return nil
}

// RunNode runs a single node on the given input tensors (one per input
// slot, nil for omitted ones). Nested graphs of the node may read only
// constants from outside. Constant folding uses it.
func (it *Interpreter) RunNode(n *ir.Node, inputs []*ir.Tensor) ([]*ir.Tensor, error) {
	return it.call(n, inputs, newScope(nil))
}

// call runs n's kernel; env is the scope nested graphs see.
func (it *Interpreter) call(n *ir.Node, ins []*ir.Tensor, env *scope) (outs []*ir.Tensor, err error) {
	f := it.kernels[n.QualifiedOp()]
	if f == nil {
		return nil, fmt.Errorf("%s: no kernel for op version %d", n.Describe(), n.Version)
	}
	ctx := &kernel.Context{Node: n}
	ctx.RunGraph = func(body *ir.Graph, args []*ir.Tensor) ([]*ir.Tensor, error) {
		if len(args) != len(body.Inputs) {
			return nil, fmt.Errorf("%s: body %q takes %d inputs, given %d", n.Describe(), body.Name, len(body.Inputs), len(args))
		}
		inner := newScope(env)
		for i, v := range body.Inputs {
			inner.vals[v] = args[i]
		}
		return it.runGraph(body, inner)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: kernel failed: %v", n.Describe(), r)
		}
	}()
	outs, err = f(ctx, ins)
	if err != nil {
		return nil, err
	}
	// A node may leave off trailing optional outputs; a kernel may still
	// compute them.
	return outs[:min(len(outs), len(n.Outputs))], nil
}
