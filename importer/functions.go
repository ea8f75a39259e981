package importer

import (
	"fmt"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/tfc-project/tfc/importer/onnxpb"
)

// funcKey identifies a model-local function.
type funcKey struct{ domain, name, overload string }

// function is a model-local function with the opsets its body uses.
type function struct {
	proto  *onnxpb.FunctionProto
	opsets map[string]int64
	size   int // nodes of the inlined body, nested graphs and calls included; -1 while being counted
}

// addFunctions registers the model-local functions. A function's body uses
// its own opset imports; domains it does not import fall back to the model's.
func (d *decoder) addFunctions(fps []*onnxpb.FunctionProto) error {
	d.funcs = map[funcKey]*function{}
	for _, fp := range fps {
		key := funcKey{normDomain(fp.GetDomain()), fp.GetName(), fp.GetOverload()}
		if fp.GetName() == "" {
			return fmt.Errorf("model-local function without a name (domain %q)", fp.GetDomain())
		}
		if d.funcs[key] != nil {
			return fmt.Errorf("model-local function %s defined twice", fp.GetName())
		}
		own, err := opsetMap(fp.GetOpsetImport())
		if err != nil {
			return fmt.Errorf("function %s opset_import: %w", fp.GetName(), err)
		}
		opsets := map[string]int64{}
		for k, v := range d.opsets {
			opsets[k] = v
		}
		for k, v := range own {
			opsets[k] = v
		}
		d.funcs[key] = &function{proto: fp, opsets: opsets}
	}
	for _, f := range d.funcs {
		if _, err := d.inlinedSize(f); err != nil {
			return err
		}
	}
	return nil
}

// callee returns the model-local function a node calls, or nil.
func (d *decoder) callee(p *onnxpb.NodeProto) *function {
	return d.funcs[funcKey{normDomain(p.GetDomain()), p.GetOpType(), p.GetOverload()}]
}

// inlinedSize returns how many nodes f becomes once inlined completely
// (at most maxNodes+1), and refuses functions that call themselves.
func (d *decoder) inlinedSize(f *function) (int, error) {
	switch f.size {
	case -1:
		return 0, fmt.Errorf("model-local function %s calls itself", f.proto.GetName())
	case 0:
		f.size = -1
		n, err := d.countNodes(f.proto.GetNode())
		if err != nil {
			return 0, err
		}
		f.size = n
	}
	return f.size, nil
}

// countNodes counts nodes as they will be after inlining, those of nested
// graphs included, saturating above maxNodes.
func (d *decoder) countNodes(nodes []*onnxpb.NodeProto) (int, error) {
	total := 0
	for _, p := range nodes {
		n := 1
		if f := d.callee(p); f != nil {
			var err error
			if n, err = d.inlinedSize(f); err != nil {
				return 0, err
			}
		}
		for _, a := range p.GetAttribute() {
			graphs := a.GetGraphs()
			if a.GetG() != nil {
				graphs = append([]*onnxpb.GraphProto{a.GetG()}, graphs...)
			}
			for _, g := range graphs {
				m, err := d.countNodes(g.GetNode())
				if err != nil {
					return 0, err
				}
				n += m
			}
		}
		total = min(total+n, maxNodes+1)
	}
	return total, nil
}

// expNode is a node to import with the context it is imported in.
type expNode struct {
	p   *onnxpb.NodeProto
	ctx nodeCtx
}

// expand replaces every call of a model-local function by the function's
// body, recursively, and counts the nodes (and copied function bodies)
// against maxNodes.
func (d *decoder) expand(nodes []*onnxpb.NodeProto, ctx nodeCtx) ([]expNode, error) {
	out := make([]expNode, 0, len(nodes))
	for _, p := range nodes {
		f := d.callee(p)
		if !ctx.inlined { // inlined bodies were counted whole when inlined
			size := 1
			if f != nil {
				size = f.size
			}
			if d.nodes += size; d.nodes > maxNodes {
				return nil, fmt.Errorf("model has more than %d nodes (after inlining functions)", maxNodes)
			}
		}
		if f == nil {
			out = append(out, expNode{p, ctx})
			continue
		}
		body, err := d.inline(f.proto, p)
		if err != nil {
			return nil, fmt.Errorf("node %s: inlining function %s: %w", describe(p), f.proto.GetName(), err)
		}
		sub, err := d.expand(body, nodeCtx{opsets: f.opsets, inlined: true})
		if err != nil {
			return nil, err
		}
		out = append(out, sub...)
	}
	return out, nil
}

// inline returns copies of the body of f for the call node: formal inputs
// and outputs renamed to the call's actual names, every other value given a
// fresh name, attribute references substituted by the call's attributes
// (or the function's defaults; unset ones are dropped), and node names
// prefixed with the call's name (in nested graphs too).
func (d *decoder) inline(f *onnxpb.FunctionProto, call *onnxpb.NodeProto) ([]*onnxpb.NodeProto, error) {
	if len(call.GetInput()) > len(f.GetInput()) || len(call.GetOutput()) > len(f.GetOutput()) {
		return nil, fmt.Errorf("call has %d inputs and %d outputs, the function takes %d and %d",
			len(call.GetInput()), len(call.GetOutput()), len(f.GetInput()), len(f.GetOutput()))
	}
	d.calls++
	r := &renamer{names: map[string]string{}, prefix: f.GetName() + "#" + strconv.Itoa(d.calls) + "/",
		attrs: map[string]*onnxpb.AttributeProto{}, call: call.GetName() + "/"}
	for i, formal := range f.GetInput() {
		r.names[formal] = ""
		if i < len(call.GetInput()) {
			r.names[formal] = call.GetInput()[i]
		}
	}
	for i, formal := range f.GetOutput() {
		if i < len(call.GetOutput()) && call.GetOutput()[i] != "" {
			r.names[formal] = call.GetOutput()[i]
		}
	}
	for _, a := range f.GetAttributeProto() {
		r.attrs[a.GetName()] = a
	}
	for _, a := range call.GetAttribute() {
		r.attrs[a.GetName()] = a
	}
	body := make([]*onnxpb.NodeProto, len(f.GetNode()))
	for i, n := range f.GetNode() {
		c := proto.Clone(n).(*onnxpb.NodeProto)
		r.node(c)
		body[i] = c
	}
	return body, nil
}

// renamer rewrites the value names and attribute references of an inlined
// function body in place.
type renamer struct {
	names  map[string]string
	prefix string
	attrs  map[string]*onnxpb.AttributeProto // the call's attributes, by name
	call   string                            // prefix for node names
}

func (r *renamer) name(n string) string {
	if n == "" {
		return ""
	}
	if m, ok := r.names[n]; ok {
		return m
	}
	m := r.prefix + n
	r.names[n] = m
	return m
}

func (r *renamer) node(n *onnxpb.NodeProto) {
	n.Name = proto.String(r.call + n.GetName())
	for i, s := range n.Input {
		n.Input[i] = r.name(s)
	}
	for i, s := range n.Output {
		n.Output[i] = r.name(s)
	}
	attrs := n.Attribute[:0]
	for _, a := range n.Attribute {
		if ref := a.GetRefAttrName(); ref != "" {
			v := r.attrs[ref]
			if v == nil {
				continue
			}
			name := a.GetName()
			a = proto.Clone(v).(*onnxpb.AttributeProto)
			a.Name, a.RefAttrName = proto.String(name), nil
		} else {
			if a.G != nil {
				r.graph(a.G)
			}
			for _, g := range a.Graphs {
				r.graph(g)
			}
		}
		attrs = append(attrs, a)
	}
	n.Attribute = attrs
}

func (r *renamer) graph(g *onnxpb.GraphProto) {
	for _, lists := range [][]*onnxpb.ValueInfoProto{g.Input, g.Output, g.ValueInfo} {
		for _, vi := range lists {
			vi.Name = proto.String(r.name(vi.GetName()))
		}
	}
	for _, t := range g.Initializer {
		t.Name = proto.String(r.name(t.GetName()))
	}
	for _, sp := range g.SparseInitializer {
		if sp.Values != nil {
			sp.Values.Name = proto.String(r.name(sp.Values.GetName()))
		}
	}
	for _, n := range g.Node {
		r.node(n)
	}
}
