package movement_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestExpandTilePad(t *testing.T) {
	col := f32(s(3, 1), 1, 2, 3)
	m := f32(s(3, 2), 1, 1.2, 2.3, 3.4, 4.5, 5.7)
	runCases(t, []opCase{
		{name: "expand", op: "Expand", ver: 13, in: ins{col, i64(s(2), 1, 2)}, want: ins{f32(s(3, 2), 1, 1, 2, 2, 3, 3)}},
		{name: "expand rank up", op: "Expand", ver: 13, in: ins{opstest.Strs(s(1), "a"), i64(s(2), 2, 1)}, want: ins{opstest.Strs(s(2, 1), "a", "a")}},
		{name: "tile", op: "Tile", ver: 13, in: ins{f32(s(2, 2), 1, 2, 3, 4), i64(s(2), 2, 2)},
			want: ins{f32(s(4, 4), 1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4)}},
		{name: "tile zero", op: "Tile", ver: 13, in: ins{col, i64(s(2), 0, 3)}, want: ins{f32(s(0, 3))}},
		{name: "pad constant", op: "Pad", ver: 13, in: ins{m, i64(s(4), 0, 2, 0, 0)},
			want: ins{f32(s(3, 4), 0, 0, 1, 1.2, 0, 0, 2.3, 3.4, 0, 0, 4.5, 5.7)}},
		{name: "pad constant value", op: "Pad", ver: 13, in: ins{m, i64(s(4), 0, 0, 1, -1), f32(nil, 9)},
			want: ins{f32(s(4, 1), 1, 2.3, 4.5, 9)}},
		{name: "pad reflect", op: "Pad", ver: 13, attrs: opstest.Attrs("mode", "reflect"), in: ins{m, i64(s(4), 0, 2, 0, 0)},
			want: ins{f32(s(3, 4), 1, 1.2, 1, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7, 4.5, 5.7)}},
		{name: "pad edge", op: "Pad", ver: 13, attrs: opstest.Attrs("mode", "edge"), in: ins{m, i64(s(4), 0, 2, 0, 0)},
			want: ins{f32(s(3, 4), 1, 1, 1, 1.2, 2.3, 2.3, 2.3, 3.4, 4.5, 4.5, 4.5, 5.7)}},
		{name: "pad wrap", op: "Pad", ver: 19, attrs: opstest.Attrs("mode", "wrap"), in: ins{m, i64(s(4), 2, 1, 1, 1)},
			want: ins{f32(s(6, 4), 3.4, 2.3, 3.4, 2.3, 5.7, 4.5, 5.7, 4.5, 1.2, 1, 1.2, 1,
				3.4, 2.3, 3.4, 2.3, 5.7, 4.5, 5.7, 4.5, 1.2, 1, 1.2, 1)}},
		{name: "pad reflect beyond dim", op: "Pad", ver: 13, attrs: opstest.Attrs("mode", "reflect"),
			in: ins{f32(s(3), 1, 2, 3), i64(s(2), 4, 0)}, want: ins{f32(s(7), 1, 2, 3, 2, 1, 2, 3)}},
		{name: "pad axes", op: "Pad", ver: 18, in: ins{m, i64(s(2), 1, 0), nil, i64(s(1), -1)},
			want: ins{f32(s(3, 3), 0, 1, 1.2, 0, 2.3, 3.4, 0, 4.5, 5.7)}},
		{name: "pad-2 attributes bools", op: "Pad", ver: 2, attrs: opstest.Attrs("pads", []int64{1, 0}, "value", float32(1)),
			in: ins{opstest.Bools(s(1), false)}, want: ins{opstest.Bools(s(2), true, false)}},
		{name: "pad strings", op: "Pad", ver: 13, in: ins{opstest.Strs(s(1), "a"), i64(s(2), 0, 1), opstest.Strs(nil, "z")},
			want: ins{opstest.Strs(s(2), "a", "z")}},
	})
	runErrors(t, []errCase{
		{name: "expand shapes", op: "Expand", ver: 13, in: ins{m, i64(s(1), 3)}, want: "cannot be broadcast"},
		{name: "expand huge", op: "Expand", ver: 13, in: ins{col, i64(s(3), 1<<30, 1, 1<<30)}, want: "more than"},
		{name: "tile huge", op: "Tile", ver: 13, in: ins{col, i64(s(2), 1<<40, 1<<40)}, want: "exceed"},
		{name: "tile repeats", op: "Tile", ver: 13, in: ins{col, i64(s(1), 2)}, want: "1 repeats for rank 2"},
		{name: "pad mode", op: "Pad", ver: 13, attrs: opstest.Attrs("mode", "mirror"), in: ins{m, i64(s(4), 0, 0, 0, 0)}, want: "unknown mode"},
		{name: "pad count", op: "Pad", ver: 13, in: ins{m, i64(s(2), 0, 0)}, want: "2 pads for 2 axes"},
		{name: "pad crop", op: "Pad", ver: 13, in: ins{m, i64(s(4), -2, 0, -2, 0)}, want: "crop more"},
		{name: "pad huge", op: "Pad", ver: 13, in: ins{m, i64(s(4), 1<<20, 1<<20, 1<<20, 1<<20)}, want: "more than"},
		{name: "pad absurd", op: "Pad", ver: 13, in: ins{m, i64(s(4), math.MaxInt64, math.MaxInt64, 0, 0)}, want: "exceed"},
		{name: "pad empty reflect", op: "Pad", ver: 13, attrs: opstest.Attrs("mode", "reflect"), in: ins{f32(s(0)), i64(s(2), 1, 0)}, want: "empty axis"},
	})
}

func TestGenerators(t *testing.T) {
	runCases(t, []opCase{
		{name: "constant of shape default", op: "ConstantOfShape", ver: 9, in: ins{i64(s(2), 1, 2)}, want: ins{f32(s(1, 2))}},
		{name: "constant of shape int32", op: "ConstantOfShape", ver: 9, attrs: opstest.Attrs("value", i32(s(1), 7)),
			in: ins{i64(s(1), 3)}, want: ins{i32(s(3), 7, 7, 7)}},
		{name: "constant of shape scalar", op: "ConstantOfShape", ver: 9, attrs: opstest.Attrs("value", opstest.Bools(s(1), true)),
			in: ins{i64(s(0))}, want: ins{opstest.Bools(nil, true)}},
		{name: "range int", op: "Range", ver: 11, in: ins{i32(nil, 10), i32(nil, 6), i32(nil, -3)}, want: ins{i32(s(2), 10, 7)}},
		{name: "range int example", op: "Range", ver: 11, in: ins{i64(nil, 3), i64(nil, 9), i64(nil, 3)}, want: ins{i64(s(2), 3, 6)}},
		{name: "range empty", op: "Range", ver: 11, in: ins{i64(nil, 3), i64(nil, 1), i64(nil, 3)}, want: ins{i64(s(0))}},
		{name: "range float", op: "Range", ver: 11, in: ins{f32(nil, 1), f32(nil, 2), f32(nil, 0.25)},
			want: ins{f32(s(4), 1, 1.25, 1.5, 1.75)}},
		{name: "range float16", op: "Range", ver: 27, in: ins{opstest.Tensor(ir.Float16, nil, 1), opstest.Tensor(ir.Float16, nil, 5), opstest.Tensor(ir.Float16, nil, 2)},
			want: ins{opstest.Tensor(ir.Float16, s(2), 1, 3)}},
		{name: "trilu upper", op: "Trilu", ver: 14, in: ins{iota(3, 3)}, want: ins{f32(s(3, 3), 0, 1, 2, 0, 4, 5, 0, 0, 8)}},
		{name: "trilu upper k=-1", op: "Trilu", ver: 14, in: ins{iota(3, 3), i64(nil, -1)},
			want: ins{f32(s(3, 3), 0, 1, 2, 3, 4, 5, 0, 7, 8)}},
		{name: "trilu lower k=1 batched", op: "Trilu", ver: 14, attrs: opstest.Attrs("upper", 0), in: ins{iota(2, 2, 3), i64(nil, 1)},
			want: ins{f32(s(2, 2, 3), 0, 1, 0, 3, 4, 5, 6, 7, 0, 9, 10, 11)}},
		{name: "trilu strings", op: "Trilu", ver: 14, attrs: opstest.Attrs("upper", 0), in: ins{opstest.Strs(s(1, 2), "a", "b")},
			want: ins{opstest.Strs(s(1, 2), "a", "")}},
		{name: "eyelike", op: "EyeLike", ver: 9, attrs: opstest.Attrs("k", 1), in: ins{f32(s(2, 3))},
			want: ins{f32(s(2, 3), 0, 1, 0, 0, 0, 1)}},
		{name: "eyelike dtype", op: "EyeLike", ver: 9, attrs: opstest.Attrs("dtype", int64(ir.Int32), "k", -1),
			in: ins{f32(s(2, 2))}, want: ins{i32(s(2, 2), 0, 0, 1, 0)}},
		{name: "onehot", op: "OneHot", ver: 11, in: ins{i64(s(3), 1, -1, 5), f32(nil, 3), i32(s(2), 2, 7)},
			want: ins{i32(s(3, 3), 2, 7, 2, 2, 2, 7, 2, 2, 2)}},
		{name: "onehot axis 0 float indices", op: "OneHot", ver: 11, attrs: opstest.Attrs("axis", 0),
			in:   ins{f32(s(2), 0, 2.7), i64(s(1), 3), f32(s(2), 0, 1)},
			want: ins{f32(s(3, 2), 1, 0, 0, 0, 0, 1)}},
	})
	runErrors(t, []errCase{
		{name: "constant of shape huge", op: "ConstantOfShape", ver: 9, in: ins{i64(s(2), 1<<30, 1<<30)}, want: "more than"},
		{name: "constant of shape negative", op: "ConstantOfShape", ver: 9, in: ins{i64(s(1), -1)}, want: "negative"},
		{name: "range huge", op: "Range", ver: 11, in: ins{i64(nil, -1<<62), i64(nil, 1<<62), i64(nil, 1)}, want: "more than"},
		{name: "range huge float", op: "Range", ver: 11, in: ins{f32(nil, 0), f32(nil, 1e30), f32(nil, 1)}, want: "more than"},
		{name: "range delta 0", op: "Range", ver: 11, in: ins{i64(nil, 0), i64(nil, 1), i64(nil, 0)}, want: "delta 0"},
		{name: "range dtypes", op: "Range", ver: 11, in: ins{i64(nil, 0), i32(nil, 1), i64(nil, 1)}, want: "limit must be a scalar"},
		{name: "trilu rank", op: "Trilu", ver: 14, in: ins{f32(s(2), 1, 2)}, want: "rank 1"},
		{name: "onehot depth", op: "OneHot", ver: 11, in: ins{i64(s(1), 0), i64(nil, 0), f32(s(2), 0, 1)}, want: "depth 0"},
		{name: "onehot huge", op: "OneHot", ver: 11, in: ins{i64(s(2), 0, 1), i64(nil, 1<<40), f32(s(2), 0, 1)}, want: "more than"},
		{name: "eyelike rank", op: "EyeLike", ver: 9, in: ins{f32(s(2), 1, 2)}, want: "matrix"},
	})
}

// TestEyeLikeEmptyDoesNotWalkRows: a [2^40, 0] input is a valid empty
// tensor; EyeLike must return the empty result without visiting its rows.
func TestEyeLikeEmptyDoesNotWalkRows(t *testing.T) {
	out, err := call("EyeLike", 9, nil, 1, &ir.Tensor{DType: ir.Float32, Shape: s(1<<40, 0), Data: []float32{}})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Len() != 0 || out[0].Shape[0] != 1<<40 {
		t.Errorf("EyeLike of [2^40, 0] gave %v", out[0].Shape)
	}
}
