package codegen_test

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec/gemm"
)

// TestPackPanelsMatchesGemm: the portable packer writes the running
// kernel's layout exactly as gemm.PackB does, and UnpackPanels inverts
// both, transposed or not, for edge sizes (k past one block, n not a
// multiple of the panel width).
func TestPackPanelsMatchesGemm(t *testing.T) {
	gl := gemm.CurrentLayout()
	cur := codegen.PackLayout{Name: gl.Name, Version: gl.Version, KC: gl.KC, NR: gl.NR}
	other := codegen.PackLayout{Name: "test", Version: 1, KC: 7, NR: 5}
	r := rand.New(rand.NewPCG(1, 1))
	for _, sz := range [][2]int{{1, 1}, {40, 300}, {300, 20}, {513, 33}, {256, 16}, {3, 0}} {
		k, n := sz[0], sz[1]
		b := make([]float32, k*n)
		for i := range b {
			b[i] = r.Float32()
		}
		for _, trans := range []bool{false, true} {
			ld := n
			if trans {
				ld = k
			}
			pb, err := gemm.PackB(trans, k, n, b, max(ld, 1))
			if err != nil {
				t.Fatal(err)
			}
			got := codegen.PackPanels(cur, trans, k, n, b)
			if !slices.Equal(got, pb.Panels()) {
				t.Errorf("%dx%d trans=%v: PackPanels differs from gemm.PackB", k, n, trans)
			}
			for _, l := range []codegen.PackLayout{cur, other} {
				panels := codegen.PackPanels(l, trans, k, n, b)
				if len(panels) != l.PanelLen(k, n) {
					t.Errorf("%v: %d panel floats, want %d", l, len(panels), l.PanelLen(k, n))
				}
				back := make([]float32, k*n)
				codegen.UnpackPanels(l, trans, k, n, panels, back)
				if !slices.Equal(back, b) {
					t.Errorf("%dx%d trans=%v %v: unpack(pack(b)) != b", k, n, trans, l)
				}
			}
		}
	}
}

// TestPackedOnlyWeights: the compiled BERT's GEMM weights are stored as
// panels alone; Read gives them row-major data back, ReadPacked leaves
// them without data (Unpacked restores them), and both write back to the
// same bytes.
func TestPackedOnlyWeights(t *testing.T) {
	data := artifact(t)
	full, err := codegen.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	aligned := codegen.AlignedBytes(int64(len(data)))
	copy(aligned, data)
	packed, err := codegen.ReadPacked(aligned)
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Packed) == 0 || len(full.Packed) != len(packed.Packed) {
		t.Fatalf("%d and %d packed weights", len(full.Packed), len(packed.Packed))
	}
	only := 0
	for i, w := range packed.Packed {
		fw := full.Packed[i]
		if !w.Only {
			continue
		}
		only++
		if w.Value.Const.Len() != 0 || !packed.HasMissing() {
			t.Errorf("%s: ReadPacked holds row-major data", w.Value.Name)
		}
		got := packed.Unpacked(w.Value.Const)
		if !slices.Equal(got.Data.([]float32), fw.Value.Const.Data.([]float32)) || fw.Value.Const.Check() != nil {
			t.Errorf("%s: Unpacked differs from Read's data", w.Value.Name)
		}
		want := codegen.PackPanels(fw.Layout, fw.Trans, fw.K(), fw.N(), fw.Value.Const.Data.([]float32))
		if !slices.Equal(w.Panels, want) {
			t.Errorf("%s: panels differ from packing the weight", w.Value.Name)
		}
	}
	if only == 0 {
		t.Error("no weight is stored as packed panels alone")
	}
	for name, p := range map[string]*codegen.Plan{"Read": full, "ReadPacked": packed} {
		var again bytes.Buffer
		if err := codegen.Write(&again, p); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Bytes(), data) {
			t.Errorf("write(%s(artifact)) differs from the artifact", name)
		}
	}
	packed.RestoreAll()
	if packed.HasMissing() {
		t.Error("RestoreAll left weights without data")
	}
}

// TestOldVersionRefused: a version-1 file is refused naming its version.
func TestOldVersionRefused(t *testing.T) {
	data := bytes.Clone(artifact(t))
	binary.LittleEndian.PutUint32(data[8:], 1)
	_, err := codegen.Read(data)
	if err == nil || !strings.Contains(err.Error(), "version 1,") || !strings.Contains(err.Error(), "recompile") {
		t.Fatalf("version 1 file: %v", err)
	}
}

// TestMapFileAndLoadFile maps an artifact and loads it into memory of its
// own: the same plan as Read, weights in place; a cut, tampered, empty or
// missing file is an error naming the file.
func TestMapFileAndLoadFile(t *testing.T) {
	data := artifact(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for name, load := range map[string]func(string) (*codegen.Plan, error){"MapFile": codegen.MapFile, "LoadFile": codegen.LoadFile} {
		t.Run(name, func(t *testing.T) {
			p, err := load(write("ok.tfc", data))
			if err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			if err := codegen.Write(&again, p); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), data) {
				t.Error("write(load(artifact)) differs from the artifact")
			}
			if !p.HasMissing() {
				t.Error("the packed-only weights were restored")
			}
			tampered := bytes.Clone(data)
			tampered[len(tampered)-100] ^= 1
			for name, b := range map[string][]byte{
				"cut.tfc":      data[:len(data)-64],
				"tampered.tfc": tampered,
				"empty.tfc":    nil,
				"short.tfc":    data[:10],
			} {
				path := write(name, b)
				if _, err := load(path); err == nil || !strings.Contains(err.Error(), path) {
					t.Errorf("%s: %v", name, err)
				}
			}
			if _, err := load(filepath.Join(dir, "missing.tfc")); err == nil {
				t.Error("missing file accepted")
			}
			if _, err := load(dir); err == nil {
				t.Error("directory accepted")
			}
		})
	}
}
