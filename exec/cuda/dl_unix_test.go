//go:build linux && (amd64 || arm64)

package cuda

import (
	"strings"
	"testing"
)

// TestBindCallsC checks the cgo-free loader on a library every Linux has:
// a missing library and a missing symbol are errors, and a bound function
// is called with the C calling convention.
func TestBindCallsC(t *testing.T) {
	if _, err := dlopen("libtfc-does-not-exist.so"); err == nil {
		t.Fatal("dlopen of a missing library succeeded")
	}
	lib, err := dlopen("libm.so.6")
	if err != nil {
		t.Skipf("no libm.so.6: %v", err)
	}
	var missing func() int32
	if err := bind(lib, "tfc_no_such_symbol", &missing); err == nil || !strings.Contains(err.Error(), "tfc_no_such_symbol") {
		t.Fatalf("binding a missing symbol: %v", err)
	}
	var ldexp func(x float64, e int32) float64
	if err := bind(lib, "ldexp", &ldexp); err != nil {
		t.Fatal(err)
	}
	if got := ldexp(3, 4); got != 48 {
		t.Fatalf("ldexp(3, 4) = %v", got)
	}
}

func TestDefaultSearch(t *testing.T) {
	t.Setenv(LibDirEnv, "")
	if err := Available(); err != nil {
		t.Logf("no CUDA here: %v", err)
	}
}
