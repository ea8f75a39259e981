// Package movement holds the reference kernels of the ops that move,
// select or generate data without arithmetic on it: reshapes, transposes,
// concatenation and slicing, gathers and scatters, padding, shape queries
// and generators such as Range and ConstantOfShape.
package movement

import "github.com/tfc-project/tfc/exec/kernel"

// Register adds the package's kernels to r.
func Register(r kernel.Registry) {}
