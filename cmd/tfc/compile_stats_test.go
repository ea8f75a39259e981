package main

import (
	"path/filepath"
	"testing"
)

// TestCompileStatsCounters checks that --stats shows what the Basic
// simplifications did on the bundled models.
func TestCompileStatsCounters(t *testing.T) {
	code, stdout, _ := tfc("compile", filepath.Join(bertDir, "model.onnx"), "--stats", "--quiet")
	wantOutput(t, code, exitOK, stdout, "simplify squeeze", "merged Unsqueezes: 1", "div to mul",
		"Div by power of two to Mul: 2", "fuse softmax", "fused Attention: 2")
	code, stdout, _ = tfc("compile", "../../testmodels/gpt2_op17/model.onnx", "--stats", "--quiet")
	wantOutput(t, code, exitOK, stdout, "removed Unsqueeze/Squeeze pairs: 10", "Div by power of two to Mul: 2")
	code, stdout, _ = tfc("compile", "../../testmodels/torch_encoder_op17/model.onnx", "--stats", "--quiet")
	wantOutput(t, code, exitOK, stdout, "transposed Gemm weights: ")
}
