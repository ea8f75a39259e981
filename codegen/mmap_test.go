package codegen

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/tfc-project/tfc/internal/mmap"
	"github.com/tfc-project/tfc/ir"
)

// TestLoadedMemoryReleased: the mapping of MapFile and the memory of
// LoadFile are released once their plan is unreachable, and not before.
func TestLoadedMemoryReleased(t *testing.T) {
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
	for _, c := range []struct {
		name     string
		load     func(string) (*Plan, error)
		releases bool // the memory is outside the Go heap, released by a cleanup
	}{{"MapFile", MapFile, mmap.Supported}, {"LoadFile", LoadFile, hugePageSupported}} {
		before := unmapped.Load()
		mp, err := c.load(path)
		if err != nil {
			t.Fatal(err)
		}
		w := mp.Values[1].Const.Data.([]float32)
		runtime.GC()
		if w[0] != 1.5 || unmapped.Load() != before {
			t.Fatalf("%s: weight %v, %d released while the plan is alive", c.name, w, unmapped.Load()-before)
		}
		runtime.KeepAlive(mp)
		for deadline := time.Now().Add(5 * time.Second); c.releases && unmapped.Load() == before; {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the memory of an unreachable plan was not released", c.name)
			}
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
		}
	}
}
