package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestBar(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, "compiling m.onnx", "loading", "passes", "writing")
	if got := b.Line(); !strings.HasPrefix(got, "compiling m.onnx [                        ]   0% ") {
		t.Errorf("before any phase: %q", got)
	}
	b.Phase("loading")
	b.Phase("passes")
	b.Step(1, 2)
	// 1.5 of 3 phases: half the bar.
	if got := b.Line(); !strings.HasPrefix(got, "compiling m.onnx [============            ]  50% passes 1/2 (") {
		t.Errorf("mid passes: %q", got)
	}
	b.Phase("lowering") // not announced: inserted after passes
	if got := b.Line(); !strings.Contains(got, " 50% lowering (") {
		t.Errorf("added phase: %q", got)
	}
	w := b.Writer(&out)
	w.Write([]byte("result\n")) // erases the bar first
	w.Write([]byte("more\n"))   // the bar is already gone
	b.Done()
	s := out.String()
	if strings.Count(s, "\r") != 5 || !strings.HasSuffix(s, "\r\x1b[Kresult\nmore\n") {
		t.Errorf("drawn %q", s)
	}
}

func TestQuiet(t *testing.T) {
	b := New(nil, "x", "a")
	b.Phase("a")
	b.Step(1, 1)
	b.Done()
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "f")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a regular file is not a terminal")
	}
}
