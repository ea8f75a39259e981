// Package control holds the reference kernels of the control-flow ops
// If, Loop and Scan, which run nested graphs through kernel.Context.
package control

import "github.com/tfc-project/tfc/exec/kernel"

// Register adds the package's kernels to r.
func Register(r kernel.Registry) {
	r.Add("", "If", ifKernel)
	r.Add("", "Loop", loop)
	r.Add("", "Scan", scan)
}
