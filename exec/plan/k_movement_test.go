package plan

import (
	"math/rand/v2"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestMovementKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	x := randF32(r, 2, 3, 4, 5)
	checkKernel(t, node("Transpose", map[string]*ir.Attr{"perm": aInts(0, 2, 1, 3)}), []*ir.Tensor{x})
	checkKernel(t, node("Transpose", map[string]*ir.Attr{"perm": aInts(3, 0, 2, 1)}), []*ir.Tensor{randI64(r, 2, 3, 4, 5)})
	checkKernel(t, node("Transpose", nil), []*ir.Tensor{randF32(r, 3, 4)})
	for _, axis := range []int64{0, 2, -1} {
		a := map[string]*ir.Attr{"axis": aInt(axis)}
		checkKernel(t, node("Concat", a), []*ir.Tensor{x, randF32(r, 2, 3, 4, 5)})
		split := node("Split", a)
		split.Outputs = outputs(2)
		checkKernel(t, split, []*ir.Tensor{randF32(r, 4, 2, 6)})
		split3 := node("Split", a)
		split3.Outputs = outputs(3)
		checkKernel(t, split3, []*ir.Tensor{randF32(r, 3, 6, 3), ints([]int64{3}, 1, 1, 1)})
		checkKernel(t, node("Gather", a), []*ir.Tensor{x, ints([]int64{2, 2}, 1, -1, 0, 1)})
	}
	checkKernel(t, node("Gather", nil), []*ir.Tensor{randF32(r, 10, 4), ints([]int64{1, 3}, 9, 0, 3)}, 0)
	checkKernel(t, node("Gather", nil), []*ir.Tensor{randF32(r, 10, 4), ints(nil, 9)})
	for _, c := range [][4]*ir.Tensor{
		{ints([]int64{2}, 1, 0), ints([]int64{2}, 3, 100), nil, nil},
		{ints([]int64{1}, -3), ints([]int64{1}, -1), ints([]int64{1}, -1), nil},
		{ints([]int64{2}, -1, 4), ints([]int64{2}, -100, 0), ints([]int64{2}, 2, 3), ints([]int64{2}, -1, -2)},
		{ints([]int64{1}, 0), ints([]int64{1}, 5), ints([]int64{1}, 3), ints([]int64{1}, 2)},
	} {
		in := []*ir.Tensor{randF32(r, 2, 3, 5, 6), c[0], c[1], c[2], c[3]}
		for len(in) > 3 && in[len(in)-1] == nil {
			in = in[:len(in)-1]
		}
		checkKernel(t, node("Slice", nil), in)
	}
	checkKernel(t, node("Expand", nil), []*ir.Tensor{randF32(r, 3, 1), ints([]int64{3}, 2, 3, 4)})
	checkKernel(t, node("Expand", nil), []*ir.Tensor{randI64(r, 1, 4), ints([]int64{2}, 3, 1)})
}
