package codegen

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/tfc-project/tfc/ir"
)

// TestMapFileReleasesMapping: the mapping of MapFile is released once its
// plan is unreachable, and not before.
func TestMapFileReleasesMapping(t *testing.T) {
	g, err := ir.Parse(`graph (%x:f32[2]) -> (%y) {
  opset "" 17
  %w = const f32[2] [1.5, -2.0]
  %y:f32[2] = Add %x, %w
}`)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Lower(g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, p); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.tfc")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	before := unmapped.Load()
	mp, err := MapFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w := mp.Values[1].Const.Data.([]float32)
	runtime.GC()
	if w[0] != 1.5 || unmapped.Load() != before {
		t.Fatalf("weight %v, %d mappings released while the plan is alive", w, unmapped.Load()-before)
	}
	runtime.KeepAlive(mp)
	if mapFileSupported {
		for deadline := time.Now().Add(5 * time.Second); unmapped.Load() == before; {
			if time.Now().After(deadline) {
				t.Fatal("the mapping of an unreachable plan was not released")
			}
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
		}
	}
}
