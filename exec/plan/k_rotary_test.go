package plan

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

// TestRotaryKernel runs RotaryEmbedding's fast kernel against the
// reference with Cos and Sin of X's shape and broadcast along batch and
// heads (Llama's [1, 1, S, D] and [S, D]).
func TestRotaryKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, c := range [][2][]int64{
		{{2, 4, 5, 8}, {1, 1, 5, 8}},
		{{2, 4, 5, 8}, {5, 8}},
		{{2, 4, 5, 8}, {2, 4, 5, 8}},
		{{3, 6}, {3, 6}},
		{{2, 3, 7, 16}, {2, 1, 7, 16}},
	} {
		checkKernel(t, node("ai.tfc:RotaryEmbedding", nil), []*ir.Tensor{randF32(r, c[0]...), randF32(r, c[1]...), randF32(r, c[1]...)})
	}
}

// TestRowOffsets: rows of a broadcast operand, and shapes that do not
// broadcast by rows.
func TestRowOffsets(t *testing.T) {
	offs, ok := rowOffsets([]int64{2, 3}, []int64{1, 3}, 4)
	if want := []int{0, 4, 8, 0, 4, 8}; !ok || !slices.Equal(offs, want) {
		t.Errorf("rowOffsets([2 3], [1 3]) = %v, %v; want %v", offs, ok, want)
	}
	if _, ok := rowOffsets([]int64{2, 3}, []int64{2, 2}, 4); ok {
		t.Error("[2 2] broadcast to [2 3]")
	}
	if _, ok := rowOffsets([]int64{3}, []int64{1, 3}, 4); ok {
		t.Error("a higher rank broadcast")
	}
}
