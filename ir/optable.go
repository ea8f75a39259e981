package ir

//go:generate go run ./internal/genops -spec ../../shared/onnx-spec/Changelog.md -out opschemas_gen.go

import (
	"fmt"
	"sort"
	"sync"
)

// TfcDomain is tfc's own operator domain (fused operators).
const TfcDomain = "ai.tfc"

// FusionKind classifies an operator for fusion decisions, after TVM's op
// pattern kinds. The zero value, Opaque, is the safe default.
type FusionKind int

// The fusion kinds, from least to most fusable-into.
const (
	// Opaque ops are not fused with their neighbours.
	Opaque FusionKind = iota
	// Elementwise ops map each input element to the output element at the same index.
	Elementwise
	// Broadcast ops are elementwise after multidirectional broadcasting of their inputs.
	Broadcast
	// Injective ops move or select elements (each output element reads one input element).
	Injective
	// Reduction ops combine elements along axes.
	Reduction
	// MatMulLike ops are contractions (MatMul, Gemm, Conv); elementwise ops fuse into their output.
	MatMulLike
)

var fusionKindNames = [...]string{"opaque", "elementwise", "broadcast", "injective", "reduction", "matmul-like"}

func (k FusionKind) String() string {
	if k >= 0 && int(k) < len(fusionKindNames) {
		return fusionKindNames[k]
	}
	return fmt.Sprintf("fusionkind(%d)", int(k))
}

// OpSchema describes one version of one operator: the data the importer,
// verifier, printer, folder and fuser read.
type OpSchema struct {
	Domain string // "" for ai.onnx
	Name   string
	// Since is the opset version that introduced this definition.
	Since int64
	// MinInputs..MaxInputs is the number of input slots a node may have
	// (MaxInputs -1: unbounded); likewise for outputs.
	MinInputs, MaxInputs   int
	MinOutputs, MaxOutputs int
	Attrs                  []AttrSchema
	// Inputs and Outputs are the formal parameters; the last one may be variadic.
	Inputs, Outputs []Param
	// Types are the type constraints named by the parameters' Type.
	Types []TypeConstraint
	// Kind is the op's fusion kind.
	Kind FusionKind
	// Infer sets the output values' DType and Shape from the inputs; nil
	// when the op has no specific rule (see InferShapes for the fallback).
	Infer func(n *Node) error
	// Deprecated marks definitions the spec deprecates from Since on.
	Deprecated bool

	// infer is the rule behind Infer for the ops of the table; InferShapes
	// calls it with the symbolic values it tracks.
	infer inferFunc
}

// AttrSchema describes one attribute of an operator.
type AttrSchema struct {
	Name     string
	Kind     AttrKind
	Required bool
	Default  *Attr // nil when the attribute has no default
}

// Param is a formal input or output of an operator.
type Param struct {
	Name string
	// Type is a type-constraint name ("T") or a literal type ("tensor(int64)").
	Type string
	// DType is the element type when Type is a literal tensor type.
	DType         DType
	Optional      bool
	Variadic      bool
	Heterogeneous bool // variadic slots may differ in type
}

// TypeConstraint lists the types a type variable may take.
type TypeConstraint struct {
	Name   string
	DTypes []DType  // the tensor element types allowed
	Other  []string // non-tensor types allowed, as the spec writes them ("seq(tensor(float))")
}

// registry indexes the schemas by domain and op, each list sorted by Since.
var registry = struct {
	sync.RWMutex
	ops map[string]map[string][]*OpSchema
}{ops: map[string]map[string][]*OpSchema{TfcDomain: {}}}

func init() {
	for i := range onnxSchemas {
		s := &onnxSchemas[i]
		if r, ok := opRules[QualifiedOp(s.Domain, s.Name)]; ok {
			r.apply(s)
		}
		if err := RegisterOp(s); err != nil {
			panic(err) // the generated table is consistent; a failure here is a bug in genops
		}
	}
}

// normDomain maps "ai.onnx" to "", tfc's key for the default domain.
func normDomain(d string) string {
	if d == "ai.onnx" {
		return ""
	}
	return d
}

// RegisterOp adds a schema to the op table (e.g. a fused op of the ai.tfc
// domain). It is an error to register the same domain, name and Since twice.
func RegisterOp(s *OpSchema) error {
	if s == nil || s.Name == "" {
		return fmt.Errorf("RegisterOp: schema without a name")
	}
	if s.Since < 1 {
		return fmt.Errorf("RegisterOp %s: Since %d must be positive", QualifiedOp(s.Domain, s.Name), s.Since)
	}
	s.Domain = normDomain(s.Domain)
	registry.Lock()
	defer registry.Unlock()
	byName := registry.ops[s.Domain]
	if byName == nil {
		byName = map[string][]*OpSchema{}
		registry.ops[s.Domain] = byName
	}
	list := byName[s.Name]
	for _, o := range list {
		if o.Since == s.Since {
			return fmt.Errorf("RegisterOp %s-%d: already registered", QualifiedOp(s.Domain, s.Name), s.Since)
		}
	}
	list = append(list, s)
	sort.Slice(list, func(i, j int) bool { return list[i].Since < list[j].Since })
	byName[s.Name] = list
	return nil
}

// LookupOps returns every registered version of an op, oldest first (nil if unknown).
func LookupOps(domain, op string) []*OpSchema {
	registry.RLock()
	defer registry.RUnlock()
	return append([]*OpSchema(nil), registry.ops[normDomain(domain)][op]...)
}

// ResolveOp returns the definition of op that applies under the given
// opset version of its domain: the one with the largest Since ≤ opset.
func ResolveOp(domain, op string, opset int64) (*OpSchema, error) {
	domain = normDomain(domain)
	list := LookupOps(domain, op)
	if len(list) == 0 {
		registry.RLock()
		_, known := registry.ops[domain]
		registry.RUnlock()
		if !known {
			return nil, fmt.Errorf("unknown operator domain %q (op %s)", domain, op)
		}
		return nil, fmt.Errorf("unknown operator %s", QualifiedOp(domain, op))
	}
	var best *OpSchema
	for _, s := range list {
		if s.Since <= opset {
			best = s
		}
	}
	if best == nil {
		return nil, fmt.Errorf("operator %s is not defined at opset %d (first defined in version %d)",
			QualifiedOp(domain, op), opset, list[0].Since)
	}
	return best, nil
}

// MaxOpset returns the newest opset version of a domain that the table
// defines operators for (0 for an unknown or empty domain).
func MaxOpset(domain string) int64 {
	registry.RLock()
	defer registry.RUnlock()
	var v int64
	for _, list := range registry.ops[normDomain(domain)] {
		if s := list[len(list)-1]; s.Since > v {
			v = s.Since
		}
	}
	return v
}

// opRule is the hand-written part of a schema: fusion kind and inference.
type opRule struct {
	kind  FusionKind
	infer inferFunc
}

func (r opRule) apply(s *OpSchema) {
	s.Kind = r.kind
	if r.infer != nil {
		s.setRule(r.infer)
	}
}

// setRule makes f the schema's inference rule, behind Infer as well.
func (s *OpSchema) setRule(f inferFunc) {
	s.infer = f
	s.Infer = func(n *Node) error { return newInferCtx(nil).apply(s, n) }
}

// findAttr returns the schema of the named attribute, or nil.
func findAttr(s *OpSchema, name string) *AttrSchema {
	for i := range s.Attrs {
		if s.Attrs[i].Name == name {
			return &s.Attrs[i]
		}
	}
	return nil
}
