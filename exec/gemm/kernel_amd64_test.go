package gemm

import "testing"

// TestAVX512Available makes visible whether the AVX-512 kernel, which the
// other tests cover through withKernels, ran on this machine.
func TestAVX512Available(t *testing.T) {
	if !hasAVX512 {
		t.Skip("CPU without AVX-512F: the avx512 kernel is not tested here")
	}
}
