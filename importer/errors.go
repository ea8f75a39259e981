package importer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tfc-project/tfc/ir"
)

// UnsupportedOp is one operator that tfc cannot import, with every node
// that uses it.
type UnsupportedOp struct {
	Op     string
	Domain string // "" for the default ai.onnx domain
	// Opset is the version of Domain the model imports (0 when the model
	// does not import the domain at all).
	Opset int64
	Nodes []string // node names; unnamed nodes appear as "(unnamed)"
}

// UnsupportedOpsError lists every unsupported operator of a model at once.
type UnsupportedOpsError struct {
	Ops []UnsupportedOp
}

func (e *UnsupportedOpsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model uses %d unsupported operator(s):", len(e.Ops))
	for _, op := range e.Ops {
		domain := op.Domain
		if domain == "" {
			domain = "ai.onnx"
		}
		opset := fmt.Sprintf("opset %d", op.Opset)
		if op.Opset == 0 {
			opset = "domain not imported"
		}
		fmt.Fprintf(&b, "\n  %s (%s, %s): nodes %s", ir.QualifiedOp(op.Domain, op.Op), domain, opset,
			strings.Join(op.Nodes, ", "))
	}
	return b.String()
}

type opKey struct {
	op, domain string
	opset      int64
}

// unsupportedSet collects unsupported ops while a model is imported.
type unsupportedSet struct {
	byKey map[opKey]*UnsupportedOp
	order []*UnsupportedOp
}

func (u *unsupportedSet) add(domain, op string, opset int64, node string) {
	if node == "" {
		node = "(unnamed)"
	}
	key := opKey{op, domain, opset}
	e := u.byKey[key]
	if e == nil {
		if u.byKey == nil {
			u.byKey = map[opKey]*UnsupportedOp{}
		}
		e = &UnsupportedOp{Op: op, Domain: domain, Opset: opset}
		u.byKey[key] = e
		u.order = append(u.order, e)
	}
	e.Nodes = append(e.Nodes, node)
}

// err returns the collected ops as an error, sorted by domain and op, or nil.
func (u *unsupportedSet) err() error {
	if len(u.order) == 0 {
		return nil
	}
	ops := make([]UnsupportedOp, len(u.order))
	for i, e := range u.order {
		ops[i] = *e
	}
	sort.SliceStable(ops, func(i, j int) bool {
		if ops[i].Domain != ops[j].Domain {
			return ops[i].Domain < ops[j].Domain
		}
		return ops[i].Op < ops[j].Op
	})
	return &UnsupportedOpsError{Ops: ops}
}
