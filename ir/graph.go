package ir

import "fmt"

// Graph is a computation graph: values flow from Inputs (and constant
// initializers) through Nodes, kept in topological order, to Outputs.
// A graph nested in a node attribute (If/Loop/Scan bodies) may read values
// of enclosing graphs directly; those appear in its nodes' Inputs but are
// produced outside it.
type Graph struct {
	Name    string
	Inputs  []*Value
	Outputs []*Value
	Nodes   []*Node
	// Initializers are the constant values (weights) of the graph, in file order.
	Initializers []*Value
	// Opsets maps an operator domain ("" for the default ai.onnx domain) to
	// the opset version the graph imports. Nested graphs share the model's.
	Opsets map[string]int64
	// Doc is free text carried from the source model.
	Doc string
}

// Value is an edge of the graph: a graph input, an initializer, or a node output.
type Value struct {
	Name  string
	DType DType
	Shape Shape
	// Const is the value's data when it is an initializer (nil otherwise).
	Const *Tensor
	// Producer is the node computing the value; nil for inputs and initializers.
	Producer *Node
	// Kind says what non-tensor type the value has, if any (sequences, optionals, maps).
	Kind ValueKind
}

// ValueKind distinguishes tensors from the ONNX container types.
type ValueKind int

// The kinds of values. Only tensors are computed by tfc today.
const (
	TensorValue ValueKind = iota
	SequenceValue
	OptionalValue
	MapValue
	SparseTensorValue
)

// Node is one operator application.
type Node struct {
	Name   string
	Op     string // operator type, e.g. "MatMul"
	Domain string // "" for ai.onnx
	// Version is the operator-set version of the op's definition that applies:
	// the largest version of the op that is not above the domain's opset import.
	Version int64
	// Inputs holds one entry per input slot; an omitted optional input is nil.
	Inputs  []*Value
	Outputs []*Value // an omitted optional output is nil
	Attrs   map[string]*Attr
}

// AttrKind is the type of an attribute value.
type AttrKind int

// The attribute kinds of ONNX.
const (
	AttrUndefined AttrKind = iota
	AttrFloat
	AttrInt
	AttrString
	AttrTensor
	AttrGraph
	AttrFloats
	AttrInts
	AttrStrings
	AttrTensors
	AttrGraphs
	AttrSparseTensor
	AttrSparseTensors
	AttrTypeProto
	AttrTypeProtos
)

var attrKindNames = [...]string{"undefined", "float", "int", "string", "tensor", "graph", "floats",
	"ints", "strings", "tensors", "graphs", "sparse_tensor", "sparse_tensors", "type_proto", "type_protos"}

func (k AttrKind) String() string {
	if int(k) < len(attrKindNames) {
		return attrKindNames[k]
	}
	return fmt.Sprintf("attrkind(%d)", int(k))
}

// Attr is one attribute value; the field that matches Kind is set.
type Attr struct {
	Kind    AttrKind
	Float   float32
	Int     int64
	String  string // also holds raw bytes of ONNX string attributes
	Tensor  *Tensor
	Graph   *Graph
	Floats  []float32
	Ints    []int64
	Strings []string
	Tensors []*Tensor
	Graphs  []*Graph
	// Type holds a type_proto attribute as the value type it describes.
	Type  *Value
	Types []*Value
}

// Attr returns the named attribute, or nil.
func (n *Node) Attr(name string) *Attr {
	if n.Attrs == nil {
		return nil
	}
	return n.Attrs[name]
}

// AttrInt returns an int attribute or def when absent.
func (n *Node) AttrInt(name string, def int64) int64 {
	if a := n.Attr(name); a != nil && a.Kind == AttrInt {
		return a.Int
	}
	return def
}

// AttrFloat returns a float attribute or def when absent.
func (n *Node) AttrFloat(name string, def float32) float32 {
	if a := n.Attr(name); a != nil && a.Kind == AttrFloat {
		return a.Float
	}
	return def
}

// AttrString returns a string attribute or def when absent.
func (n *Node) AttrString(name string, def string) string {
	if a := n.Attr(name); a != nil && a.Kind == AttrString {
		return a.String
	}
	return def
}

// AttrInts returns an ints attribute (nil, false when absent).
func (n *Node) AttrInts(name string) ([]int64, bool) {
	if a := n.Attr(name); a != nil && a.Kind == AttrInts {
		return a.Ints, true
	}
	return nil, false
}

// AttrFloats returns a floats attribute (nil, false when absent).
func (n *Node) AttrFloats(name string) ([]float32, bool) {
	if a := n.Attr(name); a != nil && a.Kind == AttrFloats {
		return a.Floats, true
	}
	return nil, false
}

// Input returns input slot i, or nil when it is omitted or out of range.
func (n *Node) Input(i int) *Value {
	if i < 0 || i >= len(n.Inputs) {
		return nil
	}
	return n.Inputs[i]
}

// QualifiedOp returns "Op" for the default domain and "domain:Op" otherwise.
func (n *Node) QualifiedOp() string { return QualifiedOp(n.Domain, n.Op) }

// QualifiedOp joins a domain and an op type the way tfc's tables key them.
func QualifiedOp(domain, op string) string {
	if domain == "" || domain == "ai.onnx" {
		return op
	}
	return domain + ":" + op
}

// Describe names the node for error messages: `Op "name"`.
func (n *Node) Describe() string {
	if n.Name == "" {
		return n.QualifiedOp() + " (unnamed)"
	}
	return fmt.Sprintf("%s %q", n.QualifiedOp(), n.Name)
}

// Walk calls f for every node of g and, depth first, of its nested graphs.
func (g *Graph) Walk(f func(*Graph, *Node)) {
	for _, n := range g.Nodes {
		f(g, n)
		for _, a := range n.Attrs {
			if a.Graph != nil {
				a.Graph.Walk(f)
			}
			for _, sg := range a.Graphs {
				sg.Walk(f)
			}
		}
	}
}

// Uses returns, for every value consumed in g (including in nested graphs
// and by the graph outputs), the nodes that read it. Graph outputs are
// recorded under a nil node entry.
func (g *Graph) Uses() map[*Value][]*Node {
	uses := map[*Value][]*Node{}
	g.Walk(func(_ *Graph, n *Node) {
		for _, in := range n.Inputs {
			if in != nil {
				uses[in] = append(uses[in], n)
			}
		}
	})
	for _, o := range g.Outputs {
		uses[o] = append(uses[o], nil)
	}
	return uses
}
