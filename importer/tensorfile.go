package importer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"path/filepath"

	"google.golang.org/protobuf/proto"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// ReadTensorFile reads a serialized TensorProto (a .pb file of the ONNX
// test-data layout) and returns the tensor and its name. External data is
// read from the file's folder.
func ReadTensorFile(path string) (*ir.Tensor, string, error) {
	data, release, err := readFile(path)
	if err != nil {
		return nil, "", err
	}
	t, name, err := decodeTensor(data, filepath.Dir(path))
	release()
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return t, name, nil
}

// DecodeTensor decodes a serialized TensorProto; external data is refused.
func DecodeTensor(data []byte) (*ir.Tensor, string, error) {
	return decodeTensor(data, "")
}

func decodeTensor(data []byte, dir string) (*ir.Tensor, string, error) {
	if len(data) > MaxFileBytes {
		return nil, "", fmt.Errorf("tensor has %d bytes, more than the %d the importer reads", len(data), int64(MaxFileBytes))
	}
	var tp onnxpb.TensorProto
	if err := proto.Unmarshal(data, &tp); err != nil {
		return nil, "", fmt.Errorf("not an ONNX tensor: %w", err)
	}
	if tp.DataType == nil {
		return nil, "", errors.New("not an ONNX tensor: no data_type")
	}
	t, err := tensorFromProto(&tp, dir)
	if err != nil {
		return nil, "", err
	}
	return t, tp.GetName(), nil
}

// EncodeTensor serializes t as a TensorProto with the given name, its data
// in raw_data (string tensors use string_data).
func EncodeTensor(t *ir.Tensor, name string) ([]byte, error) {
	if t == nil {
		return nil, errors.New("EncodeTensor: nil tensor")
	}
	if err := t.Check(); err != nil {
		return nil, fmt.Errorf("EncodeTensor %q: %w", name, err)
	}
	tp := &onnxpb.TensorProto{
		Name:     proto.String(name),
		DataType: proto.Int32(int32(t.DType)),
		Dims:     append([]int64{}, t.Shape...),
	}
	if d, ok := t.Data.([]string); ok {
		for _, s := range d {
			tp.StringData = append(tp.StringData, []byte(s))
		}
	} else {
		tp.RawData = rawBytes(t)
	}
	return proto.Marshal(tp)
}

// rawBytes lays out a checked tensor's data as ONNX raw_data.
func rawBytes(t *ir.Tensor) []byte {
	le := binary.LittleEndian
	out := make([]byte, 0, packedLen(t.DType, int64(t.Len())))
	switch d := t.Data.(type) {
	case []float32:
		for _, v := range d {
			out = le.AppendUint32(out, math.Float32bits(v))
		}
	case []float64:
		for _, v := range d {
			out = le.AppendUint64(out, math.Float64bits(v))
		}
	case []complex64:
		for _, v := range d {
			out = le.AppendUint32(le.AppendUint32(out, math.Float32bits(real(v))), math.Float32bits(imag(v)))
		}
	case []complex128:
		for _, v := range d {
			out = le.AppendUint64(le.AppendUint64(out, math.Float64bits(real(v))), math.Float64bits(imag(v)))
		}
	case []int8:
		for _, v := range d {
			out = append(out, byte(v))
		}
	case []int16:
		for _, v := range d {
			out = le.AppendUint16(out, uint16(v))
		}
	case []int32:
		for _, v := range d {
			out = le.AppendUint32(out, uint32(v))
		}
	case []int64:
		for _, v := range d {
			out = le.AppendUint64(out, uint64(v))
		}
	case []uint16:
		for _, v := range d {
			out = le.AppendUint16(out, v)
		}
	case []uint32:
		for _, v := range d {
			out = le.AppendUint32(out, v)
		}
	case []uint64:
		for _, v := range d {
			out = le.AppendUint64(out, v)
		}
	case []bool:
		for _, v := range d {
			b := byte(0)
			if v {
				b = 1
			}
			out = append(out, b)
		}
	case []uint8:
		out = pack(t.DType, d)
	}
	return out
}
