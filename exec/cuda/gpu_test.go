package cuda

import (
	"errors"
	"math"
	"os"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/ir"
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

// TestRunBlock runs the block on the GPU, eagerly and then from the
// captured graph, and compares with the CPU reference (relative error
// ≤ 1e-4 in float32).
func TestRunBlock(t *testing.T) {
	needGPU(t)
	p := blockPlan(t)
	x, _ := ir.NewTensor(ir.Float32, []int64{2, 8, 16})
	for i, xs := 0, x.Data.([]float32); i < len(xs); i++ {
		xs[i] = float32(math.Cos(float64(i)))
	}
	ids, _ := ir.NewTensor(ir.Int64, []int64{2, 8})
	for i, is := 0, ids.Data.([]int64); i < len(is); i++ {
		is[i] = int64(i % 4)
	}
	in := map[string]*ir.Tensor{"x": x, "ids": ids}
	want, err := exec.NewInterpreter().Run(p.Graph, in)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for run := range 3 {
		got, err := r.Run(in)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		w, g := want["y"].Float64s(), got["y"].Float64s()
		worst := 0.0
		for i := range w {
			worst = max(worst, math.Abs(g[i]-w[i])/max(math.Abs(w[i]), 1e-3))
		}
		t.Logf("run %d: max relative error %.3g", run, worst)
		if worst > 1e-4 {
			t.Errorf("run %d: max relative error %.3g > 1e-4", run, worst)
		}
	}
}
