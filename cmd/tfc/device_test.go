package main

import (
	"path/filepath"
	"testing"
)

func TestRunDeviceFlags(t *testing.T) {
	model := filepath.Join(bertDir, "model.onnx")
	code, _, stderr := tfc(append([]string{"run", "--device", "tpu", model}, bertSet("0")...)...)
	wantOutput(t, code, exitUsage, stderr, `--device is cpu or cuda, not "tpu"`)
	code, _, stderr = tfc(append([]string{"run", "--device", "cuda", "--reference", model}, bertSet("0")...)...)
	wantOutput(t, code, exitUsage, stderr, "--device cuda runs an ONNX model")
	checkBertRun(t, model, "0", "--device", "cpu")
}
