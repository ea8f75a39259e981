package main

import (
	"strings"
	"testing"
)

func TestBench(t *testing.T) {
	code, out, errOut := tfc("bench", "../../testmodels/bert_op17/model.onnx", "--iters", "2", "--warmup", "0",
		"--shape", "input_ids=1x8", "--shape", "attention_mask=1x8", "--shape", "token_type_ids=1x8")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"input input_ids:i64:1x8", "GFLOP per run", "| model.onnx | 1 | tfc", "| 2 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestBenchProfile: --profile adds the time per operator of the timed runs.
func TestBenchProfile(t *testing.T) {
	code, out, errOut := tfc("bench", "../../testmodels/bert_op17/model.onnx", "--iters", "3", "--profile",
		"--shape", "input_ids=1x8", "--shape", "attention_mask=1x8", "--shape", "token_type_ids=1x8")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"time per operator, 3 timed runs", "| op | steps | ms per run | share |", "| ai.tfc:Attention | 2 |", "| all steps |"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
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
