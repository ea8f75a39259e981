package importer

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// backendSuites are the conformance folders whose models must import.
var backendSuites = []string{"node", "simple", "pytorch-converted", "pytorch-operator"}

// backendDir returns the ONNX backend test data folder (TFC_ONNX_BACKEND_TESTS,
// or the shared folder beside the repository), skipping the test when absent.
func backendDir(tb testing.TB) string {
	dir := os.Getenv("TFC_ONNX_BACKEND_TESTS")
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			tb.Fatal(err)
		}
		dir = filepath.Join(wd, "..", "..", "shared", "onnx-backend-tests")
	}
	if st, err := os.Stat(filepath.Join(dir, "node")); err != nil || !st.IsDir() {
		tb.Skipf("ONNX backend test data not found at %s (set TFC_ONNX_BACKEND_TESTS)", dir)
	}
	return dir
}

// backendModels lists the model files of the conformance suites.
func backendModels(tb testing.TB) []string {
	dir := backendDir(tb)
	var models []string
	for _, suite := range backendSuites {
		found, err := filepath.Glob(filepath.Join(dir, suite, "*", "model.onnx"))
		if err != nil {
			tb.Fatal(err)
		}
		models = append(models, found...)
	}
	if len(models) == 0 {
		tb.Fatalf("no models under %s", dir)
	}
	return models
}

func TestBackendModelsImport(t *testing.T) {
	var ok, unsupported int
	for _, path := range backendModels(t) {
		m, err := Load(path)
		var ue *UnsupportedOpsError
		switch {
		case errors.As(err, &ue):
			unsupported++
			t.Logf("%s: %v", path, err)
		case err != nil:
			t.Errorf("%v", err)
		case m.Graph == nil:
			t.Errorf("%s: no graph", path)
		default:
			if err := checkGraph(m.Graph, nil); err != nil {
				t.Errorf("%s: %v", path, err)
			}
			ok++
		}
	}
	t.Logf("%d models imported, %d with unsupported ops", ok, unsupported)
}
