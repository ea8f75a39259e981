package cuda

import (
	"errors"
	"os"
	"testing"
)

// RequireEnv names the environment variable that turns the skip of a GPU
// test on a machine without CUDA into a failure (set on GPU machines).
const requireEnv = "TFC_CUDA_REQUIRE"

// needGPU skips t without CUDA, or fails it when requireEnv is 1.
func needGPU(t *testing.T) {
	t.Helper()
	if err := Available(); err != nil {
		if os.Getenv(requireEnv) == "1" {
			t.Fatalf("%s=1 but: %v", requireEnv, err)
		}
		t.Skip(err)
	}
}

func TestNoLibraryIsAClearError(t *testing.T) {
	t.Setenv(LibDirEnv, t.TempDir())
	err := Available()
	if err == nil {
		t.Fatal("Available found CUDA in an empty directory")
	}
	var nc *NoCUDAError
	if !errors.Is(err, ErrNoCUDA) || !errors.As(err, &nc) {
		t.Fatalf("error %v (%T) does not match ErrNoCUDA", err, err)
	}
	if _, err := Devices(); !errors.Is(err, ErrNoCUDA) {
		t.Fatalf("Devices: %v", err)
	}
	t.Log(err)
}

func TestDevices(t *testing.T) {
	needGPU(t)
	devs, err := Devices()
	if err != nil || len(devs) == 0 {
		t.Fatalf("Devices: %v, %v", devs, err)
	}
	for _, d := range devs {
		t.Logf("device %d: %s, compute %d.%d (%s), %d SMs, %.1f GiB", d.Ordinal, d.Name, d.Major, d.Minor, d.Arch(), d.SMs, float64(d.Memory)/(1<<30))
	}
}
