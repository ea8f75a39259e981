package ir

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse reads the text form of a graph (see Print). Node versions come from
// the opset lines (or an explicit @version); constants must have their
// elements inline.
func Parse(text string) (*Graph, error) {
	toks, err := lex(text)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	p.skipNewlines()
	g, err := p.graph(nil, nil)
	if err != nil {
		return nil, err
	}
	p.skipNewlines()
	if t := p.peek(); t.kind != tEOF {
		return nil, p.errAt(t, "unexpected %s after the graph", t)
	}
	return g, nil
}

type tokKind int

const (
	tEOF     tokKind = iota
	tNewline         // end of a line
	tValue           // %name
	tIdent           // name, keyword, dtype
	tNumber          // 12, -3, 1.5e-3, -inf
	tString          // "quoted"
	tPunct           // ( ) [ ] { } , = : @ < > ? ->
)

type token struct {
	kind      tokKind
	text      string
	line, col int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of text"
	case tNewline:
		return "end of line"
	case tValue:
		return "%" + quoteIdent(t.text)
	case tString:
		return strconv.Quote(t.text)
	}
	return strconv.Quote(t.text)
}

// lex splits the text into tokens; # starts a comment to the end of the line.
func lex(text string) ([]token, error) {
	var toks []token
	line, lineStart := 1, 0
	for i := 0; i < len(text); {
		c := text[i]
		col := i - lineStart + 1
		emit := func(k tokKind, s string, n int) {
			toks = append(toks, token{kind: k, text: s, line: line, col: col})
			i += n
		}
		switch {
		case c == '\n':
			emit(tNewline, "\n", 1)
			line, lineStart = line+1, i
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == '"':
			s, n, err := lexString(text[i:])
			if err != nil {
				return nil, fmt.Errorf("line %d col %d: %v", line, col, err)
			}
			emit(tString, s, n)
		case c == '%':
			if i+1 < len(text) && text[i+1] == '"' {
				s, n, err := lexString(text[i+1:])
				if err != nil {
					return nil, fmt.Errorf("line %d col %d: %v", line, col, err)
				}
				emit(tValue, s, n+1)
				continue
			}
			n := runLen(text[i+1:], isNameByte)
			if n == 0 {
				return nil, fmt.Errorf("line %d col %d: %% without a name", line, col)
			}
			emit(tValue, text[i+1:i+1+n], n+1)
		case c == '-' && i+1 < len(text) && text[i+1] == '>':
			emit(tPunct, "->", 2)
		case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
			n := runLen(text[i:], isNumberByte)
			emit(tNumber, text[i:i+n], n)
		case isNameByte(c):
			n := runLen(text[i:], isNameByte)
			emit(tIdent, text[i:i+n], n)
		case strings.IndexByte("()[]{},=:@<>?", c) >= 0:
			emit(tPunct, string(c), 1)
		default:
			return nil, fmt.Errorf("line %d col %d: unexpected character %q", line, col, c)
		}
	}
	toks = append(toks, token{kind: tEOF, line: line, col: len(text) - lineStart + 1})
	return toks, nil
}

func isNameByte(c byte) bool { return c < 0x80 && isNameRune(rune(c)) }

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '+' || c == '-'
}

func runLen(s string, ok func(byte) bool) int {
	n := 0
	for n < len(s) && ok(s[n]) {
		n++
	}
	return n
}

// lexString reads a Go-quoted string at the start of s.
func lexString(s string) (string, int, error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '\n':
			return "", 0, fmt.Errorf("newline in string")
		case '"':
			v, err := strconv.Unquote(s[:i+1])
			return v, i + 1, err
		}
	}
	return "", 0, fmt.Errorf("unterminated string")
}

type parser struct {
	toks []token
	pos  int
}

// scope maps value names to values; nested graphs see their parents'.
type scope struct {
	vals   map[string]*Value
	parent *scope
}

func (s *scope) lookup(name string) *Value {
	for ; s != nil; s = s.parent {
		if v, ok := s.vals[name]; ok {
			return v
		}
	}
	return nil
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) errAt(t token, format string, args ...any) error {
	return fmt.Errorf("line %d col %d: %s", t.line, t.col, fmt.Sprintf(format, args...))
}

func (p *parser) is(kind tokKind, text string) bool {
	t := p.peek()
	return t.kind == kind && t.text == text
}

// accept consumes the punctuation or keyword when it is next.
func (p *parser) accept(kind tokKind, text string) bool {
	if p.is(kind, text) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(kind tokKind, text string) error {
	if t := p.next(); t.kind != kind || t.text != text {
		return p.errAt(t, "expected %q, found %s", text, t)
	}
	return nil
}

func (p *parser) skipNewlines() {
	for p.peek().kind == tNewline {
		p.next()
	}
}

// name reads an identifier or a quoted string.
func (p *parser) name(what string) (string, error) {
	t := p.next()
	if t.kind != tIdent && t.kind != tString {
		return "", p.errAt(t, "expected %s, found %s", what, t)
	}
	return t.text, nil
}

// graph reads "graph NAME(inputs) -> (outputs) { body }".
func (p *parser) graph(outer *scope, outerOpsets map[string]int64) (*Graph, error) {
	if err := p.expect(tIdent, "graph"); err != nil {
		return nil, err
	}
	g := &Graph{Opsets: outerOpsets}
	if t := p.peek(); t.kind == tIdent || t.kind == tString {
		g.Name = p.next().text
	}
	sc := &scope{vals: map[string]*Value{}, parent: outer}
	if err := p.expect(tPunct, "("); err != nil {
		return nil, err
	}
	for !p.accept(tPunct, ")") {
		if len(g.Inputs) > 0 {
			if err := p.expect(tPunct, ","); err != nil {
				return nil, err
			}
		}
		v, err := p.valueDef(sc, false)
		if err != nil {
			return nil, err
		}
		g.Inputs = append(g.Inputs, v)
	}
	outs, err := p.outputNames()
	if err != nil {
		return nil, err
	}
	if err := p.expect(tPunct, "{"); err != nil {
		return nil, err
	}
	if err := p.body(g, sc); err != nil {
		return nil, err
	}
	for _, o := range outs {
		if o.text == "_" {
			g.Outputs = append(g.Outputs, nil)
			continue
		}
		v := sc.lookup(o.text)
		if v == nil {
			return nil, p.errAt(o, "graph output %s is not defined", o)
		}
		g.Outputs = append(g.Outputs, v)
	}
	return g, nil
}

// outputNames reads "-> (%a, %b)" (resolved after the body).
func (p *parser) outputNames() ([]token, error) {
	if err := p.expect(tPunct, "->"); err != nil {
		return nil, err
	}
	if err := p.expect(tPunct, "("); err != nil {
		return nil, err
	}
	var outs []token
	for !p.accept(tPunct, ")") {
		if len(outs) > 0 {
			if err := p.expect(tPunct, ","); err != nil {
				return nil, err
			}
		}
		t := p.next()
		if t.kind != tValue && !(t.kind == tIdent && t.text == "_") {
			return nil, p.errAt(t, "expected a graph output, found %s", t)
		}
		outs = append(outs, t)
	}
	return outs, nil
}

// body reads the statements of a graph up to its closing brace.
func (p *parser) body(g *Graph, sc *scope) error {
	ownOpsets := false
	for {
		p.skipNewlines()
		t := p.peek()
		switch {
		case t.kind == tPunct && t.text == "}":
			p.next()
			return nil
		case t.kind == tIdent && t.text == "opset":
			p.next()
			if err := p.opset(g, &ownOpsets); err != nil {
				return err
			}
		case t.kind == tIdent && t.text == "doc":
			p.next()
			s := p.next()
			if s.kind != tString {
				return p.errAt(s, "expected the doc string, found %s", s)
			}
			g.Doc = s.text
		case t.kind == tEOF:
			return p.errAt(t, "missing } at the end of graph %q", g.Name)
		default:
			if err := p.statement(g, sc); err != nil {
				return err
			}
		}
		if t := p.peek(); t.kind != tNewline && !p.is(tPunct, "}") {
			return p.errAt(t, "expected the end of the line, found %s", t)
		}
	}
}

// opset reads `"domain" version`; the first one of a graph starts its own
// opset map (a nested graph without opset lines shares its parent's).
func (p *parser) opset(g *Graph, own *bool) error {
	d := p.next()
	if d.kind != tString {
		return p.errAt(d, "expected the opset domain as a string, found %s", d)
	}
	v, err := p.int()
	if err != nil {
		return err
	}
	if !*own {
		g.Opsets, *own = map[string]int64{}, true
	}
	g.Opsets[normDomain(d.text)] = v
	return nil
}

// statement reads a constant or a node line.
func (p *parser) statement(g *Graph, sc *scope) error {
	var outs []*Value
	if p.accept(tPunct, "(") {
		if err := p.expect(tPunct, ")"); err != nil {
			return err
		}
	} else {
		for {
			if p.is(tIdent, "_") {
				p.next()
				outs = append(outs, nil)
			} else {
				v, err := p.valueDef(sc, true)
				if err != nil {
					return err
				}
				outs = append(outs, v)
			}
			if !p.accept(tPunct, ",") {
				break
			}
		}
	}
	if err := p.expect(tPunct, "="); err != nil {
		return err
	}
	if p.accept(tIdent, "const") {
		return p.constant(g, outs)
	}
	n, err := p.node(g, sc)
	if err != nil {
		return err
	}
	n.Outputs = outs
	for _, o := range outs {
		if o != nil {
			o.Producer = n
		}
	}
	g.Nodes = append(g.Nodes, n)
	return nil
}

// constant completes "%name = const TENSOR".
func (p *parser) constant(g *Graph, outs []*Value) error {
	t := p.peek()
	if len(outs) != 1 || outs[0] == nil {
		return p.errAt(t, "const defines exactly one value")
	}
	tensor, err := p.tensor()
	if err != nil {
		return err
	}
	v := outs[0]
	if v.DType == Undefined && !v.Shape.Ranked && v.Kind == TensorValue {
		v.DType, v.Shape = tensor.DType, ShapeOf(tensor.Shape...)
	}
	v.Const = tensor
	g.Initializers = append(g.Initializers, v)
	return nil
}

// node reads "[domain:]Op[@version] inputs {attrs}".
func (p *parser) node(g *Graph, sc *scope) (*Node, error) {
	n := &Node{}
	op, err := p.name("an op")
	if err != nil {
		return nil, err
	}
	if p.accept(tPunct, ":") {
		n.Domain = normDomain(op)
		if op, err = p.name("an op"); err != nil {
			return nil, err
		}
	}
	n.Op = op
	n.Version = impliedVersion(n.Domain, n.Op, g.Opsets)
	if p.accept(tPunct, "@") {
		if n.Version, err = p.int(); err != nil {
			return nil, err
		}
	}
	if t := p.peek(); t.kind == tValue || (t.kind == tIdent && t.text == "_") {
		for {
			t := p.next()
			switch {
			case t.kind == tIdent && t.text == "_":
				n.Inputs = append(n.Inputs, nil)
			case t.kind == tValue:
				v := sc.lookup(t.text)
				if v == nil {
					return nil, p.errAt(t, "%s is not defined", t)
				}
				n.Inputs = append(n.Inputs, v)
			default:
				return nil, p.errAt(t, "expected an input, found %s", t)
			}
			if !p.accept(tPunct, ",") {
				break
			}
		}
	}
	if p.accept(tPunct, "{") {
		if err := p.attrs(n, sc, g.Opsets); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// attrs reads "name=value, ..." up to the closing brace.
func (p *parser) attrs(n *Node, sc *scope, opsets map[string]int64) error {
	for {
		p.skipNewlines()
		if p.accept(tPunct, "}") {
			return nil
		}
		key := p.next()
		if key.kind != tIdent && key.kind != tString {
			return p.errAt(key, "expected an attribute name, found %s", key)
		}
		if err := p.expect(tPunct, "="); err != nil {
			return err
		}
		if key.kind == tIdent && key.text == "name" {
			s := p.next()
			if s.kind != tString {
				return p.errAt(s, "expected the node name as a string, found %s", s)
			}
			n.Name = s.text
		} else {
			a, err := p.attrValue(sc, opsets)
			if err != nil {
				return err
			}
			if n.Attrs == nil {
				n.Attrs = map[string]*Attr{}
			}
			if _, dup := n.Attrs[key.text]; dup {
				return p.errAt(key, "attribute %s given twice", key.text)
			}
			n.Attrs[key.text] = a
		}
		p.skipNewlines()
		if !p.accept(tPunct, ",") && !p.is(tPunct, "}") {
			return p.errAt(p.peek(), "expected , or } after an attribute, found %s", p.peek())
		}
	}
}

// listKinds are the kind names that may prefix a list attribute.
var listKinds = map[string]AttrKind{"ints": AttrInts, "floats": AttrFloats, "strings": AttrStrings,
	"tensors": AttrTensors, "graphs": AttrGraphs, "sparse_tensors": AttrSparseTensors, "type_protos": AttrTypeProtos}

func (p *parser) attrValue(sc *scope, opsets map[string]int64) (*Attr, error) {
	t := p.peek()
	switch {
	case t.kind == tNumber || t.kind == tIdent && (t.text == "inf" || t.text == "nan"):
		p.next()
		if isIntLiteral(t.text) {
			v, err := strconv.ParseInt(t.text, 10, 64)
			if err != nil {
				return nil, p.errAt(t, "bad int %s", t.text)
			}
			return &Attr{Kind: AttrInt, Int: v}, nil
		}
		f, err := strconv.ParseFloat(t.text, 32)
		if err != nil {
			return nil, p.errAt(t, "bad float %s", t.text)
		}
		return &Attr{Kind: AttrFloat, Float: float32(f)}, nil
	case t.kind == tString:
		p.next()
		return &Attr{Kind: AttrString, String: t.text}, nil
	case t.kind == tPunct && t.text == "[":
		return p.list(AttrUndefined, sc, opsets)
	case t.kind == tIdent && t.text == "graph":
		g, err := p.graph(sc, opsets)
		return &Attr{Kind: AttrGraph, Graph: g}, err
	case t.kind == tIdent && t.text == "sparse_tensor":
		p.next()
		tensor, err := p.tensor()
		return &Attr{Kind: AttrSparseTensor, Tensor: tensor}, err
	case t.kind == tIdent && t.text == "type_proto":
		p.next()
		v, err := p.typeOnly()
		return &Attr{Kind: AttrTypeProto, Type: v}, err
	case t.kind == tIdent && t.text == "undefined":
		p.next()
		return &Attr{}, nil
	case t.kind == tIdent && listKinds[t.text] != AttrUndefined:
		p.next()
		return p.list(listKinds[t.text], sc, opsets)
	case t.kind == tIdent:
		if _, ok := ParseDType(t.text); ok {
			tensor, err := p.tensor()
			return &Attr{Kind: AttrTensor, Tensor: tensor}, err
		}
	}
	return nil, p.errAt(t, "expected an attribute value, found %s", t)
}

// list reads "[v, ...]"; kind is AttrUndefined when the elements decide it.
func (p *parser) list(kind AttrKind, sc *scope, opsets map[string]int64) (*Attr, error) {
	if err := p.expect(tPunct, "["); err != nil {
		return nil, err
	}
	a := &Attr{Kind: kind}
	var nums []token
	for i := 0; ; i++ {
		p.skipNewlines()
		if p.accept(tPunct, "]") {
			break
		}
		if i > 0 {
			if err := p.expect(tPunct, ","); err != nil {
				return nil, err
			}
			p.skipNewlines()
		}
		t := p.peek()
		if a.Kind == AttrUndefined {
			a.Kind = listKindOf(t)
		}
		var err error
		switch a.Kind {
		case AttrInts, AttrFloats:
			nums = append(nums, p.next())
		case AttrStrings:
			var s string
			s, err = p.str()
			a.Strings = append(a.Strings, s)
		case AttrTensors, AttrSparseTensors:
			var tensor *Tensor
			tensor, err = p.tensor()
			a.Tensors = append(a.Tensors, tensor)
		case AttrGraphs:
			var g *Graph
			g, err = p.graph(sc, opsets)
			a.Graphs = append(a.Graphs, g)
		case AttrTypeProtos:
			var v *Value
			v, err = p.typeOnly()
			a.Types = append(a.Types, v)
		default:
			err = p.errAt(t, "expected a list element, found %s", t)
		}
		if err != nil {
			return nil, err
		}
	}
	return a, p.numbers(a, nums)
}

// listKindOf guesses a list's kind from its first element.
func listKindOf(t token) AttrKind {
	switch {
	case t.kind == tNumber || t.kind == tIdent && (t.text == "inf" || t.text == "nan"):
		return AttrInts // numbers decide between ints and floats at the end
	case t.kind == tString:
		return AttrStrings
	case t.kind == tIdent && t.text == "graph":
		return AttrGraphs
	case t.kind == tIdent:
		if _, ok := ParseDType(t.text); ok {
			return AttrTensors
		}
	}
	return AttrUndefined
}

// numbers fills an ints or floats list: floats when declared so or when
// any element is not an integer literal.
func (p *parser) numbers(a *Attr, nums []token) error {
	if a.Kind != AttrInts && a.Kind != AttrFloats {
		return nil
	}
	for _, t := range nums {
		if !isIntLiteral(t.text) {
			a.Kind = AttrFloats
		}
	}
	for _, t := range nums {
		if a.Kind == AttrInts {
			v, err := strconv.ParseInt(t.text, 10, 64)
			if err != nil {
				return p.errAt(t, "bad int %s", t.text)
			}
			a.Ints = append(a.Ints, v)
			continue
		}
		f, err := strconv.ParseFloat(t.text, 32)
		if err != nil {
			return p.errAt(t, "bad float %s", t.text)
		}
		a.Floats = append(a.Floats, float32(f))
	}
	return nil
}

func isIntLiteral(s string) bool {
	s = strings.TrimLeft(s, "+-")
	return s != "" && runLen(s, func(c byte) bool { return c >= '0' && c <= '9' }) == len(s)
}

func (p *parser) str() (string, error) {
	t := p.next()
	if t.kind != tString {
		return "", p.errAt(t, "expected a string, found %s", t)
	}
	return t.text, nil
}

func (p *parser) int() (int64, error) {
	t := p.next()
	v, err := strconv.ParseInt(t.text, 10, 64)
	if t.kind != tNumber || err != nil {
		return 0, p.errAt(t, "expected an integer, found %s", t)
	}
	return v, nil
}

// valueDef reads "%name[:type]" and defines it in sc.
func (p *parser) valueDef(sc *scope, allowConstOfInput bool) (*Value, error) {
	t := p.next()
	if t.kind != tValue {
		return nil, p.errAt(t, "expected a value, found %s", t)
	}
	v := &Value{Name: t.text}
	if p.accept(tPunct, ":") {
		if err := p.typeInto(v); err != nil {
			return nil, err
		}
	}
	if old, dup := sc.vals[t.text]; dup {
		// An initializer may give a graph input its default value.
		if allowConstOfInput && p.is(tPunct, "=") && p.toks[p.pos+1].text == "const" && old.Producer == nil && old.Const == nil {
			return old, nil
		}
		return nil, p.errAt(t, "%s is defined twice", t)
	}
	sc.vals[t.text] = v
	return v, nil
}

var kindNames = map[string]ValueKind{"seq": SequenceValue, "opt": OptionalValue, "map": MapValue, "sparse": SparseTensorValue}

// typeOnly reads a type as a nameless value (type_proto attributes).
func (p *parser) typeOnly() (*Value, error) {
	v := &Value{}
	return v, p.typeInto(v)
}

// typeInto reads "kind<dtype[dims]>" or "dtype[dims]" into v.
func (p *parser) typeInto(v *Value) error {
	t := p.peek()
	if k, ok := kindNames[t.text]; ok && t.kind == tIdent {
		p.next()
		v.Kind = k
		if err := p.expect(tPunct, "<"); err != nil {
			return err
		}
		if err := p.tensorType(v); err != nil {
			return err
		}
		return p.expect(tPunct, ">")
	}
	return p.tensorType(v)
}

func (p *parser) tensorType(v *Value) error {
	t := p.next()
	switch {
	case t.kind == tPunct && t.text == "?":
	case t.kind == tIdent:
		dt, ok := ParseDType(t.text)
		if !ok || dt == Undefined {
			return p.errAt(t, "unknown element type %s", t)
		}
		v.DType = dt
	default:
		return p.errAt(t, "expected an element type, found %s", t)
	}
	if !p.is(tPunct, "[") {
		return nil
	}
	s, err := p.dims()
	v.Shape = s
	return err
}

// dims reads "[d, ...]" of sizes, symbols and ?.
func (p *parser) dims() (Shape, error) {
	if err := p.expect(tPunct, "["); err != nil {
		return Shape{}, err
	}
	s := Shape{Ranked: true}
	for !p.accept(tPunct, "]") {
		if len(s.Dims) > 0 {
			if err := p.expect(tPunct, ","); err != nil {
				return Shape{}, err
			}
		}
		t := p.next()
		switch {
		case t.kind == tPunct && t.text == "?":
			s.Dims = append(s.Dims, UnknownDim)
		case t.kind == tNumber && isIntLiteral(t.text):
			n, err := strconv.ParseInt(t.text, 10, 64)
			if err != nil || n < 0 {
				return Shape{}, p.errAt(t, "bad dim %s", t.text)
			}
			s.Dims = append(s.Dims, Fixed(n))
		case t.kind == tIdent || t.kind == tString:
			s.Dims = append(s.Dims, Symbol(t.text))
		default:
			return Shape{}, p.errAt(t, "expected a dim, found %s", t)
		}
	}
	return s, nil
}

// tensor reads "dtype[dims] [elements]".
func (p *parser) tensor() (*Tensor, error) {
	t := p.next()
	dt, ok := ParseDType(t.text)
	if t.kind != tIdent || !ok || dt == Undefined {
		return nil, p.errAt(t, "expected a tensor element type, found %s", t)
	}
	s, err := p.dims()
	if err != nil {
		return nil, err
	}
	if !s.Static() {
		return nil, p.errAt(t, "tensor shape %v is not static", s)
	}
	shape := s.Sizes()
	n, err := NumElements(shape)
	if err != nil {
		return nil, p.errAt(t, "%v", err)
	}
	if p.is(tPunct, "<") {
		return nil, p.errAt(p.peek(), "tensor data is elided; Parse needs the elements inline")
	}
	if n > MaxElements/2 {
		return nil, p.errAt(t, "tensor of shape %v is too large for the text form", shape)
	}
	if err := p.expect(tPunct, "["); err != nil {
		return nil, err
	}
	var elems []token
	for !p.accept(tPunct, "]") {
		if len(elems) > 0 {
			if err := p.expect(tPunct, ","); err != nil {
				return nil, err
			}
		}
		p.skipNewlines()
		elems = append(elems, p.next())
		p.skipNewlines()
	}
	want := n
	if dt == Complex64 || dt == Complex128 {
		want *= 2
	}
	if int64(len(elems)) != want {
		return nil, p.errAt(t, "tensor of shape %v needs %d elements, found %d", shape, want, len(elems))
	}
	tensor, err := p.tensorData(dt, shape, elems)
	if err != nil {
		return nil, err
	}
	return tensor, nil
}

// tensorData converts element tokens to a tensor of the given type.
func (p *parser) tensorData(dt DType, shape []int64, elems []token) (*Tensor, error) {
	tensor, err := NewTensor(dt, shape)
	if err != nil {
		return nil, p.errAt(elems[0], "%v", err)
	}
	bad := func(e token) error { return p.errAt(e, "bad %v element %s", dt, e) }
	switch d := tensor.Data.(type) {
	case []string:
		for i, e := range elems {
			if e.kind != tString {
				return nil, bad(e)
			}
			d[i] = e.text
		}
	case []bool:
		for i, e := range elems {
			if e.kind != tIdent || (e.text != "true" && e.text != "false") {
				return nil, bad(e)
			}
			d[i] = e.text == "true"
		}
	case []uint64:
		for i, e := range elems {
			v, err := strconv.ParseUint(e.text, 10, 64)
			if err != nil {
				return nil, bad(e)
			}
			d[i] = v
		}
	case []complex64, []complex128:
		vals, err := p.floats(elems, dt)
		if err != nil {
			return nil, err
		}
		for i := 0; i < len(vals); i += 2 {
			if c, ok := d.([]complex64); ok {
				c[i/2] = complex(float32(vals[i]), float32(vals[i+1]))
			} else {
				d.([]complex128)[i/2] = complex(vals[i], vals[i+1])
			}
		}
	default:
		if dt.IsFloat() {
			vals, err := p.floats(elems, dt)
			if err != nil {
				return nil, err
			}
			return FromFloat64s(dt, shape, vals)
		}
		vals := make([]int64, len(elems))
		for i, e := range elems {
			v, err := strconv.ParseInt(e.text, 10, 64)
			if err != nil {
				return nil, bad(e)
			}
			vals[i] = v
		}
		return FromInt64s(dt, shape, vals)
	}
	return tensor, nil
}

// floats reads float elements at the precision of dt (64 bits for the
// double types, else 32).
func (p *parser) floats(elems []token, dt DType) ([]float64, error) {
	bits := 32
	if dt == Float64 || dt == Complex128 {
		bits = 64
	}
	vals := make([]float64, len(elems))
	for i, e := range elems {
		v, err := strconv.ParseFloat(e.text, bits)
		if err != nil {
			return nil, p.errAt(e, "bad %v element %s", dt, e)
		}
		vals[i] = v
	}
	return vals, nil
}
