package importer

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// externalModel has one float initializer "w" of shape [2] stored externally.
func externalModel(kv ...string) *onnxpb.ModelProto {
	w := tensorPB("w", ir.Float32, 2)
	w.DataLocation = onnxpb.TensorProto_EXTERNAL.Enum()
	for i := 0; i+1 < len(kv); i += 2 {
		w.ExternalData = append(w.ExternalData, &onnxpb.StringStringEntryProto{Key: proto.String(kv[i]), Value: proto.String(kv[i+1])})
	}
	g := graphPB("g", []*onnxpb.NodeProto{nodePB("Add", "add", names("x", "w"), names("y"))},
		[]*onnxpb.ValueInfoProto{valueInfo("x", ir.Float32, 2)}, []*onnxpb.ValueInfoProto{valueInfo("y", ir.Float32, 2)}, w)
	return modelPB(g, 13)
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestExternalData(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "model")
	// weights.bin: 4 junk bytes, then 1.5 and -2 as little-endian float32.
	writeFile(t, filepath.Join(dir, "data", "weights.bin"), append([]byte{9, 9, 9, 9}, le32(0x3FC00000, 0xC0000000)...))
	writeFile(t, filepath.Join(dir, "exact.bin"), le32(0x3FC00000, 0xC0000000))
	writeFile(t, filepath.Join(root, "outside.bin"), le32(0x3FC00000, 0xC0000000))
	if err := os.Symlink(filepath.Join(root, "outside.bin"), filepath.Join(dir, "link.bin")); err != nil {
		t.Fatal(err)
	}
	load := func(mp *onnxpb.ModelProto) (*Model, error) {
		path := filepath.Join(dir, "m.onnx")
		writeFile(t, path, marshal(t, mp))
		return Load(path)
	}
	for _, mp := range []*onnxpb.ModelProto{
		externalModel("location", "data/weights.bin", "offset", "4", "length", "8"),
		externalModel("location", "data/weights.bin", "offset", "4"),
		externalModel("location", "exact.bin"),
		externalModel("location", "./data/../exact.bin"),
	} {
		m, err := load(mp)
		if err != nil {
			t.Fatal(err)
		}
		if w := m.Graph.Initializers[0].Const; !reflect.DeepEqual(w.Data, []float32{1.5, -2}) {
			t.Fatalf("external data read as %v", w.Data)
		}
	}
	for _, tc := range []struct {
		mp    *onnxpb.ModelProto
		inErr string
	}{
		{externalModel("location", "../outside.bin"), `tensor "w": external data location "../outside.bin" leaves the model folder`},
		{externalModel("location", "data/../../outside.bin"), "leaves the model folder"},
		{externalModel("location", filepath.Join(root, "outside.bin")), "is an absolute path"},
		{externalModel("location", "link.bin"), "through a symbolic link"},
		{externalModel("location", "missing.bin"), "external data"},
		{externalModel(), "external data has no location"},
		{externalModel("location", "data"), "not a regular file"},
		{externalModel("location", "exact.bin", "offset", "100"), "offset 100 is beyond the end"},
		{externalModel("location", "exact.bin", "offset", "4", "length", "8"), "offset 4 + length 8 is beyond the end"},
		{externalModel("location", "data/weights.bin"), "has 12 bytes, the tensor's shape needs 8"},
		{externalModel("location", "exact.bin", "offset", "-1"), "negative value"},
		{externalModel("location", "exact.bin", "length", "lots"), "external data length"},
	} {
		if _, err := load(tc.mp); !contains(err, tc.inErr) {
			t.Errorf("got %v, want error containing %q", err, tc.inErr)
		}
	}
	// Decode without a folder refuses external data.
	if _, err := Decode(marshal(t, externalModel("location", "exact.bin")), ""); !contains(err, "external data is not allowed") {
		t.Fatalf("Decode with no folder: %v", err)
	}
}
