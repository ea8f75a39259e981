package ir

import (
	"fmt"
	"slices"
	"strings"
)

// maxVerifyLines caps the number of problems Verify lists in its error.
const maxVerifyLines = 20

// Verify checks that g (and its nested graphs) is well formed: nodes in
// topological order, every input defined earlier (or by the graph inputs,
// initializers or an enclosing graph), no value defined twice or under a
// name already taken, graph outputs defined, and every node of a known op
// domain consistent with its schema: a valid version, arity, no omitted
// required input or output, known attributes of the right kinds with the
// required ones present, input element types that the type constraints
// allow and agree with each other, and declared output types that agree
// with what inference computes from the inputs. It reports all problems
// found (up to 20 lines) in one error.
func Verify(g *Graph) error {
	if g == nil {
		return fmt.Errorf("verify: nil graph")
	}
	v := &verifier{}
	v.graph(g, nil, g.Opsets, "graph "+quoteIdent(g.Name))
	if len(v.problems) == 0 {
		return nil
	}
	lines := v.problems
	if len(lines) > maxVerifyLines {
		lines = append(lines[:maxVerifyLines-1:maxVerifyLines-1], fmt.Sprintf("... and %d more problems", len(v.problems)-maxVerifyLines+1))
	}
	return fmt.Errorf("verify: %d problem(s):\n  %s", len(v.problems), strings.Join(lines, "\n  "))
}

type verifier struct {
	problems []string
}

func (v *verifier) add(where, format string, args ...any) {
	v.problems = append(v.problems, where+": "+fmt.Sprintf(format, args...))
}

// defs is the set of values visible at a point, by value and by name.
type defs struct {
	vals   map[*Value]bool
	names  map[string]*Value
	parent *defs
}

func (d *defs) has(x *Value) bool {
	for ; d != nil; d = d.parent {
		if d.vals[x] {
			return true
		}
	}
	return false
}

// define records x as defined in the innermost scope, reporting a value
// defined twice or a name already taken in this graph.
func (v *verifier) define(d *defs, x *Value, where string) {
	switch {
	case d.vals[x]:
		v.add(where, "value %s is defined twice", valueName(x))
		return
	case x.Name == "":
		v.add(where, "value without a name")
	case d.names[x.Name] != nil:
		v.add(where, "two values are named %s", valueName(x))
	}
	d.vals[x] = true
	d.names[x.Name] = x
}

func valueName(x *Value) string { return "%" + quoteValueName(x.Name) }

func (v *verifier) graph(g *Graph, outer *defs, opsets map[string]int64, where string) {
	if g.Opsets != nil {
		opsets = g.Opsets
	}
	d := &defs{vals: map[*Value]bool{}, names: map[string]*Value{}, parent: outer}
	for i, in := range g.Inputs {
		if in == nil {
			v.add(where, "graph input %d is nil", i)
			continue
		}
		if in.Producer != nil {
			v.add(where, "graph input %s has a producer", valueName(in))
		}
		v.define(d, in, where)
	}
	for i, c := range g.Initializers {
		switch {
		case c == nil:
			v.add(where, "initializer %d is nil", i)
			continue
		case c.Const == nil:
			v.add(where, "initializer %s has no data", valueName(c))
		case c.Const.Check() != nil:
			v.add(where, "initializer %s: %v", valueName(c), c.Const.Check())
		case c.DType != c.Const.DType || (c.Shape.Ranked && !c.Shape.Equal(ShapeOf(c.Const.Shape...))):
			v.add(where, "initializer %s is declared %s but holds %v%v", valueName(c), typeString(c), c.Const.DType, c.Const.Shape)
		}
		if c.Producer != nil {
			v.add(where, "initializer %s has a producer", valueName(c))
		}
		if !slices.Contains(g.Inputs, c) {
			v.define(d, c, where)
		}
	}
	for i, n := range g.Nodes {
		if n == nil {
			v.add(where, "node %d is nil", i)
			continue
		}
		v.node(n, d, opsets, where)
	}
	for i, o := range g.Outputs {
		switch {
		case o == nil:
			v.add(where, "graph output %d is nil", i)
		case !d.has(o):
			v.add(where, "graph output %s is not defined", valueName(o))
		}
	}
}

func (v *verifier) node(n *Node, d *defs, opsets map[string]int64, where string) {
	at := where + ": " + n.Describe()
	for i, in := range n.Inputs {
		if in != nil && !d.has(in) {
			v.add(at, "input %d (%s) is not defined before the node", i, valueName(in))
		}
	}
	for _, name := range sortedAttrNames(n) {
		a := n.Attrs[name]
		if a == nil {
			continue
		}
		for j, sg := range a.Graphs {
			if sg != nil {
				v.graph(sg, d, opsets, fmt.Sprintf("%s: %s[%d] graph %s", at, name, j, quoteIdent(sg.Name)))
			}
		}
		if a.Graph != nil {
			v.graph(a.Graph, d, opsets, fmt.Sprintf("%s: %s graph %s", at, name, quoteIdent(a.Graph.Name)))
		}
	}
	for _, o := range n.Outputs {
		if o == nil {
			continue
		}
		if o.Producer != n {
			v.add(at, "output %s does not name the node as its producer", valueName(o))
		}
		v.define(d, o, at)
	}
	s, err := nodeSchema(n, opsets)
	if err != nil {
		if tableDomain(n.Domain) {
			v.add(where, "%v", err)
		}
		return
	}
	if n.Version > 0 && s.Since != n.Version {
		v.add(at, "version %d is not a version of the op (the definition in force then is from version %d)", n.Version, s.Since)
	}
	v.arity(n, s, at)
	v.attrs(n, s, at)
	v.types(n, s, at)
}

// tableDomain reports whether the op table defines the domain (ops of
// other domains are not checked against schemas).
func tableDomain(domain string) bool {
	registry.RLock()
	defer registry.RUnlock()
	return len(registry.ops[normDomain(domain)]) > 0 || normDomain(domain) == TfcDomain
}

// arity checks the input and output counts and the omitted slots.
func (v *verifier) arity(n *Node, s *OpSchema, at string) {
	check := func(what string, vals []*Value, lo, hi int, params []Param) {
		if len(vals) < lo || (hi >= 0 && len(vals) > hi) {
			v.add(at, "has %d %ss, want %s", len(vals), what, countRange(lo, hi))
		}
		for i, x := range vals {
			if p := paramAt(params, i); x == nil && p != nil && !p.Optional {
				v.add(at, "required %s %d (%s) is omitted", what, i, p.Name)
			}
		}
	}
	check("input", n.Inputs, s.MinInputs, s.MaxInputs, s.Inputs)
	check("output", n.Outputs, s.MinOutputs, s.MaxOutputs, s.Outputs)
}

func countRange(lo, hi int) string {
	switch {
	case hi < 0:
		return fmt.Sprintf("at least %d", lo)
	case lo == hi:
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}

// attrs checks attribute names, kinds and the required ones.
func (v *verifier) attrs(n *Node, s *OpSchema, at string) {
	for _, name := range sortedAttrNames(n) {
		a := n.Attrs[name]
		as := findAttr(s, name)
		switch {
		case as == nil:
			v.add(at, "unknown attribute %s", name)
		case a == nil:
			v.add(at, "attribute %s is nil", name)
		case a.Kind != as.Kind:
			v.add(at, "attribute %s is %v, want %v", name, a.Kind, as.Kind)
		}
	}
	for _, as := range s.Attrs {
		if as.Required && n.Attr(as.Name) == nil {
			v.add(at, "required attribute %s is missing", as.Name)
		}
	}
}

// types checks input element types against the type constraints and the
// declared outputs against inference.
func (v *verifier) types(n *Node, s *OpSchema, at string) {
	bound := map[string]*Value{}
	for i, in := range n.Inputs {
		p := paramAt(s.Inputs, i)
		if in == nil || p == nil || in.Kind != TensorValue || in.DType == Undefined {
			continue
		}
		if p.DType != Undefined {
			if in.DType != p.DType {
				v.add(at, "input %d (%s) is %v, want %v", i, valueName(in), in.DType, p.DType)
			}
			continue
		}
		tc := typeConstraint(s, p.Type)
		if tc != nil && len(tc.DTypes) > 0 && !slices.Contains(tc.DTypes, in.DType) {
			v.add(at, "input %d (%s) is %v, which type %s does not allow", i, valueName(in), in.DType, p.Type)
			continue
		}
		if p.Heterogeneous {
			continue
		}
		if first := bound[p.Type]; first != nil && first.DType != in.DType {
			v.add(at, "inputs %s (%v) and %s (%v) must have the same type %s", valueName(first), first.DType, valueName(in), in.DType, p.Type)
		} else if first == nil {
			bound[p.Type] = in
		}
	}
	v.inferred(n, s, at)
}

// inferred runs the op's inference on copies of the outputs, so that a
// declared type contradicting the inferred one is reported.
func (v *verifier) inferred(n *Node, s *OpSchema, at string) {
	cp := *n
	cp.Outputs = make([]*Value, len(n.Outputs))
	for i, o := range n.Outputs {
		if o != nil {
			c := *o
			c.Shape.Dims = slices.Clone(o.Shape.Dims)
			cp.Outputs[i] = &c
		}
	}
	var err error
	if s.infer != nil || s.Infer == nil {
		err = newInferCtx(nil).apply(s, &cp)
	} else {
		err = s.Infer(&cp)
	}
	if err != nil {
		v.add(at, "%v", strings.TrimPrefix(err.Error(), n.Describe()+": "))
	}
}
