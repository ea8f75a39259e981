// Package kernel defines the contract between the executor and the
// reference kernels: the kernel function type, the context a kernel sees,
// the registry, and small helpers (required inputs, broadcasting, axes,
// strides, taking elements) that many kernels share.
package kernel

import (
	"fmt"

	"github.com/tfc-project/tfc/ir"
)

// Context is what a kernel sees besides its inputs.
type Context struct {
	// Node is the node being run; kernels read attributes and Version from it.
	Node *ir.Node
	// RunGraph runs a nested graph of the node (an If branch, a Loop or Scan
	// body) on the given inputs, bound in order to the graph's Inputs; values
	// of enclosing graphs that the body reads are visible to it.
	RunGraph func(g *ir.Graph, inputs []*ir.Tensor) ([]*ir.Tensor, error)
}

// Errorf returns an error that names the node, e.g.
// `MatMul "layer0/matmul": inner dimensions differ: [2 3] x [4 5]`.
func (c *Context) Errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %s", c.Node.Describe(), fmt.Sprintf(format, args...))
}

// Func computes a node's outputs from its inputs. inputs has one entry per
// input slot of the node, nil for an omitted optional input. It returns one
// tensor per output slot (nil for an optional output it does not produce).
// A kernel must not modify its inputs.
type Func func(ctx *Context, inputs []*ir.Tensor) ([]*ir.Tensor, error)

// Registry maps a qualified op name (ir.QualifiedOp: "MatMul",
// "com.microsoft:Attention") to its kernel. A kernel handles every version
// of its op, switching on ctx.Node.Version where the semantics changed.
type Registry map[string]Func

// Add registers f for op in domain, refusing duplicates.
func (r Registry) Add(domain, op string, f Func) {
	key := ir.QualifiedOp(domain, op)
	if _, dup := r[key]; dup {
		panic("kernel registered twice: " + key)
	}
	r[key] = f
}

// Single wraps a kernel that produces exactly one output.
func Single(f func(ctx *Context, inputs []*ir.Tensor) (*ir.Tensor, error)) Func {
	return func(ctx *Context, inputs []*ir.Tensor) ([]*ir.Tensor, error) {
		t, err := f(ctx, inputs)
		if err != nil {
			return nil, err
		}
		return []*ir.Tensor{t}, nil
	}
}

// RequireInputs wraps f with a check that the node gives its first n
// inputs (and none of them is an omitted optional input).
func RequireInputs(n int, f Func) Func {
	return func(ctx *Context, inputs []*ir.Tensor) ([]*ir.Tensor, error) {
		if len(inputs) < n {
			return nil, ctx.Errorf("needs %d inputs, got %d", n, len(inputs))
		}
		for i, t := range inputs[:n] {
			if t == nil {
				return nil, ctx.Errorf("input %d is required", i)
			}
		}
		return f(ctx, inputs)
	}
}
