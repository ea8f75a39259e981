package importer

import (
	"fmt"
	"reflect"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// denseBudget is how many elements the sparse tensors of a model of the
// given size may expand to in all: a few bytes of sparse data must not make
// the importer allocate gigabytes.
func denseBudget(modelBytes int) int64 { return 1<<24 + 16*int64(modelBytes) }

// sparseToDense converts a SparseTensorProto to a dense tensor, taking its
// element count from *budget. Indices are either [NNZ] linear positions or
// [NNZ, rank] coordinates.
func sparseToDense(sp *onnxpb.SparseTensorProto, dir string, budget *int64) (*ir.Tensor, error) {
	name := sp.GetValues().GetName()
	t, err := sparseData(sp, dir, budget)
	if err != nil {
		return nil, fmt.Errorf("sparse tensor %q: %w", name, err)
	}
	return t, nil
}

func sparseData(sp *onnxpb.SparseTensorProto, dir string, budget *int64) (*ir.Tensor, error) {
	if sp.GetValues() == nil {
		return nil, fmt.Errorf("has no values")
	}
	dims := sp.GetDims()
	n, err := ir.NumElements(dims)
	if err != nil {
		return nil, err
	}
	if n > *budget {
		return nil, fmt.Errorf("dense shape %v has more elements than the %d left to sparse tensors of this model", dims, *budget)
	}
	*budget -= n
	values, err := tensorFromProto(sp.GetValues(), dir)
	if err != nil {
		return nil, err
	}
	nnz := int64(values.Len())
	if values.Rank() != 1 {
		return nil, fmt.Errorf("values have shape %v, want 1-D", values.Shape)
	}
	var idx []int64
	if sp.GetIndices() != nil {
		it, err := tensorFromProto(sp.GetIndices(), dir)
		if err != nil {
			return nil, err
		}
		if it.DType != ir.Int64 {
			return nil, fmt.Errorf("indices have type %v, want i64", it.DType)
		}
		idx = it.Data.([]int64)
		switch {
		case it.Rank() == 1 && it.Shape[0] == nnz:
		case it.Rank() == 2 && it.Shape[0] == nnz && it.Shape[1] == int64(len(dims)):
			idx = linearize(idx, dims, nnz)
		default:
			return nil, fmt.Errorf("indices have shape %v, want [%d] or [%d,%d]", it.Shape, nnz, nnz, len(dims))
		}
	} else if nnz != 0 {
		return nil, fmt.Errorf("has %d values but no indices", nnz)
	}
	dense, err := ir.NewTensor(values.DType, dims)
	if err != nil {
		return nil, err
	}
	dst, src := reflect.ValueOf(dense.Data), reflect.ValueOf(values.Data)
	for i, pos := range idx {
		if pos < 0 || pos >= n {
			return nil, fmt.Errorf("index %d of value %d is outside shape %v", pos, i, dims)
		}
		dst.Index(int(pos)).Set(src.Index(i))
	}
	return dense, nil
}

// linearize turns nnz [rank] coordinates into linear positions; a
// coordinate out of range yields -1.
func linearize(coords []int64, dims []int64, nnz int64) []int64 {
	rank := len(dims)
	out := make([]int64, nnz)
	for i := range out {
		pos := int64(0)
		for k, c := range coords[i*rank : (i+1)*rank] {
			if c < 0 || c >= dims[k] {
				pos = -1
				break
			}
			pos = pos*dims[k] + c
		}
		out[i] = pos
	}
	return out
}
