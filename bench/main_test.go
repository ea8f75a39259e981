package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/internal/benchkit"
)

// TestMain lets the test binary serve as the harness's worker process.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == "-worker" || os.Args[1] == "-compile") {
		os.Exit(mainStatus(os.Args[1:]))
	}
	os.Exit(m.Run())
}

const smallModel = "../testmodels/bert_op17/model.onnx"

var smallShapes = map[string][]int64{"input_ids": {1, 8}, "attention_mask": {1, 8}, "token_type_ids": {1, 8}}

// ortLib returns the onnxruntime library, or skips the test.
func ortLib(t *testing.T) string {
	lib := envOr("TFC_ORT_LIB", defaultORTLib)
	if _, err := os.Stat(lib); err != nil {
		t.Skipf("no onnxruntime library (%v); see README.md", err)
	}
	return lib
}

func TestRunConfigSmall(t *testing.T) {
	engines := []string{"tfc", "gonnx", "onnx-go"}
	lib := defaultORTLib
	if _, err := os.Stat(envOr("TFC_ORT_LIB", defaultORTLib)); err == nil {
		lib = envOr("TFC_ORT_LIB", defaultORTLib)
		engines = append([]string{"onnxruntime"}, engines...)
	}
	a, err := benchkit.AnalyzeFile(smallModel, smallShapes)
	if err != nil {
		t.Fatal(err)
	}
	c := config{engines: engines, iters: 3, warmup: 1, budget: 1e9, timeout: 6e10, ortLib: lib}
	artifact := filepath.Join(t.TempDir(), "bert.tfc")
	note, err := compileTFC(smallModel, artifact, a.Inputs, c.timeout)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(note, "tfc runs "+artifact) || !strings.Contains(note, "peak RSS") {
		t.Errorf("compile note %q", note)
	}
	rows := runConfig(c, smallModel, artifact, a, 1)
	for i, r := range rows {
		t.Logf("%s: %+v", engines[i], r)
	}
	if r := rows[slices.Index(engines, "tfc")]; r.Err != "" || r.N != 3 || r.Median <= 0 || r.PeakRSS <= 0 || r.GFLOPS <= 0 {
		t.Errorf("tfc row %+v", r)
	}
	if i := slices.Index(engines, "onnxruntime"); i >= 0 {
		if r := rows[i]; r.Err != "" || r.N != 3 || r.Ratio != 1 {
			t.Errorf("onnxruntime row %+v", r)
		}
	}
	for _, r := range rows {
		if r.Err != "" && !strings.HasPrefix(r.Err, "cannot load: ") && !strings.HasPrefix(r.Err, "cannot run: ") {
			t.Errorf("%s: error %q does not say what failed", r.Engine, r.Err)
		}
	}
}

func TestWorkerLoadError(t *testing.T) {
	_, err := startWorker(workerConfig{engine: "tfc", model: "no-such-model.onnx", threads: 1}, 6e10)
	if err == nil || !strings.Contains(err.Error(), "cannot load") {
		t.Fatalf("error %v", err)
	}
}

// TestFullSizeORT runs onnxruntime once on each full-size model.
func TestFullSizeORT(t *testing.T) {
	if testing.Short() {
		t.Skip("full-size models in -short mode")
	}
	lib := ortLib(t)
	for _, model := range []string{"models/bert_base.onnx", "models/gpt2_small.onnx"} {
		if _, err := os.Stat(model); err != nil {
			t.Skipf("no %s; generate it with gen/generate.py (README.md)", model)
		}
		a, err := benchkit.AnalyzeFile(model, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := config{engines: []string{"onnxruntime"}, iters: 1, budget: 1e9, timeout: 6e10, ortLib: lib}
		if r := runConfig(c, model, "", a, 1)[0]; r.Err != "" || r.N != 1 {
			t.Errorf("%s: %+v", model, r)
		}
	}
}
