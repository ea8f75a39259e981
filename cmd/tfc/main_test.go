package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/ir"
	"github.com/tfc-project/tfc/npy"
)

// tfc runs the CLI in-process and returns its exit status and output.
func tfc(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// backendRoot is the ONNX backend test data folder: TFC_ONNX_BACKEND_TESTS,
// or by default the shared folder beside the repository root.
func backendRoot() string {
	if root := os.Getenv("TFC_ONNX_BACKEND_TESTS"); root != "" {
		return root
	}
	return filepath.Join("..", "..", "..", "shared", "onnx-backend-tests")
}

// backendCase returns the folder of an ONNX backend test (e.g.
// "node/test_top_k"), skipping the test when it is absent.
func backendCase(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(backendRoot(), name)
	if _, err := os.Stat(filepath.Join(dir, "model.onnx")); err != nil {
		t.Skipf("ONNX backend test %s not found (set TFC_ONNX_BACKEND_TESTS): %v", name, err)
	}
	return dir
}

// wantOutput checks the exit status and that the output contains each of want.
func wantOutput(t *testing.T, code, wantCode int, out string, want ...string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("exit status %d, want %d; output:\n%s", code, wantCode, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestUsage(t *testing.T) {
	code, _, stderr := tfc()
	wantOutput(t, code, exitUsage, stderr, "Usage:", "tfc compile model.onnx", "tfc run model.(onnx|tfc)", "tfc test DIR", "tfc inspect model.onnx")
	code, _, stderr = tfc("frobnicate")
	wantOutput(t, code, exitUsage, stderr, `unknown command "frobnicate"`, "Usage:")
	code, stdout, _ := tfc("help")
	wantOutput(t, code, exitOK, stdout, "tfc run", "tfc test", "tfc inspect", "tfc version", "tfc help")
	for name, c := range commands {
		code, stdout, _ = tfc("help", name)
		wantOutput(t, code, exitOK, stdout, c.usage)
	}
	code, _, stderr = tfc("help", "nope")
	wantOutput(t, code, exitUsage, stderr, `unknown command "nope"`)
	code, stdout, _ = tfc("run", "-h")
	wantOutput(t, code, exitOK, stdout, runUsage)
	code, _, stderr = tfc("test", "--bogus", "x")
	wantOutput(t, code, exitUsage, stderr, "flag provided but not defined: -bogus", testUsage)
	code, _, stderr = tfc("run")
	wantOutput(t, code, exitUsage, stderr, "tfc run: no model file given")
	code, _, stderr = tfc("inspect", "a.onnx", "b.onnx")
	wantOutput(t, code, exitUsage, stderr, "want one model file, got 2 arguments")
	code, stdout, _ = tfc("version")
	wantOutput(t, code, exitOK, stdout, "tfc ", "go1.")
}

func TestRun(t *testing.T) {
	dir := backendCase(t, "node/test_top_k")
	set := filepath.Join(dir, "test_data_set_0")
	out := t.TempDir()
	// Flags after the positional files, and "--output-dir=" form.
	code, stdout, stderr := tfc("run", filepath.Join(dir, "model.onnx"),
		filepath.Join(set, "input_0.pb"), filepath.Join(set, "input_1.pb"), "--output-dir="+out)
	wantOutput(t, code, exitOK, stdout+stderr,
		"x: f32[3,4] from ", "k: i64[1] from ",
		"values: f32[3,3], 9 elements\n    values: 3, 2, 1, 7, 6, 5, 11, 10, ...\n    min 1  max 11  mean 6\n",
		"indices: i64[3,3], 9 elements\n    values: 3, 2, 1, 3, 2, 1, 3, 2, ...\n",
		"written to "+filepath.Join(out, "values.npy"))
	for k, name := range []string{"values", "indices"} {
		got, err := npy.ReadFile(filepath.Join(out, name+".npy"))
		if err != nil {
			t.Fatal(err)
		}
		want, _, err := importer.ReadTensorFile(filepath.Join(set, fmt.Sprintf("output_%d.pb", k)))
		if err != nil {
			t.Fatal(err)
		}
		if r := golden.Compare(got, want, golden.ONNXDefault); !r.Pass {
			t.Errorf("%s.npy: %s", name, r.Reason)
		}
	}
}

func TestRunNamedNpyInput(t *testing.T) {
	dir := backendCase(t, "node/test_top_k")
	set := filepath.Join(dir, "test_data_set_0")
	x, _, err := importer.ReadTensorFile(filepath.Join(set, "input_0.pb"))
	if err != nil {
		t.Fatal(err)
	}
	xnpy := filepath.Join(t.TempDir(), "x.npy")
	if err := npy.WriteFile(xnpy, x); err != nil {
		t.Fatal(err)
	}
	// x bound by name; the positional file goes to the next free input, k.
	code, stdout, stderr := tfc("run", "--input", "x="+xnpy, filepath.Join(dir, "model.onnx"), filepath.Join(set, "input_1.pb"))
	wantOutput(t, code, exitOK, stdout+stderr, "x: f32[3,4] from "+xnpy, "values: 3, 2, 1, 7")
	if strings.Contains(stdout, "written to") {
		t.Error("outputs written without --output-dir")
	}
}

func TestRunInputErrors(t *testing.T) {
	dir := backendCase(t, "node/test_top_k")
	model := filepath.Join(dir, "model.onnx")
	set := filepath.Join(dir, "test_data_set_0")
	in0, in1 := filepath.Join(set, "input_0.pb"), filepath.Join(set, "input_1.pb")
	cut := filepath.Join(t.TempDir(), "cut.npy")
	header := "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)}"
	if err := os.WriteFile(cut, []byte("\x93NUMPY\x01\x00"+string(rune(len(header)))+"\x00"+header+"\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"missing", []string{in0}, []string{model, `missing input(s) "k" i64[1]`, "--input NAME=FILE"}},
		{"extra", []string{in0, in1, in0}, []string{"3 input files given, but only 2 inputs", "extra file " + in0}},
		{"wrong dtype", []string{in1, in0}, []string{in1 + `: input "x" is i64[1], but ` + model + " expects f32[3,4]"}},
		{"unknown name", []string{"--input", "y=" + in0, in1}, []string{`the model has no input "y" (its inputs: "x" f32[3,4], "k" i64[1])`}},
		{"no equals", []string{"--input", in0}, []string{`--input "` + in0 + `": want NAME=FILE`}},
		{"bound twice", []string{"--input", "x=" + in0, "--input", "x=" + in1}, []string{`input "x" is bound twice`}},
		{"no file", []string{"nonexistent.pb", in1}, []string{"nonexistent.pb"}},
		{"short npy", []string{cut, in1}, []string{cut + ": data at byte 67: file ends after 2 of the 48 bytes"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := tfc(append([]string{"run", model}, c.args...)...)
			wantOutput(t, code, exitFail, stderr, append([]string{"tfc run: "}, c.want...)...)
			if stdout != "" {
				t.Errorf("unexpected output:\n%s", stdout)
			}
		})
	}
}

func TestBindInputs(t *testing.T) {
	a := &ir.Value{Name: "a", DType: ir.Float32, Const: ir.Scalar(ir.Float32, 1)}
	b := &ir.Value{Name: "b", DType: ir.Float32}
	c := &ir.Value{Name: "c", DType: ir.Int64}
	g := &ir.Graph{Inputs: []*ir.Value{a, b, c}}
	got, err := bindInputs(g, []string{"c=c.npy"}, []string{"b.pb"})
	if err != nil {
		t.Fatal(err)
	}
	want := []binding{{c, "c.npy"}, {b, "b.pb"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// An input with an initializer can be overridden by name only.
	got, err = bindInputs(g, []string{"a=a.npy"}, []string{"b.pb", "c.pb"})
	if err != nil || len(got) != 3 || got[0].input != a {
		t.Errorf("override: got %v, %v", got, err)
	}
	if _, err := bindInputs(g, nil, []string{"b.pb", "c.pb", "a.pb"}); err == nil ||
		!strings.Contains(err.Error(), `only 2 inputs are left to bind ("b" f32[*], "c" i64[*])`) {
		t.Errorf("extra positional file: %v", err)
	}
}

func TestOutputFileNames(t *testing.T) {
	got := outputFileNames([]string{"a/b", "../etc", "", "Out", "out", "é", "logits.0"})
	want := []string{"a_b.npy", "_._etc.npy", "output_2.npy", "Out.npy", "out_4.npy", "__.npy", "logits.0.npy"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSummarize(t *testing.T) {
	nan := float32(0)
	nan /= nan
	cases := []struct {
		t    *ir.Tensor
		want string
	}{
		{&ir.Tensor{DType: ir.Float32, Shape: []int64{3}, Data: []float32{1, nan, -2}},
			"f32[3], 3 elements\n    values: 1, NaN, -2\n    min -2  max 1  mean -0.5  (1 NaN)\n"},
		{&ir.Tensor{DType: ir.BFloat16, Shape: []int64{1}, Data: []uint16{ir.Float32ToBFloat16(0.5)}},
			"bf16[1], 1 elements\n    values: 0.5\n    min 0.5  max 0.5  mean 0.5\n"},
		{&ir.Tensor{DType: ir.Bool, Shape: []int64{2}, Data: []bool{true, false}}, "bool[2], 2 elements\n    values: true, false\n"},
		{&ir.Tensor{DType: ir.Uint64, Shape: []int64{1}, Data: []uint64{1<<64 - 1}}, "u64[1], 1 elements\n    values: 18446744073709551615\n"},
		{&ir.Tensor{DType: ir.String, Shape: []int64{1}, Data: []string{"hi"}}, "string[1], 1 elements\n    values: \"hi\"\n"},
		{&ir.Tensor{DType: ir.Float32, Shape: []int64{0, 2}, Data: []float32{}}, "f32[0,2], 0 elements\n"},
		{nil, "not computed\n"},
	}
	for _, c := range cases {
		if got := summarize(c.t); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestTestCommand(t *testing.T) {
	dir := backendCase(t, "node/test_top_k")
	code, stdout, stderr := tfc("test", dir)
	wantOutput(t, code, exitOK, stdout+stderr,
		"data set         output   max abs  max rel  result\n",
		"test_data_set_0  values   0        0        PASS\n",
		"test_data_set_0  indices  0        0        PASS\n",
		"PASS "+dir+": 2 passed, 0 failed (1 data sets, rtol 0.001, atol 1e-05, max-rel 0.0001)")
	code, stdout, _ = tfc("test", "-v", dir)
	wantOutput(t, code, exitOK, stdout, "    input x: f32[3,4]\n    input k: i64[1]\n    ran in ")

	// The same case with reference values off by one.
	bad := copyCase(t, dir)
	want, _, err := importer.ReadTensorFile(filepath.Join(dir, "test_data_set_0", "output_0.pb"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Data.([]float32) {
		want.Data.([]float32)[i]++
	}
	enc, err := importer.EncodeTensor(want, "values")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "test_data_set_0", "output_0.pb"), enc, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = tfc("test", bad)
	wantOutput(t, code, exitFail, stdout, "test_data_set_0  values   1        0.0833   FAIL\n    element 0 is 3, want 4",
		"FAIL "+bad+": 1 passed, 1 failed")
	code, stdout, _ = tfc("test", "--atol", "1.5", bad)
	wantOutput(t, code, exitFail, stdout, "relative error 0.0833 > 0.0001")
	code, stdout, _ = tfc("test", "--atol", "1.5", "--max-rel", "0", bad)
	wantOutput(t, code, exitOK, stdout, "PASS "+bad+": 2 passed, 0 failed (1 data sets, rtol 0.001, atol 1.5, max-rel 0)")

	code, stdout, _ = tfc("test", backendCase(t, "simple/test_gradient_of_add"))
	wantOutput(t, code, exitFail, stdout, "ERROR\n", "Gradient (domain ai.onnx.preview.training, opset 1)")
}

// copyCase copies a backend test folder (one level of subfolders) into a
// temporary folder.
func copyCase(t *testing.T, dir string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestInspect(t *testing.T) {
	model := filepath.Join(backendCase(t, "node/test_top_k"), "model.onnx")
	code, stdout, stderr := tfc("inspect", model)
	wantOutput(t, code, exitOK, stdout+stderr,
		"ir version:  12\n", "producer:    backend-test\n", "opsets:      ai.onnx 24\n",
		"inputs:\n  x  f32[3,4]\n  k  i64[1]\noutputs:\n  values   f32[3,3]\n  indices  i64[3,3]\n",
		"initializers: 0 (0 parameters, 0 B)\n", "  TopK  1\n", "unsupported: none")

	code, stdout, _ = tfc("inspect", filepath.Join(backendCase(t, "simple/test_sequence_model8"), "model.onnx"))
	wantOutput(t, code, exitOK, stdout, "  X       f32[n]\n", "  Splits  i64[3]\n")

	code, stdout, _ = tfc("inspect", filepath.Join(backendCase(t, "simple/test_gradient_of_add"), "model.onnx"))
	wantOutput(t, code, exitOK, stdout, "opsets:      ai.onnx 12, ai.onnx.preview.training 1\n",
		"without a reference kernel:", `  Gradient (domain ai.onnx.preview.training, opset 1): nodes "my_gradient"`)
}

func TestByteSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 3 << 30: "3.0 GiB"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestBadFiles runs every command on files that are not ONNX models or are
// cut short: each must fail with an error naming the file, never panic.
func TestBadFiles(t *testing.T) {
	tmp := t.TempDir()
	files := map[string][]byte{"text": []byte("this is not a model\n"), "empty": nil}
	if model, err := os.ReadFile(filepath.Join(backendRoot(), "node", "test_top_k", "model.onnx")); err == nil {
		files["cut-1"], files["cut-half"], files["cut-last"] = model[:1], model[:len(model)/2], model[:len(model)-1]
	}
	for name, data := range files {
		dir := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Join(dir, "test_data_set_0"), 0o755); err != nil {
			t.Fatal(err)
		}
		model := filepath.Join(dir, "model.onnx")
		if err := os.WriteFile(model, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"run", model}, {"inspect", model}, {"test", dir}} {
			t.Run(name+"/"+args[0], func(t *testing.T) {
				code, stdout, stderr := tfc(args...)
				wantOutput(t, code, exitFail, stderr, "tfc "+args[0]+": "+model+": ")
				if stdout != "" {
					t.Errorf("unexpected output:\n%s", stdout)
				}
			})
		}
	}
	missing := filepath.Join(tmp, "missing.onnx")
	for _, cmd := range []string{"run", "inspect"} {
		code, _, stderr := tfc(cmd, missing)
		wantOutput(t, code, exitFail, stderr, "tfc "+cmd+": open "+missing+": no such file")
	}
}
