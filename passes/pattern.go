package passes

import (
	"fmt"
	"math"
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// A fusion is a pattern as data: the op of its anchor (the node whose
// outputs the fused node takes over) and a match function that walks up
// from the anchor through the matcher, cheap conditions first, and either
// returns the fused node or leaves the matcher's reason for the miss.
type fusion struct {
	name   string // the fused op, for counters and explanations
	anchor string // its op, qualified by its domain unless that is ONNX's (ir.QualifiedOp)
	match  func(m *matcher, anchor *ir.Node) *ir.Node
}

// matcher walks a pattern from its anchor. It records the nodes the
// pattern covers (removed once the fused node replaces them) and the
// first reason a condition failed.
type matcher struct {
	uses  map[*ir.Value][]*ir.Node
	nodes []*ir.Node
	soft  []*ir.Node // removed with the pattern only if nothing else reads them
	// extra are new nodes the fused node reads, inserted before it in
	// order (a default-domain node with Version 0 gets the version the
	// graph's opset gives it); consts are new initializers they read.
	extra  []*ir.Node
	consts []*ir.Value
	reason string
	// opset is the default-domain opset of the graph, for fusions into
	// plain ONNX ops that exist from some opset on.
	opset int64
}

// fail records why the pattern does not match and returns nil.
func (m *matcher) fail(format string, args ...any) *ir.Node {
	if m.reason == "" {
		m.reason = fmt.Sprintf(format, args...)
	}
	return nil
}

// parent returns the producer of n's input slot if it is a default-domain
// node of one of ops, adding it to the covered nodes; otherwise nil, with
// a reason naming the slot and what was found.
func (m *matcher) parent(n *ir.Node, slot int, ops ...string) *ir.Node {
	if n == nil {
		return nil
	}
	if n.Input(slot) == nil {
		return m.fail("%s input %d is absent", n.Describe(), slot)
	}
	return m.producer(n.Input(slot), fmt.Sprintf("%s input %d", n.Describe(), slot), ops...)
}

// producer returns the producer of v if it is a default-domain node of one
// of ops, adding it to the covered nodes; otherwise nil, with a reason
// naming v as what.
func (m *matcher) producer(v *ir.Value, what string, ops ...string) *ir.Node {
	switch {
	case v == nil:
		return m.fail("%s is absent", what)
	case v.Producer == nil:
		return m.fail("%s (%q) is not computed by %v", what, v.Name, ops)
	case v.Producer.Domain != "" || !slices.Contains(ops, v.Producer.Op):
		return m.fail("%s is %s, want %v", what, v.Producer.Describe(), ops)
	}
	m.nodes = append(m.nodes, v.Producer)
	return v.Producer
}

// child returns the one reader of n's first output if it is a
// default-domain op node reading it as input 0, adding it to the covered
// nodes; otherwise nil with a reason.
func (m *matcher) child(n *ir.Node, op string) *ir.Node {
	if n == nil {
		return nil
	}
	users := m.uses[n.Outputs[0]]
	if len(users) != 1 || users[0] == nil || users[0].Op != op || users[0].Domain != "" || users[0].Inputs[0] != n.Outputs[0] {
		return m.fail("%s output is not read by one %s only", n.Describe(), op)
	}
	m.nodes = append(m.nodes, users[0])
	return users[0]
}

// try runs f on a scratch matcher. When f succeeds, the nodes it covered
// join m's (as soft nodes if soft is set: shared masks that stay while
// other readers remain); when it fails, its reason becomes m's.
func (m *matcher) try(soft bool, f func(p *matcher) bool) bool {
	p := &matcher{uses: m.uses, opset: m.opset}
	if !f(p) {
		m.fail("%s", p.reason)
		return false
	}
	if soft {
		m.soft = append(m.soft, p.nodes...)
	} else {
		m.nodes = append(m.nodes, p.nodes...)
	}
	m.soft = append(m.soft, p.soft...)
	m.extra = append(m.extra, p.extra...)
	m.consts = append(m.consts, p.consts...)
	return true
}

// either matches a commutative node: it returns the producer of one input
// that is op, and the other input.
func (m *matcher) either(n *ir.Node, ops ...string) (*ir.Node, *ir.Value) {
	return m.eitherIf(n, nil, ops...)
}

// eitherIf is either with a further condition on the producer (nil: none).
func (m *matcher) eitherIf(n *ir.Node, cond func(*ir.Node) bool, ops ...string) (*ir.Node, *ir.Value) {
	if n == nil || len(n.Inputs) != 2 || n.Inputs[0] == nil || n.Inputs[1] == nil {
		return nil, nil
	}
	for slot := range 2 {
		p := n.Inputs[slot].Producer
		if p != nil && p.Domain == "" && slices.Contains(ops, p.Op) && (cond == nil || cond(p)) {
			m.nodes = append(m.nodes, p)
			return p, n.Inputs[1-slot]
		}
	}
	m.fail("no input of %s is %v", n.Describe(), ops)
	return nil, nil
}

// scalar returns the value of a one-element float or int constant.
func scalar(v *ir.Value) (float64, bool) {
	if v == nil || v.Const == nil || v.Const.Len() != 1 {
		return 0, false
	}
	return v.Const.Float64s()[0], true
}

// isScalar reports whether v is a one-element constant near want
// (relative tolerance 1e-6, for constants rounded to float32).
func isScalar(v *ir.Value, want float64) bool {
	x, ok := scalar(v)
	return ok && math.Abs(x-want) <= 1e-6*math.Abs(want)
}

// constInts returns the contents of an integer constant.
func constInts(v *ir.Value) ([]int64, bool) {
	if v == nil || v.Const == nil || !v.Const.DType.IsInt() || len(v.Const.Shape) > 1 {
		return nil, false
	}
	return v.Const.Int64s(), true
}

// lastAxis reports whether the reduction of n (axes attribute or, from
// opset 18, input 1) is over exactly the last axis of its input.
func lastAxis(n *ir.Node) bool {
	axes, ok := n.AttrInts("axes")
	if !ok {
		axes, ok = constInts(n.Input(1))
	}
	if !ok || len(axes) != 1 {
		return false
	}
	r := n.Inputs[0].Shape.Rank()
	return axes[0] == -1 || (r > 0 && axes[0] == int64(r-1))
}

// internalUsesOnly reports whether every covered node other than the
// anchor feeds only covered nodes, except through the outputs the fused
// node fn takes over (so removing them loses nothing).
//
// Soft nodes (shape arithmetic the pattern proved facts from) join the
// covered nodes when all their readers are covered.
func (m *matcher) internalUsesOnly(g *ir.Graph, anchor, fn *ir.Node) bool {
	covered := map[*ir.Node]bool{anchor: true}
	for _, n := range m.nodes {
		covered[n] = true
	}
	for grown := true; grown; {
		grown = false
		for _, n := range m.soft {
			if !covered[n] && readOnlyBy(g, n, covered, m.uses) && !feeds(n, fn) && !slices.ContainsFunc(m.extra, func(x *ir.Node) bool { return feeds(n, x) }) {
				covered[n] = true
				m.nodes = append(m.nodes, n)
				grown = true
			}
		}
	}
	for _, n := range m.nodes {
		for _, o := range n.Outputs {
			if o == nil || slices.Contains(fn.Outputs, o) {
				continue
			}
			if isGraphOutput(g, o) {
				m.fail("%s output %q is a graph output", n.Describe(), o.Name)
				return false
			}
			for _, u := range m.uses[o] {
				if !covered[u] {
					m.fail("%s output %q is also read by %s", n.Describe(), o.Name, u.Describe())
					return false
				}
			}
		}
	}
	return true
}

// readOnlyBy reports whether every output of n is read only by covered
// nodes and is no graph output.
func readOnlyBy(g *ir.Graph, n *ir.Node, covered map[*ir.Node]bool, uses map[*ir.Value][]*ir.Node) bool {
	for _, o := range n.Outputs {
		if o == nil {
			continue
		}
		if isGraphOutput(g, o) {
			return false
		}
		for _, u := range uses[o] {
			if !covered[u] {
				return false
			}
		}
	}
	return true
}

// feeds reports whether an output of n is an input of fn.
func feeds(n, fn *ir.Node) bool {
	for _, o := range n.Outputs {
		if o != nil && slices.Contains(fn.Inputs, o) {
			return true
		}
	}
	return false
}

// fusedNode returns a node of tfc's domain that takes over anchor's outputs.
func fusedNode(op string, anchor *ir.Node, attrs map[string]*ir.Attr, ins ...*ir.Value) *ir.Node {
	return &ir.Node{Name: anchor.Name + "/" + op, Op: op, Domain: ir.TfcDomain, Version: 1,
		Inputs: ins, Outputs: anchor.Outputs[:1], Attrs: attrs}
}

func floatAttr(v float64) *ir.Attr { return &ir.Attr{Kind: ir.AttrFloat, Float: float32(v)} }
func intAttr(v int64) *ir.Attr     { return &ir.Attr{Kind: ir.AttrInt, Int: v} }

// runFusion returns the pass that applies f wherever it matches, in g and
// in nested graphs, counting "fused NAME".
func runFusion(f fusion) func(g *ir.Graph, c Counters) error {
	return func(g *ir.Graph, c Counters) error {
		forEachGraph(g, func(sg *ir.Graph) {
			uses := g.Uses()
			drop := map[*ir.Node]bool{}
			for i := 0; i < len(sg.Nodes); i++ {
				n := sg.Nodes[i]
				if drop[n] || n.QualifiedOp() != f.anchor {
					continue
				}
				m := &matcher{uses: uses, opset: opsetOf(g)}
				fn := f.match(m, n)
				if fn == nil || !m.internalUsesOnly(sg, n, fn) || anyDropped(m.nodes, drop) {
					continue
				}
				for _, x := range append(m.extra, fn) {
					for _, o := range x.Outputs {
						if o != nil {
							o.Producer = x
						}
					}
					if x.Domain == "" && x.Version == 0 {
						if s, err := ir.ResolveOp("", x.Op, opsetOf(g)); err == nil {
							x.Version = s.Since
						}
					}
				}
				sg.Initializers = append(sg.Initializers, m.consts...)
				sg.Nodes[i] = fn
				sg.Nodes = slices.Insert(sg.Nodes, i, m.extra...)
				i += len(m.extra)
				for _, p := range m.nodes {
					drop[p] = true
				}
				c.Add("fused "+f.name, 1)
				uses = g.Uses()
			}
			removeNodes(sg, drop)
		})
		return nil
	}
}

// opsetOf is the default-domain opset g imports (the newest the op table
// knows when it names none).
func opsetOf(g *ir.Graph) int64 {
	if v, ok := g.Opsets[""]; ok {
		return v
	}
	return ir.MaxOpset("")
}

func anyDropped(nodes []*ir.Node, drop map[*ir.Node]bool) bool {
	for _, n := range nodes {
		if drop[n] {
			return true
		}
	}
	return false
}

// ExplainFusions reports, for every anchor of every fusion left in g (run
// it after Optimize), why the pattern did not match there.
func ExplainFusions(g *ir.Graph) []string {
	var out []string
	uses := g.Uses()
	for _, f := range fusions {
		g.Walk(func(sg *ir.Graph, n *ir.Node) {
			if n.QualifiedOp() != f.anchor {
				return
			}
			m := &matcher{uses: uses, opset: opsetOf(g)}
			if fn := f.match(m, n); fn != nil && m.internalUsesOnly(sg, n, fn) {
				m.reason = "matches (the pass is disabled or below the level)"
			}
			out = append(out, fmt.Sprintf("%s at %s: %s", f.name, n.Describe(), m.reason))
		})
	}
	return out
}
