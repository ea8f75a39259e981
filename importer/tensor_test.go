package importer

import (
	"encoding/binary"
	"math"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

func le32(vals ...uint32) []byte {
	var b []byte
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

func TestTensorEncodings(t *testing.T) {
	f32 := math.Float32bits
	tests := []struct {
		name  string
		build func(tp *onnxpb.TensorProto)
		dt    ir.DType
		dims  []int64
		want  any
	}{
		{"float raw", func(tp *onnxpb.TensorProto) { tp.RawData = le32(f32(1.5), f32(-2)) }, ir.Float32, []int64{2}, []float32{1.5, -2}},
		{"float typed", func(tp *onnxpb.TensorProto) { tp.FloatData = []float32{1, 2, 3, 4, 5, 6} }, ir.Float32, []int64{2, 3}, []float32{1, 2, 3, 4, 5, 6}},
		{"float scalar", func(tp *onnxpb.TensorProto) { tp.FloatData = []float32{7} }, ir.Float32, []int64{}, []float32{7}},
		{"float empty", func(tp *onnxpb.TensorProto) {}, ir.Float32, []int64{3, 0}, []float32{}},
		{"float empty raw", func(tp *onnxpb.TensorProto) { tp.RawData = []byte{} }, ir.Float32, []int64{0}, []float32{}},
		{"double typed", func(tp *onnxpb.TensorProto) { tp.DoubleData = []float64{0.25, -1e300} }, ir.Float64, []int64{2}, []float64{0.25, -1e300}},
		{"double raw", func(tp *onnxpb.TensorProto) {
			tp.RawData = binary.LittleEndian.AppendUint64(nil, math.Float64bits(3.5))
		}, ir.Float64, []int64{1}, []float64{3.5}},
		{"int64 typed", func(tp *onnxpb.TensorProto) { tp.Int64Data = []int64{-1, 1 << 40} }, ir.Int64, []int64{2}, []int64{-1, 1 << 40}},
		{"int64 raw", func(tp *onnxpb.TensorProto) { tp.RawData = binary.LittleEndian.AppendUint64(nil, uint64(1<<63)) }, ir.Int64, []int64{1}, []int64{math.MinInt64}},
		{"int32 typed", func(tp *onnxpb.TensorProto) { tp.Int32Data = []int32{-5, 6} }, ir.Int32, []int64{2}, []int32{-5, 6}},
		{"int32 raw", func(tp *onnxpb.TensorProto) { tp.RawData = le32(0xFFFFFFFE) }, ir.Int32, []int64{1}, []int32{-2}},
		{"int16 typed", func(tp *onnxpb.TensorProto) { tp.Int32Data = []int32{-300, 300} }, ir.Int16, []int64{2}, []int16{-300, 300}},
		{"int16 raw", func(tp *onnxpb.TensorProto) { tp.RawData = []byte{0xD4, 0xFE} }, ir.Int16, []int64{1}, []int16{-300}},
		{"int8 typed", func(tp *onnxpb.TensorProto) { tp.Int32Data = []int32{-128, 127} }, ir.Int8, []int64{2}, []int8{-128, 127}},
		{"int8 raw", func(tp *onnxpb.TensorProto) { tp.RawData = []byte{0xFF, 0x80} }, ir.Int8, []int64{2}, []int8{-1, -128}},
		{"uint8 typed", func(tp *onnxpb.TensorProto) { tp.Int32Data = []int32{255, 0} }, ir.Uint8, []int64{2}, []uint8{255, 0}},
		{"uint16 typed", func(tp *onnxpb.TensorProto) { tp.Int32Data = []int32{65535} }, ir.Uint16, []int64{1}, []uint16{65535}},
		{"uint32 typed", func(tp *onnxpb.TensorProto) { tp.Uint64Data = []uint64{4294967295} }, ir.Uint32, []int64{1}, []uint32{4294967295}},
		{"uint32 raw", func(tp *onnxpb.TensorProto) { tp.RawData = le32(4000000000) }, ir.Uint32, []int64{1}, []uint32{4000000000}},
		{"uint64 typed", func(tp *onnxpb.TensorProto) { tp.Uint64Data = []uint64{math.MaxUint64} }, ir.Uint64, []int64{1}, []uint64{math.MaxUint64}},
		{"bool typed", func(tp *onnxpb.TensorProto) { tp.Int32Data = []int32{1, 0, 1} }, ir.Bool, []int64{3}, []bool{true, false, true}},
		{"bool raw", func(tp *onnxpb.TensorProto) { tp.RawData = []byte{0, 1} }, ir.Bool, []int64{2}, []bool{false, true}},
		{"float16 typed", func(tp *onnxpb.TensorProto) { tp.Int32Data = []int32{0x3C00, 0xC000} }, ir.Float16, []int64{2}, []uint16{0x3C00, 0xC000}},
		{"float16 raw", func(tp *onnxpb.TensorProto) { tp.RawData = []byte{0x00, 0x3C} }, ir.Float16, []int64{1}, []uint16{0x3C00}},
		{"bfloat16 typed", func(tp *onnxpb.TensorProto) { tp.Int32Data = []int32{0x3F80} }, ir.BFloat16, []int64{1}, []uint16{0x3F80}},
		{"float8e4m3fn typed", func(tp *onnxpb.TensorProto) { tp.Int32Data = []int32{0x38, 0xB8} }, ir.Float8E4M3FN, []int64{2}, []uint8{0x38, 0xB8}},
		{"float8e5m2 raw", func(tp *onnxpb.TensorProto) { tp.RawData = []byte{0x3C} }, ir.Float8E5M2, []int64{1}, []uint8{0x3C}},
		{"string typed", func(tp *onnxpb.TensorProto) { tp.StringData = [][]byte{[]byte("a"), []byte("bc")} }, ir.String, []int64{2}, []string{"a", "bc"}},
		{"complex64 typed", func(tp *onnxpb.TensorProto) { tp.FloatData = []float32{1, 2, 3, 4} }, ir.Complex64, []int64{2}, []complex64{1 + 2i, 3 + 4i}},
		{"complex64 raw", func(tp *onnxpb.TensorProto) { tp.RawData = le32(f32(1), f32(-1)) }, ir.Complex64, []int64{1}, []complex64{1 - 1i}},
		{"complex128 typed", func(tp *onnxpb.TensorProto) { tp.DoubleData = []float64{5, 6} }, ir.Complex128, []int64{1}, []complex128{5 + 6i}},
		// Sub-byte types: first element in the low bits, unpacked one per byte.
		{"int4 raw odd", func(tp *onnxpb.TensorProto) { tp.RawData = []byte{0x8F, 0x07} }, ir.Int4, []int64{3}, []uint8{0xFF, 0xF8, 0x07}},
		{"int4 typed", func(tp *onnxpb.TensorProto) { tp.Int32Data = []int32{0x71, 0x09} }, ir.Int4, []int64{2, 2}, []uint8{1, 7, 0xF9, 0}},
		{"uint4 raw", func(tp *onnxpb.TensorProto) { tp.RawData = []byte{0x8F, 0x07} }, ir.Uint4, []int64{3}, []uint8{0x0F, 0x08, 0x07}},
		{"float4e2m1 raw", func(tp *onnxpb.TensorProto) { tp.RawData = []byte{0x2A} }, ir.Float4E2M1, []int64{2}, []uint8{0x0A, 0x02}},
		{"int2 raw", func(tp *onnxpb.TensorProto) { tp.RawData = []byte{0b11_10_01_00, 0b10} }, ir.Int2, []int64{5}, []uint8{0, 1, 0xFE, 0xFF, 0xFE}},
		{"uint2 typed", func(tp *onnxpb.TensorProto) { tp.Int32Data = []int32{0b11_10_01_00} }, ir.Uint2, []int64{4}, []uint8{0, 1, 2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tp := tensorPB("w", tc.dt, tc.dims...)
			tc.build(tp)
			got, name, err := DecodeTensor(marshal(t, tp))
			if err != nil {
				t.Fatal(err)
			}
			if name != "w" || got.DType != tc.dt || !reflect.DeepEqual(got.Shape, tc.dims) || !reflect.DeepEqual(got.Data, tc.want) {
				t.Fatalf("got %q %v %v %#v, want %v %v %#v", name, got.DType, got.Shape, got.Data, tc.dt, tc.dims, tc.want)
			}
			// Writing the tensor back (raw_data form) and reading it again gives the same tensor.
			data, err := EncodeTensor(got, name)
			if err != nil {
				t.Fatal(err)
			}
			again, _, err := DecodeTensor(data)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("round trip: %v %v, want %v", again, err, got)
			}
		})
	}
}

func TestTensorErrors(t *testing.T) {
	tests := []struct {
		name  string
		tp    func() *onnxpb.TensorProto
		inErr string
	}{
		{"raw too short", func() *onnxpb.TensorProto {
			tp := tensorPB("short", ir.Float32, 2)
			tp.RawData = []byte{1, 2, 3}
			return tp
		}, `tensor "short": data has 3 bytes, shape [2] of f32 needs 8`},
		{"typed too long", func() *onnxpb.TensorProto { return floatTensorPB("long", []int64{1}, 1, 2) },
			`tensor "long": float_data has 2 entries`},
		{"no data", func() *onnxpb.TensorProto { return tensorPB("none", ir.Int64, 4) }, `tensor "none": int64_data has 0 entries`},
		{"wrong field", func() *onnxpb.TensorProto {
			tp := tensorPB("mixed", ir.Int64, 1)
			tp.FloatData = []float32{1}
			return tp
		}, `tensor "mixed": holds float_data`},
		{"raw plus typed", func() *onnxpb.TensorProto {
			tp := floatTensorPB("both", []int64{1}, 1)
			tp.RawData = le32(0)
			return tp
		}, "holds float_data although its data is in raw_data"},
		{"absurd dims", func() *onnxpb.TensorProto { return tensorPB("huge", ir.Float32, 1000000, 1000000) }, `tensor "huge": shape [1000000 1000000] has more than`},
		{"absurd dims raw", func() *onnxpb.TensorProto {
			tp := tensorPB("huge", ir.Float32, 1000000, 1000000)
			tp.RawData = []byte{1, 2, 3, 4}
			return tp
		}, `has more than`},
		{"dims overflow", func() *onnxpb.TensorProto { return tensorPB("ovf", ir.Float32, 1<<40, 1<<40, 1<<40) }, `has more than`},
		{"negative dim", func() *onnxpb.TensorProto { return tensorPB("neg", ir.Float32, 2, -1) }, `negative dimension -1`},
		{"bad dtype", func() *onnxpb.TensorProto { return tensorPB("bad", 99, 1) }, `tensor "bad": invalid data type 99`},
		{"undefined dtype", func() *onnxpb.TensorProto { return tensorPB("undef", 0) }, `invalid data type 0`},
		{"string raw", func() *onnxpb.TensorProto {
			tp := tensorPB("s", ir.String, 1)
			tp.RawData = []byte("x")
			return tp
		}, "string tensors cannot use raw_data"},
		{"segment", func() *onnxpb.TensorProto {
			tp := floatTensorPB("seg", []int64{1}, 1)
			tp.Segment = &onnxpb.TensorProto_Segment{Begin: proto.Int64(0), End: proto.Int64(1)}
			return tp
		}, "segmented"},
		{"int4 packed count", func() *onnxpb.TensorProto {
			tp := tensorPB("i4", ir.Int4, 3)
			tp.Int32Data = []int32{1}
			return tp
		}, "int32_data has 1 entries, shape [3] of i4 needs 2"},
		{"external without folder", func() *onnxpb.TensorProto {
			tp := tensorPB("ext", ir.Float32, 1)
			tp.DataLocation = onnxpb.TensorProto_EXTERNAL.Enum()
			tp.ExternalData = []*onnxpb.StringStringEntryProto{{Key: proto.String("location"), Value: proto.String("w.bin")}}
			return tp
		}, "external data is not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := DecodeTensor(marshal(t, tc.tp()))
			if err == nil || !strings.Contains(err.Error(), tc.inErr) {
				t.Fatalf("got error %v, want one containing %q", err, tc.inErr)
			}
		})
	}
}

func TestDecodeTensorNotATensor(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"text":      []byte("hello, this is not a tensor\n"),
		"png":       {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'},
		"truncated": marshal(t, floatTensorPB("x", []int64{4}, 1, 2, 3, 4))[:9],
	} {
		if _, _, err := DecodeTensor(data); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func TestEncodeTensorRefusesBadTensor(t *testing.T) {
	bad := &ir.Tensor{DType: ir.Float32, Shape: []int64{3}, Data: []float32{1}}
	if _, err := EncodeTensor(bad, "bad"); err == nil || !strings.Contains(err.Error(), `"bad"`) {
		t.Fatalf("got %v", err)
	}
}

func TestBackendTensorFiles(t *testing.T) {
	dir := backendDir(t)
	tp, name, err := ReadTensorFile(dir + "/node/test_abs/test_data_set_0/input_0.pb")
	if err != nil {
		t.Fatal(err)
	}
	if name != "x" || tp.DType != ir.Float32 || !reflect.DeepEqual(tp.Shape, []int64{3, 4, 5}) {
		t.Fatalf("got %q %v %v", name, tp.DType, tp.Shape)
	}
}
