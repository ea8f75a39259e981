package importer

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// FuzzDecodeModel feeds arbitrary bytes to Decode: it must return an error
// or a graph that keeps the importer's promises, and never panic.
func FuzzDecodeModel(f *testing.F) {
	for _, seed := range corruptSeeds(f) {
		f.Add(seed)
	}
	f.Add([]byte{})
	f.Add([]byte("not a model"))
	f.Add([]byte{0x08, 0x08, 0x3a, 0x00}) // ir_version 8, empty graph
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data, "")
		if err != nil {
			return
		}
		if err := checkGraph(m.Graph, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzDecodeTensor feeds arbitrary bytes to DecodeTensor; what decodes must
// re-encode to bytes that decode to the same encoding again.
func FuzzDecodeTensor(f *testing.F) {
	if dir := backendDirOrEmpty(); dir != "" {
		for _, name := range []string{"node/test_abs/test_data_set_0/input_0.pb", "node/test_cast_FLOAT_to_INT4/test_data_set_0/output_0.pb",
			"simple/test_strnorm_model_monday_casesensintive_lower/test_data_set_0/input_0.pb", "node/test_if_seq/test_data_set_0/output_0.pb"} {
			if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
				f.Add(data)
			}
		}
	}
	for _, tp := range []*onnxpb.TensorProto{
		floatTensorPB("f", []int64{2, 2}, 1, 2, 3, 4),
		{DataType: int32p(ir.Int4), Dims: []int64{3}, RawData: []byte{0x8F, 0x07}},
		{DataType: int32p(ir.Uint2), Dims: []int64{5}, Int32Data: []int32{0xE4, 3}},
		{DataType: int32p(ir.String), Dims: []int64{1}, StringData: [][]byte{[]byte("s")}},
		{DataType: int32p(ir.Complex128), Dims: []int64{1}, DoubleData: []float64{1, 2}},
	} {
		f.Add(marshal(f, tp))
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		tensor, name, err := DecodeTensor(data)
		if err != nil {
			return
		}
		if err := tensor.Check(); err != nil {
			t.Fatal(err)
		}
		enc, err := EncodeTensor(tensor, name)
		if err != nil {
			t.Fatal(err)
		}
		again, name2, err := DecodeTensor(enc)
		if err != nil || name2 != name {
			t.Fatalf("re-decoding: %v", err)
		}
		enc2, err := EncodeTensor(again, name2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding not stable: %v", err)
		}
	})
}

func int32p(dt ir.DType) *int32 { v := int32(dt); return &v }
