// Package importer reads ONNX models and tensors into tfc's IR.
//
// Load and Decode turn a ModelProto into an ir.Graph: values are resolved by
// name with the nesting scopes of subgraphs, Constant nodes become constant
// values, model-local functions are inlined, initializers are decoded from
// every ONNX encoding (including external data files beside the model), and
// every node gets the since-version of its operator under the model's opset
// imports. Operators tfc does not know are reported all together in one
// *UnsupportedOpsError. Malformed input yields an error, never a panic or an
// allocation out of proportion to the input.
package importer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"google.golang.org/protobuf/proto"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/internal/mmap"
	"github.com/tfc-project/tfc/ir"
)

// MaxFileBytes is the largest model or tensor file the importer reads.
const MaxFileBytes = 4 << 30

// The range of ONNX IR versions the importer accepts.
const (
	MinIRVersion = 3
	MaxIRVersion = 13
)

// Model is an imported ONNX model.
type Model struct {
	IRVersion       int64
	ProducerName    string
	ProducerVersion string
	Domain          string
	ModelVersion    int64
	// Opsets maps each imported operator domain ("" for ai.onnx) to its version.
	Opsets   map[string]int64
	Graph    *ir.Graph
	Metadata map[string]string
}

// Load reads and imports the ONNX model at path; external data is read
// from the model's folder.
func Load(path string) (*Model, error) {
	data, release, err := readFile(path)
	if err != nil {
		return nil, err
	}
	m, err := Decode(data, filepath.Dir(path))
	release() // Decode copies what it keeps (protobuf copies bytes fields)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// readFile returns the bytes of a regular file of at most MaxFileBytes,
// and the function that releases them once decoded. The file is mapped
// where the system can: its pages then stay out of the Go heap, which
// would otherwise hold the file and its decoded copy at once and let the
// garbage collector's target grow to twice both.
func readFile(path string) ([]byte, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s: not a regular file", path)
	}
	if st.Size() > MaxFileBytes {
		return nil, nil, fmt.Errorf("%s: file has %d bytes, more than the %d the importer reads", path, st.Size(), int64(MaxFileBytes))
	}
	if st.Size() > 0 {
		if data, unmap, err := mmap.Map(f, st.Size()); err == nil {
			return data, unmap, nil
		}
	}
	// One buffer of the file's size (and a byte to see it grow), not
	// io.ReadAll's doubling ones.
	data := make([]byte, st.Size()+1)
	n, err := io.ReadFull(f, data)
	switch {
	case err == nil:
		return nil, nil, fmt.Errorf("%s: file grew while being read", path)
	case err != io.ErrUnexpectedEOF && err != io.EOF:
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return data[:n], func() {}, nil
}

// Decode imports a serialized ONNX model. dir is the folder external
// tensor data is read from; "" refuses models with external data.
func Decode(data []byte, dir string) (*Model, error) {
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("model has %d bytes, more than the %d the importer reads", len(data), int64(MaxFileBytes))
	}
	if len(data) == 0 {
		return nil, errors.New("not an ONNX model: the input is empty")
	}
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(data, &mp); err != nil {
		return nil, fmt.Errorf("not an ONNX model: %w", err)
	}
	if mp.IrVersion == nil || mp.Graph == nil {
		return nil, errors.New("not an ONNX model: no ir_version or no graph")
	}
	if v := mp.GetIrVersion(); v < MinIRVersion || v > MaxIRVersion {
		return nil, fmt.Errorf("unsupported ONNX IR version %d (tfc reads IR versions %d to %d)", v, MinIRVersion, MaxIRVersion)
	}
	opsets, err := opsetMap(mp.GetOpsetImport())
	if err != nil {
		return nil, fmt.Errorf("model opset_import: %w", err)
	}
	if len(opsets) == 0 {
		return nil, fmt.Errorf("model has no opset_import (required from IR version 3 on)")
	}
	d := &decoder{dir: dir, opsets: opsets, denseLeft: denseBudget(len(data))}
	if err := d.addFunctions(mp.GetFunctions()); err != nil {
		return nil, err
	}
	g, _, err := d.graph(mp.GetGraph(), nil, nodeCtx{opsets: opsets})
	if err != nil {
		return nil, err
	}
	if err := d.unsupported.err(); err != nil {
		return nil, err
	}
	m := &Model{
		IRVersion:       mp.GetIrVersion(),
		ProducerName:    mp.GetProducerName(),
		ProducerVersion: mp.GetProducerVersion(),
		Domain:          mp.GetDomain(),
		ModelVersion:    mp.GetModelVersion(),
		Opsets:          opsets,
		Graph:           g,
		Metadata:        map[string]string{},
	}
	for _, kv := range mp.GetMetadataProps() {
		m.Metadata[kv.GetKey()] = kv.GetValue()
	}
	return m, nil
}

// opsetMap converts opset imports to a map keyed by normalized domain.
func opsetMap(imports []*onnxpb.OperatorSetIdProto) (map[string]int64, error) {
	out := map[string]int64{}
	for _, imp := range imports {
		domain := normDomain(imp.GetDomain())
		v := imp.GetVersion()
		if v <= 0 {
			return nil, fmt.Errorf("domain %q has invalid version %d", imp.GetDomain(), v)
		}
		if old, dup := out[domain]; dup && old != v {
			return nil, fmt.Errorf("domain %q imported twice, as versions %d and %d", imp.GetDomain(), old, v)
		}
		out[domain] = v
	}
	return out, nil
}

// decoder holds the state of one model import.
type decoder struct {
	dir         string           // folder of external data, "" for none
	opsets      map[string]int64 // the model's opset imports
	funcs       map[funcKey]*function
	unsupported unsupportedSet
	calls       int   // function calls inlined so far (for fresh value names)
	nodes       int   // nodes imported so far (and function bodies copied)
	denseLeft   int64 // elements sparse tensors may still expand to
}

// maxNodes bounds the node count of a model after function inlining.
const maxNodes = 1 << 20

// nodeCtx is what a node's import depends on besides the node itself: the
// opset imports in force (the model's, or a function's), and whether the
// node comes from an inlined function body (already counted against maxNodes).
type nodeCtx struct {
	opsets  map[string]int64
	inlined bool
}
