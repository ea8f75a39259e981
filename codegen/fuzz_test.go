package codegen_test

import (
	"bytes"
	"testing"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec/plan"
	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/passes"
)

// artifact compiles a small testmodel into .tfc bytes.
func artifact(t testing.TB) []byte {
	m, err := importer.Load("../testmodels/bert_op17/model.onnx")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := passes.Optimize(m.Graph, passes.Options{Level: passes.Extended}); err != nil {
		t.Fatal(err)
	}
	p, err := codegen.Lower(m.Graph, codegen.Options{Target: plan.Target{}, Shapes: map[string][]int64{"input_ids": {1, 8}, "attention_mask": {1, 8}, "token_type_ids": {1, 8}}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := codegen.Write(&buf, p); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTripAndRefusals(t *testing.T) {
	data := artifact(t)
	p, err := codegen.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if p.Memory == nil || p.Memory.ArenaBytes == 0 {
		t.Errorf("specialized plan has no memory plan")
	}
	var again bytes.Buffer
	if err := codegen.Write(&again, p); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), data) {
		t.Errorf("write(read(artifact)) differs from the artifact")
	}
	bad := func(name string, mutate func(b []byte) []byte) {
		b := mutate(bytes.Clone(data))
		if _, err := codegen.Read(b); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	bad("magic", func(b []byte) []byte { b[0] = 'X'; return b })
	bad("version", func(b []byte) []byte { b[8] = 99; return b })
	bad("truncated", func(b []byte) []byte { return b[:len(b)-10] })
	bad("tampered", func(b []byte) []byte { b[len(b)/2] ^= 1; return b })
}

func FuzzReadArtifact(f *testing.F) {
	f.Add(artifact(f))
	f.Add([]byte(codegen.Magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The checksum rejects almost every mutation; also decode past it
		// by fixing the checksum up, so the decoder itself is fuzzed.
		codegen.Read(data)
		fixed := codegen.FixChecksum(data)
		codegen.Read(fixed)
		if p, err := codegen.ReadPacked(fixed); err == nil {
			for _, w := range p.Packed {
				p.Unpacked(w.Value.Const)
			}
		}
	})
}
