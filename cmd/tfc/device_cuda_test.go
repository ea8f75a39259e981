//go:build cuda

package main

import (
	"path/filepath"
	"testing"

	"github.com/tfc-project/tfc/exec/cuda"
)

// With CUDA support built in, --device cuda runs BERT on the GPU and
// matches the golden, or, without a GPU, fails saying what is missing.
func TestRunDeviceCUDA(t *testing.T) {
	model := filepath.Join(bertDir, "model.onnx")
	if err := cuda.Available(); err != nil {
		code, _, stderr := tfc(append([]string{"run", "--quiet", "--device", "cuda", model}, bertSet("0")...)...)
		wantOutput(t, code, exitFail, stderr, "--device cuda: ", "no CUDA")
		return
	}
	checkBertRun(t, model, "0", "--quiet", "--device", "cuda")
	checkBertRun(t, model, "1", "--quiet", "--device", "cuda")
}
