package plan

import (
	"math/rand/v2"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestFillKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	checkKernel(t, node("Range", nil), []*ir.Tensor{ints(nil, 2), ints(nil, 11), ints(nil, 3)})
	f := func(v float32) *ir.Tensor { return &ir.Tensor{DType: ir.Float32, Data: []float32{v}} }
	checkKernel(t, node("Range", nil), []*ir.Tensor{f(1), f(-2), f(-0.5)})
	checkKernel(t, node("ConstantOfShape", nil), []*ir.Tensor{ints([]int64{2}, 3, 4)})
	val := map[string]*ir.Attr{"value": {Kind: ir.AttrTensor, Tensor: ints([]int64{1}, 7)}}
	checkKernel(t, node("ConstantOfShape", val), []*ir.Tensor{ints([]int64{1}, 5)})
	for _, keep := range []int64{0, 1} {
		n := node("ReduceMean", map[string]*ir.Attr{"keepdims": aInt(keep)})
		n.Version = 18
		checkKernel(t, n, []*ir.Tensor{randF32(r, 2, 3, 9), ints([]int64{1}, -1)})
		old := node("ReduceMean", map[string]*ir.Attr{"keepdims": aInt(keep), "axes": aInts(2)})
		old.Version = 13
		checkKernel(t, old, []*ir.Tensor{randF32(r, 2, 3, 9)})
	}
}
