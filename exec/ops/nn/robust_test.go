package nn_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/nn"
	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

// Every kernel of the package answers odd inputs (missing, empty, scalar,
// of mismatched ranks or types, strings) and odd attributes with a result
// or an error, never a panic.
func TestNoPanics(t *testing.T) {
	s := &ir.Tensor{DType: ir.String, Shape: shape(1), Data: []string{"x"}}
	x4 := f32(shape(1, 2, 2, 2), seq(8)...)
	inputs := [][]*ir.Tensor{
		nil,
		{nil, nil, nil},
		{f32(shape())},
		{f32(shape()), f32(shape()), f32(shape()), f32(shape()), f32(shape()), f32(shape()), f32(shape()), f32(shape()), f32(shape())},
		{f32(shape(0, 2)), f32(shape(2, 0))},
		{f32(shape(2)), f32(shape(3, 2, 1))},
		{x4, x4, x4, x4, x4, x4, x4, x4},
		{x4, f32(shape(2, 2, 1, 1), 1, 2, 3, 4), f32(shape(2), 1, 2), f32(shape(2)), f32(shape(2), 1, 1)},
		{f32(shape(1, 1, 3)), f32(shape(7, 7, 7)), f32(shape(5))},
		{f32(shape(1, 3, 2)), f32(shape(1, 3, 2)), f32(shape(1, 3, 2)), opstest.Tensor(ir.Bool, shape(9, 9)), f32(shape(1, 2, 4, 2)), f32(shape(1))},
		{opstest.Tensor(ir.Uint8, shape(2, 2)), f32(shape(3)), opstest.Tensor(ir.Uint8, shape(2)), opstest.Tensor(ir.Int8, shape(2, 2)), f32(shape(2, 2)), opstest.Tensor(ir.Int8, shape(3)), f32(shape(2)), opstest.Tensor(ir.Uint8, shape(2))},
		{s, s, s},
		{opstest.Tensor(ir.Bool, shape(2, 2)), opstest.Tensor(ir.Int64, shape(2, 2), 9, 9, 9, 9)},
	}
	attrSets := []map[string]*ir.Attr{
		nil,
		opstest.Attrs("axis", 7, "kernel_shape", []int64{2, 2}, "strides", []int64{0, 1}),
		opstest.Attrs("axis", -1, "kernel_shape", []int64{3}, "pads", []int64{-1, 2}, "group", 0, "block_size", 5),
		opstest.Attrs("kernel_shape", []int64{2, 2}, "auto_pad", "SAME_LOWER", "ceil_mode", 1, "storage_order", 1, "dilations", []int64{3, 3}),
		opstest.Attrs("equation", "ab,bc->ac", "num_groups", 3, "q_num_heads", 0, "kv_num_heads", 0, "size", 0, "p", 7),
		opstest.Attrs("equation", "...a...->", "output_shape", []int64{1 << 40}, "output_padding", []int64{1, 1}, "rotary_embedding_dim", 3),
		opstest.Attrs("is_causal", 1, "training_mode", 1, "output_dtype", 99, "precision", 3, "auto_pad", "BOGUS"),
	}
	opstest.NoPanics(t, nn.Register, []int64{1, 13, 21}, attrSets, inputs, 3)
}
