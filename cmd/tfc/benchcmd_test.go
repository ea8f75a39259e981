package main

import (
	"strings"
	"testing"
)

// benchBert runs tfc bench on the BERT testmodel at sequence 8 with the
// extra flags and checks that its output has each of want.
func benchBert(t *testing.T, want []string, flags ...string) {
	t.Helper()
	args := append([]string{"bench", "../../testmodels/bert_op17/model.onnx",
		"--shape", "input_ids=1x8", "--shape", "attention_mask=1x8", "--shape", "token_type_ids=1x8"}, flags...)
	code, out, errOut := tfc(args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestBench(t *testing.T) {
	benchBert(t, []string{"input input_ids:i64:1x8", "GFLOP per run", "| model.onnx | 1 | tfc", "| 2 |"}, "--iters", "2", "--warmup", "0")
}

// TestBenchProfile: --profile adds the time per operator of the timed runs.
func TestBenchProfile(t *testing.T) {
	benchBert(t, []string{"time per operator, 3 timed runs", "| op | steps | ms per run | share |", "| ai.tfc:Attention | 2 |", "| all steps |"},
		"--iters", "3", "--profile")
}

func TestBenchErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"bench"}, exitUsage, "exactly one model"},
		{[]string{"bench", "m.onnx", "--iters", "0"}, exitUsage, "at least 1"},
		{[]string{"bench", "m.onnx", "--shape", "x"}, exitUsage, "NAME=SHAPE"},
		{[]string{"bench", "../../testmodels/bert_op17/model.onnx"}, exitFail, "--shape input_ids=SHAPE"},
		{[]string{"bench", "model.tfc"}, exitFail, ".tfc"},
	} {
		code, _, errOut := tfc(c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
}
