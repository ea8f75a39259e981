package movement_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
)

func TestRearrange(t *testing.T) {
	// [1, 8, 1, 1] holding 0..7 with blocksize 2: DCR takes channel
	// (i*2+j)*2 + c, CRD channel c*4 + i*2 + j.
	x := iota(1, 8, 1, 1)
	runCases(t, []opCase{
		{name: "depth to space DCR", op: "DepthToSpace", ver: 13, attrs: opstest.Attrs("blocksize", 2), in: ins{x},
			want: ins{f32(s(1, 2, 2, 2), 0, 2, 4, 6, 1, 3, 5, 7)}},
		{name: "depth to space CRD", op: "DepthToSpace", ver: 13, attrs: opstest.Attrs("blocksize", 2, "mode", "CRD"), in: ins{x},
			want: ins{f32(s(1, 2, 2, 2), 0, 1, 2, 3, 4, 5, 6, 7)}},
		{name: "space to depth", op: "SpaceToDepth", ver: 13, attrs: opstest.Attrs("blocksize", 2),
			in:   ins{f32(s(1, 2, 2, 2), 0, 2, 4, 6, 1, 3, 5, 7)},
			want: ins{iota(1, 8, 1, 1)}},
		{name: "compress axis 0", op: "Compress", ver: 11, attrs: opstest.Attrs("axis", 0),
			in:   ins{f32(s(3, 2), 1, 2, 3, 4, 5, 6), opstest.Bools(s(3), false, true, true)},
			want: ins{f32(s(2, 2), 3, 4, 5, 6)}},
		{name: "compress short condition", op: "Compress", ver: 11, attrs: opstest.Attrs("axis", -1),
			in:   ins{f32(s(3, 2), 1, 2, 3, 4, 5, 6), opstest.Bools(s(1), true)},
			want: ins{f32(s(3, 1), 1, 3, 5)}},
		{name: "compress flattened strings", op: "Compress", ver: 11,
			in:   ins{opstest.Strs(s(2, 2), "a", "b", "c", "d"), opstest.Bools(s(4), false, true, false, true)},
			want: ins{opstest.Strs(s(2), "b", "d")}},
		{name: "nonzero", op: "NonZero", ver: 13, in: ins{opstest.Bools(s(2, 2), true, false, true, true)},
			want: ins{i64(s(2, 3), 0, 1, 1, 0, 0, 1)}},
		{name: "nonzero strings", op: "NonZero", ver: 13, in: ins{opstest.Strs(s(3), "", "x", "")}, want: ins{i64(s(1, 1), 1)}},
		{name: "nonzero scalar", op: "NonZero", ver: 13, in: ins{f32(nil, 3)}, want: ins{i64(s(0, 1))}},
		{name: "reverse sequence time", op: "ReverseSequence", ver: 10,
			attrs: opstest.Attrs("time_axis", 0, "batch_axis", 1),
			in:    ins{iota(4, 4), i64(s(4), 4, 3, 2, 1)},
			want:  ins{f32(s(4, 4), 12, 9, 6, 3, 8, 5, 2, 7, 4, 1, 10, 11, 0, 13, 14, 15)}},
		{name: "reverse sequence batch", op: "ReverseSequence", ver: 10,
			attrs: opstest.Attrs("time_axis", 1, "batch_axis", 0),
			in:    ins{iota(4, 4), i64(s(4), 1, 2, 3, 4)},
			want:  ins{f32(s(4, 4), 0, 1, 2, 3, 5, 4, 6, 7, 10, 9, 8, 11, 15, 14, 13, 12)}},
		{name: "center crop pad", op: "CenterCropPad", ver: 18,
			in:   ins{iota(3, 4), i64(s(2), 4, 1)},
			want: ins{f32(s(4, 1), 1, 5, 9, 0)}},
		{name: "center crop pad axes", op: "CenterCropPad", ver: 18, attrs: opstest.Attrs("axes", []int64{-1}),
			in:   ins{opstest.Strs(s(1, 1), "a"), i64(s(1), 4)},
			want: ins{opstest.Strs(s(1, 4), "", "a", "", "")}},
	})
	runErrors(t, []errCase{
		{name: "depth to space channels", op: "DepthToSpace", ver: 13, attrs: opstest.Attrs("blocksize", 3), in: ins{x}, want: "not divisible"},
		{name: "depth to space huge block", op: "DepthToSpace", ver: 13, attrs: opstest.Attrs("blocksize", 1<<32), in: ins{x}, want: "blocksize"},
		{name: "depth to space rank", op: "DepthToSpace", ver: 13, attrs: opstest.Attrs("blocksize", 2), in: ins{iota(8)}, want: "want [N, C, H, W]"},
		{name: "compress long condition", op: "Compress", ver: 11, in: ins{iota(2), opstest.Bools(s(3), false, false, true)}, want: "selects index 2"},
		{name: "reverse sequence lens", op: "ReverseSequence", ver: 10, in: ins{iota(2, 2), i64(s(2), 3, 1)}, want: "outside [0, 2]"},
		{name: "center crop pad sizes", op: "CenterCropPad", ver: 18, in: ins{iota(2, 2), i64(s(1), 1)}, want: "1 sizes for 2 axes"},
	})
}
