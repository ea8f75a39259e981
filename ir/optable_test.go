package ir

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Since-versions below are read off the headings of the ONNX 1.22 Changelog.md.
func TestResolveOp(t *testing.T) {
	cases := []struct {
		domain, op  string
		opset, want int64
	}{
		{"", "Softmax", 12, 11},
		{"", "Softmax", 13, 13},
		{"ai.onnx", "Softmax", 27, 13},
		{"", "Split", 17, 13},
		{"", "Split", 18, 18},
		{"", "Add", 14, 14},
		{"", "Add", 6, 6},
		{"", "ReduceSum", 12, 11},
		{"", "ReduceSum", 13, 13},
		{"", "LayerNormalization", 17, 17},
		{"", "Attention", 24, 24},
		{"", "Attention", 23, 23},
		{"", "Upsample", 10, 10},
		{"", "Reshape", 5, 5},
		{"", "Reshape", 20, 19},
		{"ai.onnx.preview.training", "Adam", 1, 1},
		{"ai.onnx.preview", "FlexAttention", 1, 1},
	}
	for _, c := range cases {
		s, err := ResolveOp(c.domain, c.op, c.opset)
		if err != nil {
			t.Errorf("ResolveOp(%q, %s, %d): %v", c.domain, c.op, c.opset, err)
			continue
		}
		if s.Since != c.want || s.Name != c.op {
			t.Errorf("ResolveOp(%q, %s, %d) = %s-%d, want since %d", c.domain, c.op, c.opset, s.Name, s.Since, c.want)
		}
	}
}

func TestResolveOpErrors(t *testing.T) {
	cases := []struct {
		domain, op string
		opset      int64
		want       string
	}{
		{"", "NoSuchOp", 17, "unknown operator NoSuchOp"},
		{"", "LayerNormalization", 16, "LayerNormalization is not defined at opset 16"},
		{"com.example", "Foo", 1, `unknown operator domain "com.example"`},
		{TfcDomain, "FusedThing", 1, "unknown operator ai.tfc:FusedThing"},
	}
	for _, c := range cases {
		_, err := ResolveOp(c.domain, c.op, c.opset)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ResolveOp(%q, %s, %d) error = %v, want %q", c.domain, c.op, c.opset, err, c.want)
		}
	}
}

func TestSchemaArityAndAttrs(t *testing.T) {
	split, err := ResolveOp("", "Split", 18)
	if err != nil {
		t.Fatal(err)
	}
	if split.MinInputs != 1 || split.MaxInputs != 2 || split.MinOutputs != 1 || split.MaxOutputs != -1 {
		t.Errorf("Split-18 arity = %d..%d -> %d..%d", split.MinInputs, split.MaxInputs, split.MinOutputs, split.MaxOutputs)
	}
	if a := findAttr(split, "axis"); a == nil || a.Kind != AttrInt || a.Default == nil || a.Default.Int != 0 {
		t.Errorf("Split-18 axis = %+v", a)
	}
	clip, _ := ResolveOp("", "Clip", 6)
	if a := findAttr(clip, "max"); a == nil || a.Default == nil || a.Default.Float != 3.402823e+38 {
		t.Errorf("Clip-6 max = %+v", a)
	}
	lstm, _ := ResolveOp("", "LSTM", 14)
	if lstm.MinInputs != 3 || lstm.MaxInputs != 8 || lstm.MaxOutputs != 3 {
		t.Errorf("LSTM-14 arity = %d..%d -> %d", lstm.MinInputs, lstm.MaxInputs, lstm.MaxOutputs)
	}
	loop, _ := ResolveOp("", "Loop", 16)
	if a := findAttr(loop, "body"); a == nil || a.Kind != AttrGraph || !a.Required {
		t.Errorf("Loop-16 body = %+v", a)
	}
	up, _ := ResolveOp("", "Upsample", 10)
	if !up.Deprecated {
		t.Errorf("Upsample-10 not deprecated")
	}
}

func TestRegisterOp(t *testing.T) {
	s := &OpSchema{Domain: TfcDomain, Name: "TestOnlyOp", Since: 1, MinInputs: 1, MaxInputs: 1, MinOutputs: 1, MaxOutputs: 1}
	if err := RegisterOp(s); err != nil {
		t.Fatal(err)
	}
	if err := RegisterOp(s); err == nil {
		t.Error("second registration accepted")
	}
	got, err := ResolveOp(TfcDomain, "TestOnlyOp", 3)
	if err != nil || got != s {
		t.Errorf("ResolveOp after RegisterOp = %v, %v", got, err)
	}
}

// TestTableMatchesChangelog checks that every heading of the spec's
// Changelog.md has its schema (skipped when the spec folder is absent).
func TestTableMatchesChangelog(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "..", "shared", "onnx-spec", "Changelog.md"))
	if err != nil {
		t.Skip("ONNX spec not found:", err)
	}
	heading := regexp.MustCompile(`(?m)^### <a name="([^"]+)-(\d+)">`)
	domains := []string{"ai.onnx.preview.training", "ai.onnx.preview"}
	n := 0
	for _, m := range heading.FindAllStringSubmatch(string(text), -1) {
		domain, op := "", m[1]
		for _, d := range domains {
			if strings.HasPrefix(op, d+".") {
				domain, op = d, strings.TrimPrefix(op, d+".")
				break
			}
		}
		since, _ := strconv.ParseInt(m[2], 10, 64)
		s, err := ResolveOp(domain, op, since)
		if err != nil || s.Since != since {
			t.Errorf("%s-%d: got %v, %v", m[1], since, s, err)
		}
		n++
	}
	if n != len(onnxSchemas) {
		t.Errorf("changelog has %d operator versions, table %d", n, len(onnxSchemas))
	}
}
