package passes

import (
	"fmt"

	"github.com/tfc-project/tfc/ir"
)

// valueNamer hands out value names not yet taken anywhere in a graph and
// its nested graphs (ONNX wants names unique across the whole model).
type valueNamer struct {
	taken map[string]bool
}

func newValueNamer(g *ir.Graph) *valueNamer {
	nm := &valueNamer{taken: map[string]bool{}}
	forEachGraph(g, func(sg *ir.Graph) {
		for _, v := range sg.Inputs {
			nm.taken[v.Name] = true
		}
		for _, v := range sg.Initializers {
			nm.taken[v.Name] = true
		}
		for _, n := range sg.Nodes {
			for _, o := range n.Outputs {
				if o != nil {
					nm.taken[o.Name] = true
				}
			}
		}
	})
	return nm
}

// fresh returns base, or base_N for the first N that makes it unused.
func (nm *valueNamer) fresh(base string) string {
	name := base
	for i := 1; nm.taken[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	nm.taken[name] = true
	return name
}

// constant adds t to sg's initializers under a fresh name and returns its value.
func (nm *valueNamer) constant(sg *ir.Graph, base string, t *ir.Tensor) *ir.Value {
	v := &ir.Value{Name: nm.fresh(base), DType: t.DType, Shape: ir.ShapeOf(t.Shape...), Const: t}
	sg.Initializers = append(sg.Initializers, v)
	return v
}

// sinceVersion is the version of op's definition in force under g's
// default-domain opset, or 0 when the op is not defined there. Pass the
// top graph: nested graphs share the model's opsets (theirs may be nil).
func sinceVersion(g *ir.Graph, op string) int64 {
	s, err := ir.ResolveOp("", op, g.Opsets[""])
	if err != nil {
		return 0
	}
	return s.Since
}
