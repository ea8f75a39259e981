//go:build !amd64

package gemm

func bestKernel() *kernel { return goKernel }

// kernels lists the kernels this CPU can run.
func kernels() []*kernel { return []*kernel{goKernel} }
