package movement_test

import (
	"math"
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestConcatSplitSlice(t *testing.T) {
	m := f32(s(2, 4), 1, 2, 3, 4, 5, 6, 7, 8)
	runCases(t, []opCase{
		{name: "concat axis 1 strings", op: "Concat", ver: 13, attrs: opstest.Attrs("axis", 1),
			in:   ins{opstest.Strs(s(2, 1), "a", "b"), opstest.Strs(s(2, 2), "c", "d", "e", "f")},
			want: ins{opstest.Strs(s(2, 3), "a", "c", "d", "b", "e", "f")}},
		{name: "concat axis -2 with empty", op: "Concat", ver: 13, attrs: opstest.Attrs("axis", -2),
			in:   ins{f32(s(1, 2), 1, 2), f32(s(0, 2)), f32(s(2, 2), 3, 4, 5, 6)},
			want: ins{f32(s(3, 2), 1, 2, 3, 4, 5, 6)}},
		{name: "concat long empty axis", op: "Concat", ver: 13, attrs: opstest.Attrs("axis", 1),
			in: ins{f32(s(0, 1<<50)), f32(s(0, 1<<50))}, want: ins{f32(s(0, 1<<51))}},
		{name: "concat-1 default axis 1", op: "Concat", ver: 1,
			in: ins{f32(s(1, 1), 1), f32(s(1, 1), 2)}, want: ins{f32(s(1, 2), 1, 2)}},
		{name: "slice example 1", op: "Slice", ver: 13,
			in:   ins{m, i64(s(2), 1, 0), i64(s(2), 2, 3), i64(s(2), 0, 1), i64(s(2), 1, 2)},
			want: ins{f32(s(1, 2), 5, 7)}},
		{name: "slice example 2", op: "Slice", ver: 13,
			in:   ins{m, i64(s(2), 0, 1), i64(s(2), -1, 1000)},
			want: ins{f32(s(1, 3), 2, 3, 4)}},
		{name: "slice negative steps to INT_MIN", op: "Slice", ver: 13,
			in:   ins{m, i64(s(2), -1, math.MaxInt64), i64(s(2), math.MinInt64, math.MinInt64), nil, i64(s(2), -1, -3)},
			want: ins{f32(s(2, 2), 8, 5, 4, 1)}},
		{name: "slice huge step", op: "Slice", ver: 13,
			in:   ins{m, i64(s(1), 1), i64(s(1), math.MaxInt64), i64(s(1), 1), i64(s(1), math.MaxInt64)},
			want: ins{f32(s(2, 1), 2, 6)}},
		{name: "slice empty", op: "Slice", ver: 13,
			in: ins{m, i64(s(1), 3), i64(s(1), 1), i64(s(1), -1)}, want: ins{f32(s(2, 0))}},
		{name: "slice-1 attributes", op: "Slice", ver: 1,
			attrs: opstest.Attrs("starts", []int64{1}, "ends", []int64{3}, "axes", []int64{1}),
			in:    ins{m}, want: ins{f32(s(2, 2), 2, 3, 6, 7)}},
		{name: "slice int32 bools", op: "Slice", ver: 13,
			in:   ins{opstest.Bools(s(3), true, false, true), i32(s(1), 1), i32(s(1), 3)},
			want: ins{opstest.Bools(s(2), false, true)}},
	})
	runErrors(t, []errCase{
		{name: "concat ranks", op: "Concat", ver: 13, attrs: opstest.Attrs("axis", 0), in: ins{f32(s(1), 1), m}, want: "ranks"},
		{name: "concat dtypes", op: "Concat", ver: 13, attrs: opstest.Attrs("axis", 0), in: ins{f32(s(1), 1), i64(s(1), 1)}, want: "dtype"},
		{name: "concat no axis", op: "Concat", ver: 13, in: ins{f32(s(1), 1)}, want: "axis is required"},
		{name: "slice step 0", op: "Slice", ver: 13, in: ins{m, i64(s(1), 0), i64(s(1), 1), i64(s(1), 0), i64(s(1), 0)}, want: "step 0"},
		{name: "slice lengths", op: "Slice", ver: 13, in: ins{m, i64(s(1), 0), i64(s(2), 1, 1)}, want: "lengths"},
	})
}

func TestSplit(t *testing.T) {
	x := f32(s(7), 1, 2, 3, 4, 5, 6, 7)
	six := f32(s(6), 1, 2, 3, 4, 5, 6)
	runCases(t, []opCase{
		{name: "opset 18 uneven", op: "Split", ver: 18, attrs: opstest.Attrs("num_outputs", 4), in: ins{x},
			want: ins{f32(s(2), 1, 2), f32(s(2), 3, 4), f32(s(2), 5, 6), f32(s(1), 7)}},
		{name: "equal parts by outputs", op: "Split", ver: 13, in: ins{six},
			want: ins{f32(s(2), 1, 2), f32(s(2), 3, 4), f32(s(2), 5, 6)}},
		{name: "split input", op: "Split", ver: 13, in: ins{six, i64(s(2), 2, 4)},
			want: ins{f32(s(2), 1, 2), f32(s(4), 3, 4, 5, 6)}},
		{name: "split-2 attribute", op: "Split", ver: 2, attrs: opstest.Attrs("split", []int64{1, 5}), in: ins{six},
			want: ins{f32(s(1), 1), f32(s(5), 2, 3, 4, 5, 6)}},
		{name: "axis 1 zero sizes", op: "Split", ver: 13, attrs: opstest.Attrs("axis", -1),
			in:   ins{f32(s(2, 2), 1, 2, 3, 4), i64(s(3), 0, 1, 1)},
			want: ins{f32(s(2, 0)), f32(s(2, 1), 1, 3), f32(s(2, 1), 2, 4)}},
	})
	runErrors(t, []errCase{
		{name: "uneven before 18", op: "Split", ver: 13, in: ins{x}, want: "equal parts", outs: 2},
		{name: "num_outputs", op: "Split", ver: 18, attrs: opstest.Attrs("num_outputs", 1<<40), in: ins{x}, want: "num_outputs"},
		{name: "sum", op: "Split", ver: 13, in: ins{x, i64(s(1), 6)}, want: "does not add up"},
	})
}

func TestGather(t *testing.T) {
	data := f32(s(3, 2), 1, 1.2, 2.3, 3.4, 4.5, 5.7)
	data3 := f32(s(3, 3), 1, 1.2, 1.9, 2.3, 3.4, 3.9, 4.5, 5.7, 5.9)
	runCases(t, []opCase{
		{name: "gather axis 0", op: "Gather", ver: 13, in: ins{data, i64(s(2, 2), 0, 1, 1, 2)},
			want: ins{f32(s(2, 2, 2), 1, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7)}},
		{name: "gather axis 1", op: "Gather", ver: 13, attrs: opstest.Attrs("axis", 1), in: ins{data3, i64(s(1, 2), 0, 2)},
			want: ins{f32(s(3, 1, 2), 1, 1.9, 2.3, 3.9, 4.5, 5.9)}},
		{name: "gather negative int32 strings", op: "Gather", ver: 13, in: ins{opstest.Strs(s(3), "a", "b", "c"), i32(nil, -1)},
			want: ins{opstest.Strs(nil, "c")}},
		{name: "gather elements", op: "GatherElements", ver: 13, attrs: opstest.Attrs("axis", 1),
			in:   ins{f32(s(2, 2), 1, 2, 3, 4), i64(s(2, 2), 0, 0, 1, 0)},
			want: ins{f32(s(2, 2), 1, 1, 4, 3)}},
		{name: "gather elements negative smaller", op: "GatherElements", ver: 13,
			in:   ins{iota(3, 3), i32(s(2, 3), 1, 2, 0, 2, 0, -3)},
			want: ins{f32(s(2, 3), 3, 7, 2, 6, 1, 2)}},
		{name: "gathernd example 1", op: "GatherND", ver: 13, in: ins{i32(s(2, 2), 0, 1, 2, 3), i64(s(2, 2), 0, 0, 1, 1)},
			want: ins{i32(s(2), 0, 3)}},
		{name: "gathernd slices", op: "GatherND", ver: 13, in: ins{i32(s(2, 2), 0, 1, 2, 3), i64(s(2, 1), 1, 0)},
			want: ins{i32(s(2, 2), 2, 3, 0, 1)}},
		{name: "gathernd example 4", op: "GatherND", ver: 13,
			in:   ins{i32(s(2, 2, 2), 0, 1, 2, 3, 4, 5, 6, 7), i64(s(2, 1, 2), 0, 1, 1, 0)},
			want: ins{i32(s(2, 1, 2), 2, 3, 4, 5)}},
		{name: "gathernd batch dims", op: "GatherND", ver: 13, attrs: opstest.Attrs("batch_dims", 1),
			in:   ins{i32(s(2, 2, 2), 0, 1, 2, 3, 4, 5, 6, 7), i64(s(2, 1), 1, 0)},
			want: ins{i32(s(2, 2), 2, 3, 4, 5)}},
		{name: "gathernd negative", op: "GatherND", ver: 13, in: ins{i32(s(2, 2), 0, 1, 2, 3), i64(s(1, 2), -1, -2)},
			want: ins{i32(s(1), 2)}},
	})
	runErrors(t, []errCase{
		{name: "gather range", op: "Gather", ver: 13, in: ins{data, i64(s(1), 3)}, want: "index 3 out of range [-3, 3)"},
		{name: "gather index dtype", op: "Gather", ver: 13, in: ins{data, f32(s(1), 0)}, want: "int32 or int64"},
		{name: "gather elements range", op: "GatherElements", ver: 13, in: ins{data, i64(s(1, 1), -4)}, want: "out of range"},
		{name: "gather elements rank", op: "GatherElements", ver: 13, in: ins{data, i64(s(1), 0)}, want: "ranks differ"},
		{name: "gathernd range", op: "GatherND", ver: 13, in: ins{data, i64(s(2), 0, 2)}, want: "out of range"},
		{name: "gathernd tuple", op: "GatherND", ver: 13, in: ins{data, i64(s(3), 0, 0, 0)}, want: "tuples of length 3"},
	})
}

func TestScatter(t *testing.T) {
	eight := f32(s(8), 1, 2, 3, 4, 5, 6, 7, 8)
	idx := i64(s(4, 1), 4, 3, 1, 7)
	upd := f32(s(4), 9, 10, 11, 12)
	row := f32(s(1, 5), 1, 2, 3, 4, 5)
	dup := i64(s(1, 2), 1, 1)
	pair := f32(s(1, 2), 1.5, 2.5)
	red := func(r string) map[string]*ir.Attr { return opstest.Attrs("axis", 1, "reduction", r) }
	runCases(t, []opCase{
		{name: "scatternd example 1", op: "ScatterND", ver: 11, in: ins{eight, idx, upd},
			want: ins{f32(s(8), 1, 11, 3, 10, 9, 6, 7, 12)}},
		{name: "scatternd add", op: "ScatterND", ver: 16, attrs: opstest.Attrs("reduction", "add"), in: ins{eight, idx, upd},
			want: ins{f32(s(8), 1, 13, 3, 14, 14, 6, 7, 20)}},
		{name: "scatternd mul", op: "ScatterND", ver: 16, attrs: opstest.Attrs("reduction", "mul"), in: ins{eight, idx, upd},
			want: ins{f32(s(8), 1, 22, 3, 40, 45, 6, 7, 96)}},
		{name: "scatternd slices strings", op: "ScatterND", ver: 13,
			in:   ins{opstest.Strs(s(2, 2), "a", "b", "c", "d"), i64(s(1, 1), -1), opstest.Strs(s(1, 2), "x", "y")},
			want: ins{opstest.Strs(s(2, 2), "a", "b", "x", "y")}},
		{name: "scatter elements", op: "ScatterElements", ver: 13, attrs: opstest.Attrs("axis", 1),
			in: ins{row, i64(s(1, 2), 1, 3), f32(s(1, 2), 1.1, 2.1)}, want: ins{f32(s(1, 5), 1, 1.1, 3, 2.1, 5)}},
		{name: "scatter elements axis 0", op: "ScatterElements", ver: 13,
			in:   ins{f32(s(3, 3)), i32(s(2, 3), 1, 0, 2, 0, 2, -2), f32(s(2, 3), 1, 1.1, 1.2, 2, 2.1, 2.2)},
			want: ins{f32(s(3, 3), 2, 1.1, 0, 1, 0, 2.2, 0, 2.1, 1.2)}},
		{name: "scatter elements add", op: "ScatterElements", ver: 18, attrs: red("add"), in: ins{row, dup, pair},
			want: ins{f32(s(1, 5), 1, 6, 3, 4, 5)}},
		{name: "scatter elements mul", op: "ScatterElements", ver: 18, attrs: red("mul"), in: ins{row, dup, pair},
			want: ins{f32(s(1, 5), 1, 7.5, 3, 4, 5)}},
		{name: "scatter elements max", op: "ScatterElements", ver: 18, attrs: red("max"), in: ins{row, dup, pair},
			want: ins{f32(s(1, 5), 1, 2.5, 3, 4, 5)}},
		{name: "scatter elements min", op: "ScatterElements", ver: 18, attrs: red("min"), in: ins{row, dup, pair},
			want: ins{f32(s(1, 5), 1, 1.5, 3, 4, 5)}},
		{name: "scatter elements int8 add wraps", op: "ScatterElements", ver: 18, attrs: opstest.Attrs("reduction", "add"),
			in:   ins{opstest.Tensor(ir.Int8, s(2), 100, 1), i64(s(1), 0), opstest.Tensor(ir.Int8, s(1), 100)},
			want: ins{opstest.Tensor(ir.Int8, s(2), -56, 1)}},
		{name: "scatter elements uint64 max", op: "ScatterElements", ver: 18, attrs: opstest.Attrs("reduction", "max"),
			in:   ins{u64(1, 1), i64(s(1), 1), u64(1 << 63)},
			want: ins{u64(1, 1<<63)}},
		{name: "scatter elements bool", op: "ScatterElements", ver: 13,
			in: ins{opstest.Bools(s(2), false, false), i64(s(1), 1), opstest.Bools(s(1), true)}, want: ins{opstest.Bools(s(2), false, true)}},
		{name: "scatter-9", op: "Scatter", ver: 9, attrs: opstest.Attrs("axis", 1),
			in: ins{row, i64(s(1, 2), 1, 3), f32(s(1, 2), 1.1, 2.1)}, want: ins{f32(s(1, 5), 1, 1.1, 3, 2.1, 5)}},
	})
	runErrors(t, []errCase{
		{name: "scatternd range", op: "ScatterND", ver: 13, in: ins{eight, i64(s(1, 1), 8), f32(s(1), 0)}, want: "out of range"},
		{name: "scatternd updates shape", op: "ScatterND", ver: 13, in: ins{eight, idx, f32(s(3), 1, 2, 3)}, want: "updates of shape"},
		{name: "scatter elements range", op: "ScatterElements", ver: 13, in: ins{row, i64(s(1, 1), 1), f32(s(1, 1), 0)}, want: "out of range"},
		{name: "scatter reduction", op: "ScatterElements", ver: 18, attrs: opstest.Attrs("reduction", "sub"),
			in: ins{row, i64(s(1, 1), 0), f32(s(1, 1), 0)}, want: "unknown reduction"},
		{name: "scatter strings add", op: "ScatterElements", ver: 18, attrs: opstest.Attrs("reduction", "add"),
			in: ins{opstest.Strs(s(1), "a"), i64(s(1), 0), opstest.Strs(s(1), "b")}, want: "reduction add on dtype string"},
		{name: "scatter dtypes", op: "ScatterElements", ver: 13, in: ins{row, i64(s(1, 1), 0), i64(s(1, 1), 0)}, want: "dtype"},
	})
}

func u64(v ...uint64) *ir.Tensor {
	return &ir.Tensor{DType: ir.Uint64, Shape: s(int64(len(v))), Data: v}
}
