package importer

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// sparsePB makes a float sparse tensor of the given dense shape; indices
// are linear ([NNZ]) or, with idxDims set, coordinates ([NNZ, rank]).
func sparsePB(dims, indices, idxDims []int64, vals ...float32) *onnxpb.SparseTensorProto {
	idx := tensorPB("idx", ir.Int64, int64(len(indices)))
	if idxDims != nil {
		idx.Dims = idxDims
	}
	idx.Int64Data = indices
	return &onnxpb.SparseTensorProto{Dims: dims, Values: floatTensorPB("sv", []int64{int64(len(vals))}, vals...), Indices: idx}
}

func TestSparseToDense(t *testing.T) {
	got, err := sparseToDense(sparsePB([]int64{2, 3}, []int64{0, 1, 1, 2}, []int64{2, 2}, 5, 6), "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Shape, []int64{2, 3}) || !reflect.DeepEqual(got.Data, []float32{0, 5, 0, 0, 0, 6}) {
		t.Fatalf("got %v %v", got.Shape, got.Data)
	}
	for name, tc := range map[string]struct {
		sp    *onnxpb.SparseTensorProto
		inErr string
	}{
		"index out of range": {sparsePB([]int64{3}, []int64{3}, nil, 1), "outside shape"},
		"coordinate out":     {sparsePB([]int64{2, 2}, []int64{0, 2}, []int64{1, 2}, 1), "outside shape"},
		"indices shape":      {sparsePB([]int64{4}, []int64{0, 1, 2}, nil, 1, 2), "indices have shape [3]"},
		"huge dense":         {sparsePB([]int64{1 << 20, 1 << 20}, []int64{0}, nil, 1), "more than"},
		"negative dim":       {sparsePB([]int64{-3}, []int64{0}, nil, 1), "negative dimension"},
	} {
		if _, err := sparseToDense(tc.sp, ""); err == nil || !strings.Contains(err.Error(), tc.inErr) ||
			!strings.Contains(err.Error(), `sparse tensor "sv"`) {
			t.Errorf("%s: got %v, want error containing %q naming the tensor", name, err, tc.inErr)
		}
	}
}
