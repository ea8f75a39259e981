package ir_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/ir"
)

// backendDir returns the ONNX backend test folder (TFC_ONNX_BACKEND_TESTS,
// or the shared folder beside the repository), skipping when absent.
func backendDir(t *testing.T) string {
	dir := os.Getenv("TFC_ONNX_BACKEND_TESTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "onnx-backend-tests")
	}
	if st, err := os.Stat(filepath.Join(dir, "node")); err != nil || !st.IsDir() {
		t.Skipf("ONNX backend test data not found at %s (set TFC_ONNX_BACKEND_TESTS)", dir)
	}
	return dir
}

// backendModels loads every conformance model that imports (node,
// simple and pytorch suites, and the light models), by path.
func backendModels(t *testing.T) map[string]*importer.Model {
	dir := backendDir(t)
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "*", "model.onnx"))
	light, _ := filepath.Glob(filepath.Join(dir, "light", "*.onnx"))
	models := map[string]*importer.Model{}
	for _, p := range append(paths, light...) {
		m, err := importer.Load(p)
		if err != nil {
			continue // import coverage is the importer's test
		}
		rel, _ := filepath.Rel(dir, p)
		models[rel] = m
	}
	if len(models) == 0 {
		t.Fatalf("no models import from %s", dir)
	}
	return models
}

// TestInferBackendModels clears the types of every node output of the
// conformance models, infers them again and compares with the types the
// models declare for their outputs.
func TestInferBackendModels(t *testing.T) {
	models := backendModels(t)
	names := make([]string, 0, len(models))
	for k := range models {
		names = append(names, k)
	}
	sort.Strings(names)
	var full, partial, none int
	var failures []string
	for _, name := range names {
		g := models[name].Graph
		want := map[*ir.Value]ir.Value{}
		for _, o := range g.Outputs {
			want[o] = *o
		}
		g.Walk(func(_ *ir.Graph, n *ir.Node) {
			for _, o := range n.Outputs {
				if o != nil {
					o.DType, o.Shape = ir.Undefined, ir.UnrankedShape
				}
			}
		})
		if err := ir.InferShapes(g); err != nil {
			failures = append(failures, name+": "+err.Error())
			continue
		}
		for _, o := range g.Outputs {
			w := want[o]
			if o.Producer == nil || w.Kind != ir.TensorValue {
				continue
			}
			if msg := compareType(w, *o); msg != "" {
				failures = append(failures, name+": output "+o.Name+": "+msg)
			}
			switch {
			case o.Shape.Equal(w.Shape) && o.DType == w.DType:
				full++
			case o.DType != ir.Undefined:
				partial++
			default:
				none++
			}
		}
	}
	t.Logf("%d models; outputs inferred fully: %d, dtype only or partial shape: %d, nothing: %d",
		len(names), full, partial, none)
	if len(failures) > 0 {
		t.Errorf("%d inference disagreements:\n%s", len(failures), strings.Join(failures, "\n"))
	}
}

// compareType reports a disagreement between a declared and an inferred
// type ("" when the inferred one is compatible: less precise at most).
func compareType(want, got ir.Value) string {
	if got.DType != ir.Undefined && want.DType != ir.Undefined && got.DType != want.DType {
		return "dtype " + got.DType.String() + ", declared " + want.DType.String()
	}
	if !got.Shape.Ranked || !want.Shape.Ranked {
		return ""
	}
	if len(got.Shape.Dims) != len(want.Shape.Dims) {
		return "shape " + got.Shape.String() + ", declared " + want.Shape.String()
	}
	for i, d := range got.Shape.Dims {
		if w := want.Shape.Dims[i]; d.Known() && w.Known() && d.Size != w.Size {
			return "shape " + got.Shape.String() + ", declared " + want.Shape.String()
		}
	}
	return ""
}

// TestTextBackendModels prints every conformance model, parses the text
// back and checks that printing again gives the same text.
func TestTextBackendModels(t *testing.T) {
	models := backendModels(t)
	var failures []string
	for name, m := range models {
		text := ir.Print(m.Graph)
		g, err := ir.Parse(text)
		if err != nil {
			if strings.Contains(err.Error(), "elided") {
				continue
			}
			failures = append(failures, name+": "+err.Error())
			continue
		}
		if again := ir.Print(g); again != text {
			failures = append(failures, name+": text differs after parsing:\n"+firstDiff(text, again))
		}
	}
	sort.Strings(failures)
	if len(failures) > 0 {
		t.Errorf("%d of %d models do not round-trip:\n%s", len(failures), len(models), strings.Join(failures, "\n"))
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "  printed: " + al[i] + "\n  again:   " + bl[i]
		}
	}
	return "  (one text is a prefix of the other)"
}

// TestVerifyBackendModels checks that every conformance model passes Verify.
func TestVerifyBackendModels(t *testing.T) {
	models := backendModels(t)
	var failures []string
	for name, m := range models {
		if err := ir.Verify(m.Graph); err != nil {
			failures = append(failures, name+": "+err.Error())
		}
	}
	sort.Strings(failures)
	if len(failures) > 0 {
		t.Errorf("%d of %d models fail Verify:\n%s", len(failures), len(models), strings.Join(failures, "\n"))
	}
}

// TestInferTestModels infers the node outputs of the exported transformer
// models in testmodels/ from scratch: every value gets a rank, and the
// graph outputs agree with the exporter's declared types.
func TestInferTestModels(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "testmodels", "*", "model.onnx"))
	if len(paths) == 0 {
		t.Skip("no models in testmodels/")
	}
	for _, p := range paths {
		m, err := importer.Load(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		g := m.Graph
		if err := ir.Verify(g); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		want := map[*ir.Value]ir.Value{}
		g.Walk(func(_ *ir.Graph, n *ir.Node) {
			for _, o := range n.Outputs {
				if o != nil {
					want[o] = *o
					o.DType, o.Shape = ir.Undefined, ir.UnrankedShape
				}
			}
		})
		if err := ir.InferShapes(g); err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		g.Walk(func(_ *ir.Graph, n *ir.Node) {
			for _, o := range n.Outputs {
				if o != nil && (!o.Shape.Ranked || o.DType == ir.Undefined) {
					t.Errorf("%s: %s: output %s not inferred: %v%v", p, n.Describe(), o.Name, o.DType, o.Shape)
				}
			}
		})
		for _, o := range g.Outputs {
			if msg := compareType(want[o], *o); msg != "" {
				t.Errorf("%s: output %s: %s", p, o.Name, msg)
			}
		}
	}
}
