package plan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

// TestConvKernel runs Conv's fast kernel against the reference on 1-D
// (Whisper's front end) and 2-D (ViT's patch embedding) cases with
// strides, dilations, explicit and automatic padding, groups, a batch, and
// with and without bias, small and large enough to split im2col over the
// pool.
func TestConvKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	aStr := func(s string) *ir.Attr { return &ir.Attr{Kind: ir.AttrString, String: s} }
	for _, c := range []struct {
		x, w  []int64
		attrs map[string]*ir.Attr
	}{
		{[]int64{1, 16, 64}, []int64{32, 16, 3}, map[string]*ir.Attr{"pads": aInts(1, 1)}},
		{[]int64{2, 8, 65}, []int64{12, 8, 3}, map[string]*ir.Attr{"pads": aInts(1, 1), "strides": aInts(2)}},
		{[]int64{1, 80, 600}, []int64{64, 80, 3}, map[string]*ir.Attr{"pads": aInts(1, 1)}},
		{[]int64{1, 4, 20}, []int64{6, 4, 5}, map[string]*ir.Attr{"dilations": aInts(2), "pads": aInts(0, 3)}},
		{[]int64{1, 3, 32, 32}, []int64{16, 3, 4, 4}, map[string]*ir.Attr{"strides": aInts(4, 4)}},
		{[]int64{2, 3, 9, 11}, []int64{5, 3, 3, 3}, map[string]*ir.Attr{"pads": aInts(1, 0, 2, 1), "strides": aInts(2, 1)}},
		{[]int64{1, 4, 10, 10}, []int64{6, 2, 3, 3}, map[string]*ir.Attr{"group": aInt(2), "auto_pad": aStr("SAME_UPPER"), "strides": aInts(2, 2)}},
		{[]int64{1, 4, 10, 9}, []int64{4, 1, 3, 3}, map[string]*ir.Attr{"group": aInt(4), "auto_pad": aStr("SAME_LOWER"), "dilations": aInts(2, 1)}},
		{[]int64{1, 6, 7, 7}, []int64{8, 6, 1, 1}, nil},
		{[]int64{1, 6, 12, 12}, []int64{8, 6, 3, 3}, map[string]*ir.Attr{"auto_pad": aStr("VALID"), "strides": aInts(3, 2)}},
		{[]int64{1, 64, 100, 100}, []int64{8, 64, 3, 3}, map[string]*ir.Attr{"pads": aInts(1, 1, 1, 1)}},
	} {
		// Weights scaled by 1/√fan-in, as trained ones are: sums of
		// hundreds of products stay near 1, within float32's reach of
		// the reference's tolerance.
		w, b := randF32(r, c.w...), randF32(r, c.w[0])
		fanIn := float32(numel(c.w[1:]))
		for i, v := range w.Data.([]float32) {
			w.Data.([]float32)[i] = v / float32(math.Sqrt(float64(fanIn)))
		}
		checkKernel(t, node("Conv", c.attrs), []*ir.Tensor{randF32(r, c.x...), w, b}, 1, 2)
		checkKernel(t, node("Conv", c.attrs), []*ir.Tensor{randF32(r, c.x...), w}, 1)
	}
}
