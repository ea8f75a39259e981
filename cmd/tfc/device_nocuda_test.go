//go:build !cuda

package main

import (
	"path/filepath"
	"testing"
)

// The default build is static and says how to get CUDA support.
func TestRunDeviceCUDANotBuilt(t *testing.T) {
	code, _, stderr := tfc(append([]string{"run", "--quiet", "--device", "cuda", filepath.Join(bertDir, "model.onnx")}, bertSet("0")...)...)
	wantOutput(t, code, exitFail, stderr, "built without CUDA support", "-tags cuda")
}
