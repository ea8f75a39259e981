package reduce

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// unique finds the distinct elements of the flattened input, or the
// distinct slices along axis when the attribute is given. It returns them
// ascending (sorted = 1) or in order of first occurrence, with the index of
// each one's first occurrence, the position in Y of every input slice, and
// how often each occurs.
func unique(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	x := in[0]
	shape := []int64{int64(x.Len())} // the shape the slices are taken from
	axis := 0
	if a := ctx.Node.Attr("axis"); a != nil {
		var err error
		if axis, err = kernel.NormAxis(a.Int, x.Rank()); err != nil {
			return nil, ctx.Errorf("%v", err)
		}
		shape = x.Shape
	}
	v := viewAround(shape, axis)
	order := orderOf(x)
	// compare orders two slices along axis lexicographically.
	compare := func(a, b int) int {
		for o := 0; o < v.outer; o++ {
			for i := 0; i < v.inner; i++ {
				if c := order(v.at(o, a, i), v.at(o, b, i)); c != 0 {
					return c
				}
			}
		}
		return 0
	}
	byValue := make([]int, v.n)
	for k := range byValue {
		byValue[k] = k
	}
	slices.SortStableFunc(byValue, compare)

	// Group equal slices; a group is named by its first occurrence.
	var firsts []int          // first occurrence of each group
	group := make([]int, v.n) // group of each slice
	counts := []int64{}
	for j, k := range byValue {
		if j == 0 || compare(byValue[j-1], k) != 0 {
			firsts = append(firsts, k)
			counts = append(counts, 0)
		}
		group[k] = len(firsts) - 1
		counts[len(counts)-1]++
	}
	// pos is the place of each group in Y.
	pos := make([]int, len(firsts))
	for g := range pos {
		pos[g] = g
	}
	if ctx.Node.AttrInt("sorted", 1) == 0 {
		slices.SortFunc(pos, func(a, b int) int { return firsts[a] - firsts[b] })
	}
	indices := make([]int64, len(pos))
	ycounts := make([]int64, len(pos))
	rank := make([]int64, len(pos)) // place in Y of each group
	for p, g := range pos {
		indices[p], ycounts[p], rank[g] = int64(firsts[g]), counts[g], int64(p)
	}
	inverse := make([]int64, v.n)
	for k, g := range group {
		inverse[k] = rank[g]
	}

	yShape := slices.Clone(shape)
	yShape[axis] = int64(len(pos))
	src := make([]int, 0, x.Len())
	for o := 0; o < v.outer; o++ {
		for _, k := range indices {
			for i := 0; i < v.inner; i++ {
				src = append(src, v.at(o, int(k), i))
			}
		}
	}
	y, err := kernel.Take(x, yShape, src)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	outs := []*ir.Tensor{y}
	for _, vals := range [][]int64{indices, inverse, ycounts} {
		t, err := ir.FromInt64s(ir.Int64, []int64{int64(len(vals))}, vals)
		if err != nil {
			return nil, ctx.Errorf("%v", err)
		}
		outs = append(outs, t)
	}
	return outs[:min(len(outs), len(ctx.Node.Outputs))], nil
}
