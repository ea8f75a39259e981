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
	budget := int64(6)
	got, err := sparseToDense(sparsePB([]int64{2, 3}, []int64{0, 1, 1, 2}, []int64{2, 2}, 5, 6), "", &budget)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Shape, []int64{2, 3}) || !reflect.DeepEqual(got.Data, []float32{0, 5, 0, 0, 0, 6}) || budget != 0 {
		t.Fatalf("got %v %v, budget left %d", got.Shape, got.Data, budget)
	}
	if _, err := sparseToDense(sparsePB([]int64{1}, []int64{0}, nil, 1), "", &budget); err == nil || !strings.Contains(err.Error(), "left to sparse tensors") {
		t.Fatalf("budget exhausted: %v", err)
	}
	for name, tc := range map[string]struct {
		sp    *onnxpb.SparseTensorProto
		inErr string
	}{
		"index out of range": {sparsePB([]int64{3}, []int64{3}, nil, 1), "outside shape"},
		"coordinate out":     {sparsePB([]int64{2, 2}, []int64{0, 2}, []int64{1, 2}, 1), "outside shape"},
		"indices shape":      {sparsePB([]int64{4}, []int64{0, 1, 2}, nil, 1, 2), "indices have shape [3]"},
		"huge dense":         {sparsePB([]int64{1 << 20, 1 << 20}, []int64{0}, nil, 1), "more than"},
		"over budget":        {sparsePB([]int64{1 << 30}, []int64{0}, nil, 1), "more elements than"},
		"negative dim":       {sparsePB([]int64{-3}, []int64{0}, nil, 1), "negative dimension"},
	} {
		budget := denseBudget(100)
		if _, err := sparseToDense(tc.sp, "", &budget); err == nil || !strings.Contains(err.Error(), tc.inErr) ||
			!strings.Contains(err.Error(), `sparse tensor "sv"`) {
			t.Errorf("%s: got %v, want error containing %q naming the tensor", name, err, tc.inErr)
		}
	}
}
