package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/ir"
)

// TestCompileEmitONNX writes BERT's optimized graph with --emit-onnx and
// runs it against BERT's goldens, interpreted and compiled.
func TestCompileEmitONNX(t *testing.T) {
	tmp := t.TempDir()
	out := filepath.Join(tmp, "model.onnx")
	code, stdout, stderr := tfc("compile", filepath.Join(bertDir, "model.onnx"), "--emit-onnx", out, "--quiet")
	wantOutput(t, code, exitOK, stdout+stderr, "wrote "+out+" (", "139 nodes -> 28 nodes")
	sets, _ := filepath.Glob(filepath.Join(bertDir, "test_data_set_*"))
	for _, s := range sets {
		abs, _ := filepath.Abs(s)
		if err := os.Symlink(abs, filepath.Join(tmp, filepath.Base(s))); err != nil {
			t.Fatal(err)
		}
	}
	m, err := importer.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	fused := 0
	m.Graph.Walk(func(_ *ir.Graph, n *ir.Node) {
		if n.Domain == ir.TfcDomain {
			fused++
		}
	})
	if m.Opsets[ir.TfcDomain] != 1 || fused == 0 || len(m.Graph.Nodes) != 28 {
		t.Errorf("emitted model: opsets %v, %d fused of %d nodes", m.Opsets, fused, len(m.Graph.Nodes))
	}
	code, stdout, _ = tfc("test", tmp)
	wantOutput(t, code, exitOK, stdout, "2 passed, 0 failed")
	code, stdout, _ = tfc("test", "--compiled", tmp)
	wantOutput(t, code, exitOK, stdout, "2 passed, 0 failed")

	basic := filepath.Join(tmp, "basic.onnx")
	code, stdout, stderr = tfc("compile", filepath.Join(bertDir, "model.onnx"), "--level", "basic", "--emit-onnx", basic)
	wantOutput(t, code, exitOK, stdout+stderr, "wrote "+basic)
	if m, err := importer.Load(basic); err != nil {
		t.Error(err)
	} else if _, ok := m.Opsets[ir.TfcDomain]; ok {
		t.Errorf("--level basic: opsets %v, want no ai.tfc", m.Opsets)
	}

	bad := filepath.Join(tmp, "no-such-folder", "x.onnx")
	code, _, stderr = tfc("compile", filepath.Join(bertDir, "model.onnx"), "--emit-onnx", bad)
	wantOutput(t, code, exitFail, stderr, "tfc compile: ", "no-such-folder")
	if !strings.Contains(compileUsage, "--emit-onnx FILE") {
		t.Error("tfc help compile does not describe --emit-onnx")
	}
}
