// Package elementwise holds the reference kernels of the elementwise ops:
// unary math, activations, broadcasting binary and variadic ops, logic and
// comparison, Where, Clip, and the casts.
package elementwise

import "github.com/tfc-project/tfc/exec/kernel"

// Register adds the package's kernels to r.
func Register(r kernel.Registry) {}
