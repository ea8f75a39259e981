package ir

import (
	"errors"
	"fmt"
	"strings"
)

// InferShapes runs shape and type inference over g and its nested graphs,
// node by node in order, refining the DType and Shape of node outputs
// where they are unknown. Small integer tensors computed from shapes
// (Shape → Gather → Concat → Reshape chains) are tracked symbolically so
// that dynamic-shape exports keep their dims. An inferred static dim that
// contradicts a declared one is an error naming the node. Nodes of unknown
// operators are left as they are.
func InferShapes(g *Graph) error {
	if g == nil {
		return errors.New("InferShapes: nil graph")
	}
	c := newInferCtx(g.Opsets)
	return c.graph(g)
}

// vtype is the inferred type of one output: element type and shape.
type vtype struct {
	DType DType
	Shape Shape
}

// inferFunc computes the outputs' types of n into out (one entry per
// output slot, preset with the dtypes the schema's type constraints imply
// and unranked shapes).
type inferFunc func(c *inferCtx, n *Node, out []vtype) error

// inferCtx carries what inference learns beyond value types: the contents
// of small integer tensors derived from shapes, as dims.
type inferCtx struct {
	opsets map[string]int64
	vals   map[*Value][]Dim
}

func newInferCtx(opsets map[string]int64) *inferCtx {
	return &inferCtx{opsets: opsets, vals: map[*Value][]Dim{}}
}

func (c *inferCtx) graph(g *Graph) error {
	if g.Opsets != nil {
		outer := c.opsets
		c.opsets = g.Opsets
		defer func() { c.opsets = outer }()
	}
	var errs []string
	for _, n := range g.Nodes {
		if n == nil {
			continue
		}
		if err := c.node(n); err != nil {
			errs = append(errs, err.Error())
		}
	}
	return joinErrors(errs)
}

// node infers the outputs of one node (and the nested graphs it holds).
func (c *inferCtx) node(n *Node) error {
	if err := c.subgraphs(n); err != nil {
		return err
	}
	s, err := nodeSchema(n, c.opsets)
	if err != nil {
		return nil // an op outside the table: nothing to infer
	}
	if s.infer == nil && s.Infer != nil {
		return s.Infer(n)
	}
	return c.apply(s, n)
}

// subgraphs infers the nested graphs of n, first giving Loop and Scan body
// inputs the types the node passes them where they are not declared.
func (c *inferCtx) subgraphs(n *Node) error {
	var errs []string
	for _, name := range sortedAttrNames(n) {
		a := n.Attrs[name]
		if a == nil {
			continue
		}
		gs := a.Graphs
		if a.Graph != nil {
			gs = append([]*Graph{a.Graph}, gs...)
		}
		for _, sg := range gs {
			if sg == nil {
				continue
			}
			if n.Domain == "" && name == "body" {
				seedBody(n, sg)
			}
			if err := c.graph(sg); err != nil {
				errs = append(errs, fmt.Sprintf("%s: attribute %s: %v", n.Describe(), name, err))
			}
		}
	}
	return joinErrors(errs)
}

// apply runs a schema's rule (or only the type-constraint dtypes when it
// has none) and merges the result into n's outputs.
func (c *inferCtx) apply(s *OpSchema, n *Node) error {
	out := make([]vtype, len(n.Outputs))
	for i, dt := range constraintDTypes(s, n) {
		out[i].DType = dt
	}
	if s.infer != nil {
		if err := s.infer(c, n, out); err != nil {
			return err
		}
	}
	for i, v := range n.Outputs {
		if v == nil || v.Kind != TensorValue {
			continue
		}
		if err := mergeType(n, v, out[i]); err != nil {
			return err
		}
	}
	return nil
}

// nodeSchema returns the schema that applies to n: the one of n.Version
// when set, else the one the opsets select.
func nodeSchema(n *Node, opsets map[string]int64) (*OpSchema, error) {
	v := n.Version
	if v <= 0 {
		v = opsets[normDomain(n.Domain)]
		if v <= 0 && normDomain(n.Domain) == "" {
			return nil, fmt.Errorf("%s: no version and no opset import for its domain", n.Describe())
		}
	}
	s, err := ResolveOp(n.Domain, n.Op, v)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", n.Describe(), err)
	}
	return s, nil
}

// mergeType refines v with the inferred type t. A declared dtype or static
// dim that disagrees with the inferred one is an error.
func mergeType(n *Node, v *Value, t vtype) error {
	if t.DType != Undefined {
		switch v.DType {
		case Undefined:
			v.DType = t.DType
		case t.DType:
		default:
			return fmt.Errorf("%s: output %s is declared %v but infers as %v", n.Describe(), valueName(v), v.DType, t.DType)
		}
	}
	if !t.Shape.Ranked {
		return nil
	}
	if !v.Shape.Ranked {
		v.Shape = Shape{Ranked: true, Dims: append([]Dim{}, t.Shape.Dims...)}
		return nil
	}
	if len(v.Shape.Dims) != len(t.Shape.Dims) {
		return fmt.Errorf("%s: output %s is declared %v but infers as %v", n.Describe(), valueName(v), v.Shape, t.Shape)
	}
	dims := append([]Dim{}, v.Shape.Dims...)
	for i, d := range dims {
		td := t.Shape.Dims[i]
		switch {
		case d.Known() && td.Known() && d.Size != td.Size:
			return fmt.Errorf("%s: output %s is declared %v but infers as %v", n.Describe(), valueName(v), v.Shape, t.Shape)
		case !d.Known() && td.Known(), d == UnknownDim && td.Param != "":
			dims[i] = td
		}
	}
	v.Shape.Dims = dims
	return nil
}

// constraintDTypes returns, per output slot of n, the element type the
// schema's type constraints imply: a literal type, the type a type variable
// is bound to by an input, or the only type a constraint allows.
func constraintDTypes(s *OpSchema, n *Node) []DType {
	bound := bindTypeVars(s, n)
	out := make([]DType, len(n.Outputs))
	for i := range out {
		p := paramAt(s.Outputs, i)
		if p == nil || p.Heterogeneous {
			continue
		}
		switch {
		case p.DType != Undefined:
			out[i] = p.DType
		case bound[p.Type] != Undefined:
			out[i] = bound[p.Type]
		default:
			if tc := typeConstraint(s, p.Type); tc != nil && len(tc.DTypes) == 1 && len(tc.Other) == 0 {
				out[i] = tc.DTypes[0]
			}
		}
	}
	return out
}

// bindTypeVars maps each type variable to the dtype of the first known
// input bound to it.
func bindTypeVars(s *OpSchema, n *Node) map[string]DType {
	bound := map[string]DType{}
	for i, v := range n.Inputs {
		p := paramAt(s.Inputs, i)
		if v == nil || v.Kind != TensorValue || v.DType == Undefined || p == nil || p.Heterogeneous {
			continue
		}
		if _, ok := bound[p.Type]; !ok {
			bound[p.Type] = v.DType
		}
	}
	return bound
}

// paramAt returns the formal parameter of slot i (the variadic last one
// covers all further slots), or nil.
func paramAt(ps []Param, i int) *Param {
	switch {
	case i < len(ps):
		return &ps[i]
	case len(ps) > 0 && ps[len(ps)-1].Variadic:
		return &ps[len(ps)-1]
	}
	return nil
}

// typeConstraint returns the schema's constraint of that name, or nil.
func typeConstraint(s *OpSchema, name string) *TypeConstraint {
	for i := range s.Types {
		if s.Types[i].Name == name {
			return &s.Types[i]
		}
	}
	return nil
}

// seedBody gives the undeclared inputs of a Loop or Scan body their
// types. Loop passes the iteration count (int64 scalar), the condition
// (bool scalar) and the loop-carried values; Scan (opset 9 on) passes the
// state values and one slice of each scan input, which lacks the scan axis.
// Carried and state values keep only their element type: their shapes may
// change from one iteration to the next.
func seedBody(n *Node, body *Graph) {
	var scanAxes []int64
	states := 0
	switch {
	case n.Op == "Loop":
	case n.Op == "Scan" && n.Version >= 9:
		states = len(n.Inputs) - int(n.AttrInt("num_scan_inputs", 0))
		scanAxes, _ = n.AttrInts("scan_input_axes")
	default:
		return
	}
	for i, in := range body.Inputs {
		if in == nil || in.DType != Undefined || in.Shape.Ranked {
			continue
		}
		src := n.Input(i)
		switch {
		case n.Op == "Loop" && i == 0:
			in.DType, in.Shape = Int64, ranked()
		case n.Op == "Loop" && i == 1:
			in.DType, in.Shape = Bool, ranked()
		case src == nil:
		case n.Op == "Loop" || i < states:
			in.DType = src.DType
		default:
			in.DType, in.Shape = src.DType, dropAxis(src.Shape, scanAxis(scanAxes, i-states))
		}
	}
}

// scanAxis returns the scan axis of scan input or output k (default 0).
func scanAxis(axes []int64, k int) int64 {
	if k >= 0 && k < len(axes) {
		return axes[k]
	}
	return 0
}

// dropAxis removes a (possibly negative) axis from a ranked shape;
// unranked when it is out of range.
func dropAxis(s Shape, axis int64) Shape {
	r := int64(s.Rank())
	if axis < 0 {
		axis += r
	}
	if !s.Ranked || axis < 0 || axis >= r {
		return UnrankedShape
	}
	return ranked(append(append([]Dim{}, s.Dims[:axis]...), s.Dims[axis+1:]...)...)
}

// joinErrors folds error messages into one error (nil for none).
func joinErrors(msgs []string) error {
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "\n"))
}
