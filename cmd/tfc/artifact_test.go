package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/npy"
)

const bertDir = "../../testmodels/bert_op17"

// bertShapes fixes BERT's inputs to the shapes of its first data set.
var bertShapes = []string{"--shape", "input_ids=2x7", "--shape", "attention_mask=2x7", "--shape", "token_type_ids=2x7"}

// bertSet returns the input files of BERT's data set n, in input order.
func bertSet(n string) []string {
	set := filepath.Join(bertDir, "test_data_set_"+n)
	return []string{filepath.Join(set, "input_0.pb"), filepath.Join(set, "input_1.pb"), filepath.Join(set, "input_2.pb")}
}

// compileBert compiles BERT to a .tfc file in a temporary folder with the
// extra flags and returns its path.
func compileBert(t *testing.T, flags ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bert.tfc")
	code, stdout, stderr := tfc(append([]string{"compile", filepath.Join(bertDir, "model.onnx"), "-o", out}, flags...)...)
	wantOutput(t, code, exitOK, stdout+stderr, "wrote "+out+" (")
	return out
}

// checkBertRun runs model (with the extra flags) on BERT's data set n and
// compares the output with the golden one.
func checkBertRun(t *testing.T, model, set string, flags ...string) {
	t.Helper()
	dir := t.TempDir()
	args := append(append([]string{"run", model, "--output-dir", dir}, flags...), bertSet(set)...)
	code, stdout, stderr := tfc(args...)
	wantOutput(t, code, exitOK, stdout+stderr, "last_hidden_state: f32[")
	got, err := npy.ReadFile(filepath.Join(dir, "last_hidden_state.npy"))
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := importer.ReadTensorFile(filepath.Join(bertDir, "test_data_set_"+set, "output_0.pb"))
	if err != nil {
		t.Fatal(err)
	}
	if r := golden.Compare(got, want, golden.ModelDefault); !r.Pass {
		t.Errorf("%v: %s", args, r.Reason)
	}
}

func TestCompileRunArtifact(t *testing.T) {
	model := compileBert(t)
	for _, set := range []string{"0", "1"} {
		checkBertRun(t, model, set)
		checkBertRun(t, model, set, "--reference")
	}
	onnx := filepath.Join(bertDir, "model.onnx")
	checkBertRun(t, onnx, "1")
	checkBertRun(t, onnx, "1", "--reference")

	code, stdout, _ := tfc("test", "--compiled", bertDir)
	wantOutput(t, code, exitOK, stdout, "PASS "+bertDir+": 2 passed, 0 failed (2 data sets, rtol 0.001, atol 1e-05, max-rel 0.0001, compiled)")
}

func TestCompileShapes(t *testing.T) {
	model := compileBert(t, append(bertShapes, "--stats")...)
	checkBertRun(t, model, "0")
	// The artifact is specialized to 2x7: data set 1 (3x12) does not fit.
	code, _, stderr := tfc(append([]string{"run", model}, bertSet("1")...)...)
	wantOutput(t, code, exitFail, stderr, "tfc run: "+model+": ", `input "input_ids": dim 0 is 3, graph expects 2`)

	onnx := filepath.Join(bertDir, "model.onnx")
	code, stdout, _ := tfc(append([]string{"compile", onnx, "--stats"}, bertShapes...)...)
	wantOutput(t, code, exitOK, stdout, "fused ops:", "memory: arena ", "naive sum of intermediates ", "lower bound ")
	code, stdout, _ = tfc("compile", onnx, "--stats")
	wantOutput(t, code, exitOK, stdout, "memory: planned at run time")

	code, _, stderr = tfc("compile", onnx, "--shape", "input_ids")
	wantOutput(t, code, exitUsage, stderr, "want NAME=SHAPE", compileUsage)
	code, _, stderr = tfc("compile", onnx, "-o", filepath.Join(t.TempDir(), "x.tfc"), "--shape", "nope=1x2")
	wantOutput(t, code, exitFail, stderr, "tfc compile: "+onnx+": ", `the model has no input "nope"`)
}

// TestBadArtifact runs cut, tampered and foreign .tfc files: each must
// fail with an error naming the file, never panic.
func TestBadArtifact(t *testing.T) {
	data, err := os.ReadFile(compileBert(t))
	if err != nil {
		t.Fatal(err)
	}
	tampered := append([]byte(nil), data...)
	tampered[len(tampered)/2] ^= 1
	tmp := t.TempDir()
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"cut-header": {data[:30], "bad magic"},
		"cut-half":   {data[:len(data)/2], "truncated"},
		"cut-last":   {data[:len(data)-1], "truncated"},
		"tampered":   {tampered, "checksum mismatch"},
		"onnx":       {[]byte("this is not a model\n"), "not a tfc artifact"},
		"empty":      {nil, "not a tfc artifact"},
	} {
		path := filepath.Join(tmp, name+".tfc")
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, flags := range [][]string{nil, {"--reference"}} {
			code, stdout, stderr := tfc(append(append([]string{"run", path}, flags...), bertSet("0")...)...)
			wantOutput(t, code, exitFail, stderr, "tfc run: "+path+": ", c.want)
			if stdout != "" {
				t.Errorf("%s: unexpected output:\n%s", name, stdout)
			}
		}
	}
}

// TestNoProgressInPipes checks that compiling into a pipe, or with
// --quiet, draws no progress bar.
func TestNoProgressInPipes(t *testing.T) {
	onnx := filepath.Join(bertDir, "model.onnx")
	out := filepath.Join(t.TempDir(), "bert.tfc")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	inputs := bertSet("0")
	for _, args := range [][]string{
		{"compile", onnx, "-o", out},
		{"compile", onnx, "-o", out, "--quiet"},
		append([]string{"run", onnx, "--quiet"}, inputs...),
		append([]string{"run", out}, inputs...),
	} {
		if code := run(args, io.Discard, w); code != exitOK {
			t.Fatalf("%v: exit %d", args, code)
		}
	}
	w.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Errorf("progress written to a pipe: %q", got)
	}
	if barWriter(os.Stderr, true) != nil {
		t.Error("--quiet still draws a bar")
	}
	if code, _, stderr := tfc("compile", onnx, "-o", out); code != exitOK || stderr != "" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestRunOverridesInitializer overrides the weight of a model whose
// compilation folds it (Transpose of the weight): the compiled run must
// use the given weight, as the reference interpreter does, and a .tfc
// artifact, which may have folded it, refuses the override.
func TestRunOverridesInitializer(t *testing.T) {
	dir := backendCase(t, "pytorch-converted/test_Linear_no_bias")
	model := filepath.Join(dir, "model.onnx")
	m, err := importer.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	w := m.Graph.Inputs[1].Const.Clone()
	for i := range w.Data.([]float32) {
		w.Data.([]float32)[i] = float32(i%7) - 3
	}
	tmp := t.TempDir()
	wfile := filepath.Join(tmp, "w.npy")
	if err := npy.WriteFile(wfile, w); err != nil {
		t.Fatal(err)
	}
	x := filepath.Join(dir, "test_data_set_0", "input_0.pb")
	outputs := map[string]string{}
	for _, engine := range []string{"--quiet", "--reference"} {
		outputs[engine] = filepath.Join(tmp, engine)
		code, stdout, stderr := tfc("run", model, "--input", "1="+wfile, x, engine, "--output-dir", outputs[engine])
		wantOutput(t, code, exitOK, stdout+stderr, "1: f32[8,10] from "+wfile)
	}
	got, err := npy.ReadFile(filepath.Join(outputs["--quiet"], "3.npy"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := npy.ReadFile(filepath.Join(outputs["--reference"], "3.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if r := golden.Compare(got, want, golden.ModelDefault); !r.Pass {
		t.Errorf("compiled run with the weight overridden: %s", r.Reason)
	}

	compiled := filepath.Join(tmp, "linear.tfc")
	if code, _, stderr := tfc("compile", model, "-o", compiled); code != exitOK {
		t.Fatal(stderr)
	}
	code, _, stderr := tfc("run", compiled, "--input", "1="+wfile, x)
	wantOutput(t, code, exitFail, stderr, "tfc run: "+compiled+`: input "1" has an initializer`, "cannot be overridden")
}
