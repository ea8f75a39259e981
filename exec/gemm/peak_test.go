package gemm

import "testing"

func TestPeakGFLOPS(t *testing.T) {
	p := PeakGFLOPS()
	if hasAVX2 && p <= 0 {
		t.Errorf("PeakGFLOPS = %g on a CPU with AVX2+FMA", p)
	}
	if !hasAVX2 && p != 0 {
		t.Errorf("PeakGFLOPS = %g without the FMA loop, want 0", p)
	}
}
