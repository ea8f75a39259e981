package ir

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The text form of a graph (Print writes it, Parse reads it back):
//
//	graph main(%x:f32[B,128], %mask:i64[B,128]) -> (%y) {
//	  opset "" 17
//	  doc "free text"
//	  %w1 = const f32[2,2] [1.0, 2.0, 3.0, 4.0]
//	  %big = const f32[128,64] <elided sha256:0123456789abcdef>
//	  %3:f32[B,64] = MatMul %x, %w1
//	  %y:f32[B,64] = Relu %3 {name="relu1"}
//	  %a, _ = Split %y {axis=1, split=[32, 32]}
//	  %z = com.microsoft:Attention %q, _, %k {num_heads=4}
//	  %s = Softmax@11 %z
//	}
//
// A value is %name (%"any text" when the name is not made of letters,
// digits and _ . - /), followed by its type where known: element type and
// shape (f32[B,?,128]; f32 alone when the rank is unknown, ?[2] when the
// element type is; f32[] is a scalar), wrapped as seq<…>, opt<…>, map<…> or
// sparse<…> for the other kinds. Dims are sizes, symbols, or ? for unknown.
// Other names (graphs, domains, ops, attributes, symbols) are written plain
// when they start with a letter, _ or / and go on with letters, digits and
// _ . - /, and quoted otherwise.
//
// Node lines list outputs (_ for an omitted one, () for none), the op as
// [domain:]Op, with @version when the node's Version is not the one the
// opset lines select, the inputs (_ for an omitted one) and the attributes
// in braces, sorted by name (one per line when one of them is a graph).
// name="…" is the node name; an attribute that happens to be called name
// is written "name"=…. Attribute values: 1 (int), 1.0 (float: always with a
// point, an exponent, inf or nan), "s" (string), [1, 2] / [1.0] / ["a"]
// (lists; an empty one states its kind: ints []), tensors as for const,
// graph NAME(…) -> (…) {…} (an indented block), lists of those, and
// sparse_tensor T, sparse_tensors [...], type_proto TYPE, type_protos [...].
//
// Constants (initializers) print as %name = const TENSOR, with the value's
// type before = when it differs from the tensor's. A tensor is dtype[dims]
// followed by its elements in brackets, flat in row-major order (complex
// ones as real, imaginary pairs), when it has at most TextInlineElements of
// them, and otherwise by <elided sha256:…> (the first 16 hex digits of
// TensorHash). Parse needs the inline form: it rejects elided data, since
// it cannot rebuild it.
//
// Nested graphs inherit the opset lines of the enclosing graph and print
// their own only where they differ. Values of enclosing graphs are used by
// name. Parse skips # comments to the end of a line.

// TextInlineElements is the largest constant Print writes out in full.
const TextInlineElements = 64

// Print returns the text form of g.
func Print(g *Graph) string {
	var p printer
	p.graph(g, "")
	p.b.WriteString("\n")
	return p.b.String()
}

// String returns the text form of g (see Print).
func (g *Graph) String() string { return Print(g) }

type printer struct {
	b strings.Builder
	// opsets are those in effect in the graph being printed.
	opsets map[string]int64
}

func (p *printer) graph(g *Graph, indent string) {
	if g == nil {
		p.b.WriteString("graph () -> () {\n" + indent + "}")
		return
	}
	p.b.WriteString("graph ")
	if g.Name != "" {
		p.b.WriteString(quoteIdent(g.Name))
	}
	p.b.WriteString("(")
	p.values(g.Inputs, p.valueDef)
	p.b.WriteString(") -> (")
	p.values(g.Outputs, p.valueRef)
	p.b.WriteString(") {\n")
	in := indent + "  "
	outer := p.opsets
	defer func() { p.opsets = outer }()
	opsets := g.Opsets
	if !sameOpsets(opsets, outer) {
		domains := make([]string, 0, len(opsets))
		for d := range opsets {
			domains = append(domains, d)
		}
		sort.Strings(domains)
		for _, d := range domains {
			fmt.Fprintf(&p.b, "%sopset %s %d\n", in, strconv.Quote(d), opsets[d])
		}
	}
	if opsets == nil {
		opsets = outer
	}
	p.opsets = opsets
	if g.Doc != "" {
		fmt.Fprintf(&p.b, "%sdoc %s\n", in, strconv.Quote(g.Doc))
	}
	for _, v := range g.Initializers {
		p.b.WriteString(in)
		if v == nil {
			p.b.WriteString("# nil initializer\n")
			continue
		}
		p.constant(v)
		p.b.WriteString("\n")
	}
	for _, n := range g.Nodes {
		p.b.WriteString(in)
		if n == nil {
			p.b.WriteString("# nil node\n")
			continue
		}
		p.node(n, in)
		p.b.WriteString("\n")
	}
	p.b.WriteString(indent + "}")
}

func sameOpsets(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// values writes a comma-separated list of values.
func (p *printer) values(vals []*Value, write func(*Value)) {
	for i, v := range vals {
		if i > 0 {
			p.b.WriteString(", ")
		}
		write(v)
	}
}

// valueRef writes %name, or _ for nil.
func (p *printer) valueRef(v *Value) {
	if v == nil {
		p.b.WriteString("_")
		return
	}
	p.b.WriteString("%" + quoteValueName(v.Name))
}

// quoteValueName returns a value name as written after %: plain when made
// of name characters, else quoted.
func quoteValueName(s string) string {
	if s != "" && runLen(s, isNameByte) == len(s) {
		return s
	}
	return strconv.Quote(s)
}

// valueDef writes %name:type (the type only when something is known).
func (p *printer) valueDef(v *Value) {
	p.valueRef(v)
	if v != nil {
		if t := typeString(v); t != "" {
			p.b.WriteString(":" + t)
		}
	}
}

var kindPrefixes = map[ValueKind]string{SequenceValue: "seq", OptionalValue: "opt", MapValue: "map", SparseTensorValue: "sparse"}

// typeString prints a value's type ("" for a tensor of unknown type).
func typeString(v *Value) string {
	t := ""
	if v.DType != Undefined || v.Shape.Ranked {
		t = "?"
		if v.DType != Undefined {
			t = v.DType.String()
		}
		if v.Shape.Ranked {
			t += shapeString(v.Shape)
		}
	}
	if k, ok := kindPrefixes[v.Kind]; ok {
		if t == "" {
			t = "?"
		}
		return k + "<" + t + ">"
	}
	if v.Kind != TensorValue {
		return fmt.Sprintf("kind%d<%s>", int(v.Kind), t)
	}
	return t
}

// shapeString prints dims with quoted symbols where needed.
func shapeString(s Shape) string {
	parts := make([]string, len(s.Dims))
	for i, d := range s.Dims {
		parts[i] = d.String()
		if d.Param != "" {
			parts[i] = quoteIdent(d.Param)
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func (p *printer) constant(v *Value) {
	p.valueRef(v)
	if t := typeString(v); v.Const == nil || t != typeString(&Value{DType: v.Const.DType, Shape: ShapeOf(v.Const.Shape...)}) {
		if t != "" {
			p.b.WriteString(":" + t)
		}
	}
	p.b.WriteString(" = const ")
	p.tensor(v.Const)
}

func (p *printer) node(n *Node, indent string) {
	if len(n.Outputs) == 0 {
		p.b.WriteString("()")
	}
	p.values(n.Outputs, p.valueDef)
	p.b.WriteString(" = ")
	if n.Domain != "" {
		p.b.WriteString(quoteIdent(n.Domain) + ":")
	}
	p.b.WriteString(quoteIdent(n.Op))
	if n.Version != impliedVersion(n.Domain, n.Op, p.opsets) {
		fmt.Fprintf(&p.b, "@%d", n.Version)
	}
	if len(n.Inputs) > 0 {
		p.b.WriteString(" ")
		p.values(n.Inputs, p.valueRef)
	}
	p.attrs(n, indent)
}

// impliedVersion is the Version Parse gives a node: the since-version
// of its schema under the opsets, or else the domain's opset.
func impliedVersion(domain, op string, opsets map[string]int64) int64 {
	v := opsets[normDomain(domain)]
	if s, err := ResolveOp(domain, op, v); err == nil {
		return s.Since
	}
	return v
}

// attrs writes the node name and attributes in braces: on one line, or one
// per line when a nested graph is among them.
func (p *printer) attrs(n *Node, indent string) {
	names := sortedAttrNames(n)
	if n.Name == "" && len(names) == 0 {
		return
	}
	multi := false
	for _, k := range names {
		if a := n.Attrs[k]; a != nil && (a.Graph != nil || len(a.Graphs) > 0) {
			multi = true
		}
	}
	sep, in := ", ", indent+"  "
	p.b.WriteString(" {")
	if multi {
		sep = ",\n" + in
		p.b.WriteString("\n" + in)
	}
	first := true
	next := func() {
		if !first {
			p.b.WriteString(sep)
		}
		first = false
	}
	if n.Name != "" {
		next()
		p.b.WriteString("name=" + strconv.Quote(n.Name))
	}
	for _, k := range names {
		next()
		p.b.WriteString(quoteIdent(k) + "=")
		p.attrValue(n.Attrs[k], in)
	}
	if multi {
		p.b.WriteString(",\n" + indent)
	}
	p.b.WriteString("}")
}

func (p *printer) attrValue(a *Attr, indent string) {
	if a == nil {
		p.b.WriteString("undefined")
		return
	}
	switch a.Kind {
	case AttrInt:
		p.b.WriteString(strconv.FormatInt(a.Int, 10))
	case AttrFloat:
		p.b.WriteString(formatFloat(float64(a.Float), 32))
	case AttrString:
		p.b.WriteString(strconv.Quote(a.String))
	case AttrTensor:
		p.tensor(a.Tensor)
	case AttrSparseTensor:
		p.b.WriteString("sparse_tensor ")
		p.tensor(a.Tensor)
	case AttrGraph:
		p.graph(a.Graph, indent)
	case AttrTypeProto:
		p.b.WriteString("type_proto " + typeOrUnknown(a.Type))
	case AttrInts, AttrFloats, AttrStrings, AttrTensors, AttrGraphs, AttrSparseTensors, AttrTypeProtos:
		p.list(a, indent)
	default:
		p.b.WriteString("undefined")
	}
}

// typeOrUnknown prints a type_proto value ("?" when nothing is known).
func typeOrUnknown(v *Value) string {
	if v == nil {
		return "?"
	}
	if t := typeString(v); t != "" {
		return t
	}
	return "?"
}

// list writes a list attribute; empty lists and the kinds that literals
// cannot tell apart carry their kind name first.
func (p *printer) list(a *Attr, indent string) {
	var items []func()
	switch a.Kind {
	case AttrInts:
		for _, v := range a.Ints {
			items = append(items, func() { p.b.WriteString(strconv.FormatInt(v, 10)) })
		}
	case AttrFloats:
		for _, v := range a.Floats {
			items = append(items, func() { p.b.WriteString(formatFloat(float64(v), 32)) })
		}
	case AttrStrings:
		for _, v := range a.Strings {
			items = append(items, func() { p.b.WriteString(strconv.Quote(v)) })
		}
	case AttrTensors, AttrSparseTensors:
		for _, t := range a.Tensors {
			items = append(items, func() { p.tensor(t) })
		}
	case AttrGraphs:
		for _, g := range a.Graphs {
			items = append(items, func() { p.graph(g, indent) })
		}
	case AttrTypeProtos:
		for _, t := range a.Types {
			items = append(items, func() { p.b.WriteString(typeOrUnknown(t)) })
		}
	}
	if len(items) == 0 || a.Kind == AttrSparseTensors || a.Kind == AttrTypeProtos {
		p.b.WriteString(a.Kind.String() + " ")
	}
	p.b.WriteString("[")
	for i, f := range items {
		if i > 0 {
			p.b.WriteString(", ")
		}
		f()
	}
	p.b.WriteString("]")
}

// tensor writes dtype[dims] and the elements, or the elided form.
func (p *printer) tensor(t *Tensor) {
	if t == nil || t.Check() != nil {
		p.b.WriteString("<invalid tensor>")
		return
	}
	p.b.WriteString(t.DType.String() + shapeString(ShapeOf(t.Shape...)) + " ")
	if t.Len() > TextInlineElements {
		fmt.Fprintf(&p.b, "<elided sha256:%s>", TensorHash(t))
		return
	}
	p.b.WriteString("[" + strings.Join(tensorElems(t), ", ") + "]")
}

// tensorElems formats each element the way Parse reads it back.
func tensorElems(t *Tensor) []string {
	out := make([]string, t.Len())
	switch d := t.Data.(type) {
	case []string:
		for i, v := range d {
			out[i] = strconv.Quote(v)
		}
	case []bool:
		for i, v := range d {
			out[i] = strconv.FormatBool(v)
		}
	case []uint64:
		for i, v := range d {
			out[i] = strconv.FormatUint(v, 10)
		}
	case []complex64:
		for i, v := range d {
			out[i] = formatFloat(float64(real(v)), 32) + ", " + formatFloat(float64(imag(v)), 32)
		}
	case []complex128:
		for i, v := range d {
			out[i] = formatFloat(real(v), 64) + ", " + formatFloat(imag(v), 64)
		}
	default:
		if t.DType.IsFloat() {
			bits := 32
			if t.DType == Float64 {
				bits = 64
			}
			for i, v := range t.Float64s() {
				out[i] = formatFloat(v, bits)
			}
			break
		}
		for i, v := range t.Int64s() {
			out[i] = strconv.FormatInt(v, 10)
		}
	}
	return out
}

// formatFloat prints a float so that it reads back as a float: with a
// point or exponent, or as inf, -inf, nan.
func formatFloat(v float64, bits int) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(v, 'g', -1, bits)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// TensorHash returns the first 16 hex digits of a SHA-256 of the tensor's
// dtype, shape and elements (what Print shows for elided constants).
func TensorHash(t *Tensor) string {
	h := sha256.New()
	var buf [8]byte
	put := func(x uint64) {
		binary.LittleEndian.PutUint64(buf[:], x)
		h.Write(buf[:])
	}
	put(uint64(t.DType))
	put(uint64(len(t.Shape)))
	for _, d := range t.Shape {
		put(uint64(d))
	}
	if s, ok := t.Data.([]string); ok {
		for _, v := range s {
			put(uint64(len(v)))
			h.Write([]byte(v))
		}
	} else {
		binary.Write(h, binary.LittleEndian, t.Data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// quoteIdent returns s when it reads back as a name (a letter, _ or /
// followed by letters, digits and _ . - /; not a keyword or number), else
// s quoted.
func quoteIdent(s string) string {
	if s == "" || runLen(s, isNameByte) != len(s) || textKeywords[s] || isNumber(s) ||
		!(s[0] == '_' || s[0] == '/' || s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return strconv.Quote(s)
	}
	return s
}

// textKeywords are the words that cannot stand for a name in the text form.
var textKeywords = map[string]bool{"_": true, "const": true, "name": true, "graph": true, "opset": true, "doc": true}

func isNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-' || r == '/'
}

// isNumber reports whether s reads as a number literal.
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
