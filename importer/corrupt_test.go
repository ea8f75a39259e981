package importer

import (
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// corruptSeeds are serialized models with initializers, subgraphs and
// functions, used for the truncation test and as fuzz seeds.
func corruptSeeds(tb testing.TB) [][]byte {
	seeds := [][]byte{marshal(tb, addModel()), marshal(tb, ifModel()), marshal(tb, functionModel(callPB("c", names("x"), names("z"))))}
	if dir := backendDirOrEmpty(); dir != "" {
		for _, name := range []string{"node/test_if_seq", "node/test_loop11", "node/test_gru_seq_length",
			"node/test_scan9_sum", "simple/test_gradient_of_add", "pytorch-converted/test_Conv2d", "node/test_constant"} {
			if data, err := os.ReadFile(filepath.Join(dir, name, "model.onnx")); err == nil {
				seeds = append(seeds, data)
			}
		}
	}
	return seeds
}

// backendDirOrEmpty is backendDir without skipping: "" when the data is absent.
func backendDirOrEmpty() string {
	dir := os.Getenv("TFC_ONNX_BACKEND_TESTS")
	if dir == "" {
		wd, _ := os.Getwd()
		dir = filepath.Join(wd, "..", "..", "shared", "onnx-backend-tests")
	}
	if st, err := os.Stat(filepath.Join(dir, "node")); err != nil || !st.IsDir() {
		return ""
	}
	return dir
}

// TestTruncatedModels cuts models at every offset (a few hundred at most
// per model): each prefix must give an error or a valid graph, never a panic.
func TestTruncatedModels(t *testing.T) {
	for _, data := range corruptSeeds(t) {
		step := max(1, len(data)/300)
		for cut := 0; cut < len(data); cut += step {
			m, err := Decode(data[:cut], "")
			if err == nil {
				if cerr := checkGraph(m.Graph, nil); cerr != nil {
					t.Fatalf("prefix of %d bytes: %v", cut, cerr)
				}
			}
		}
	}
}

func TestFlippedBytes(t *testing.T) {
	for _, data := range corruptSeeds(t) {
		step := max(1, len(data)/200)
		for i := 0; i < len(data); i += step {
			for _, b := range []byte{0x00, 0xFF, 0x7F, data[i] ^ 0x08} {
				c := append([]byte{}, data...)
				c[i] = b
				if m, err := Decode(c, ""); err == nil {
					if cerr := checkGraph(m.Graph, nil); cerr != nil {
						t.Fatalf("byte %d set to %#x: %v", i, b, cerr)
					}
				}
			}
		}
	}
}

func TestAbsurdInitializerDims(t *testing.T) {
	for _, dims := range [][]int64{{1000000, 1000000}, {1 << 62, 4}, {-1}, {3, -5}} {
		mp := addModel()
		mp.Graph.Initializer[0].Dims = dims
		if _, err := decodePB(t, mp); !contains(err, `initializer: tensor "w"`) {
			t.Errorf("dims %v: %v", dims, err)
		}
	}
	// A Constant declaring 10^12 elements with 4 bytes of data.
	huge := &onnxpb.TensorProto{DataType: proto.Int32(int32(ir.Float32)), Dims: []int64{1000000, 1000000}, RawData: []byte{0, 0, 0, 0}}
	g := graphPB("g", []*onnxpb.NodeProto{nodePB("Constant", "k", nil, names("y"), tensorAttr("value", huge))}, nil,
		[]*onnxpb.ValueInfoProto{valueInfo("y", ir.Float32)})
	if _, err := decodePB(t, modelPB(g, 13)); !contains(err, `node Constant "k": attribute "value": tensor ""`) {
		t.Errorf("huge Constant: %v", err)
	}
}
