package movement_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
)

func TestResize(t *testing.T) {
	sq := f32(s(1, 1, 2, 2), 1, 2, 3, 4)
	x4 := iota(1, 1, 4, 4) // 0..15; the cubic example below holds 1..16
	for i := range x4.Data.([]float32) {
		x4.Data.([]float32)[i]++
	}
	linear := opstest.Attrs("mode", "linear")
	runCases(t, []opCase{
		{name: "upsample scales linear", op: "Resize", ver: 19, attrs: linear, in: ins{sq, nil, f32(s(4), 1, 1, 2, 2)},
			want: ins{f32(s(1, 1, 4, 4), 1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4)}, tol: 1e-6},
		{name: "downsample scales cubic", op: "Resize", ver: 19, attrs: opstest.Attrs("mode", "cubic"), in: ins{x4, nil, f32(s(4), 1, 1, 0.8, 0.8)},
			want: ins{f32(s(1, 1, 3, 3), 1.47119141, 2.78125, 4.08251953, 6.71142578, 8.02148438, 9.32275391,
				11.91650391, 13.2265625, 14.52783203)}, tol: 1e-5},
		{name: "upsample scales nearest", op: "Resize", ver: 19, in: ins{sq, nil, f32(s(4), 1, 1, 2, 3)},
			want: ins{f32(s(1, 1, 4, 6), 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4)}},
		{name: "nearest strings by sizes and axes", op: "Resize", ver: 19, attrs: opstest.Attrs("axes", []int64{-1}),
			in: ins{opstest.Strs(s(1, 2), "a", "b"), nil, nil, i64(s(1), 4)}, want: ins{opstest.Strs(s(1, 4), "a", "a", "b", "b")}},
		{name: "tf crop and resize extrapolation", op: "Resize", ver: 19,
			attrs: opstest.Attrs("mode", "linear", "coordinate_transformation_mode", "tf_crop_and_resize", "extrapolation_value", float32(7)),
			in:    ins{f32(s(3), 0, 10, 20), f32(s(2), 0.5, 1.5), nil, i64(s(1), 3)},
			want:  ins{f32(s(3), 10, 20, 7)}},
		{name: "keep aspect not larger", op: "Resize", ver: 19, attrs: opstest.Attrs("keep_aspect_ratio_policy", "not_larger"),
			in: ins{iota(2, 4), nil, nil, i64(s(2), 1, 1)}, want: ins{f32(s(1, 1), 5)}},
		{name: "align corners linear", op: "Resize", ver: 13,
			attrs: opstest.Attrs("mode", "linear", "coordinate_transformation_mode", "align_corners"),
			in:    ins{f32(s(2), 0, 3), nil, nil, i64(s(1), 4)}, want: ins{f32(s(4), 0, 1, 2, 3)}, tol: 1e-6},
		{name: "empty output", op: "Resize", ver: 19, in: ins{f32(s(0, 2)), nil, nil, i64(s(2), 0, 1<<33)},
			want: ins{f32(s(0, 1<<33))}},
		{name: "resize-10 nearest", op: "Resize", ver: 10, in: ins{f32(s(2), 1, 2), f32(s(1), 2)}, want: ins{f32(s(4), 1, 1, 2, 2)}},
		{name: "upsample-9", op: "Upsample", ver: 9, in: ins{sq, f32(s(4), 1, 1, 2, 2)},
			want: ins{f32(s(1, 1, 4, 4), 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4)}},
		{name: "upsample-7 linear", op: "Upsample", ver: 7, attrs: opstest.Attrs("mode", "linear", "scales", []float32{2}),
			in: ins{f32(s(2), 0, 4)}, want: ins{f32(s(4), 0, 2, 4, 4)}},
	})
	runErrors(t, []errCase{
		{name: "both scales and sizes", op: "Resize", ver: 13, in: ins{sq, nil, f32(s(4), 1, 1, 2, 2), i64(s(4), 1, 1, 4, 4)}, want: "both"},
		{name: "mode", op: "Resize", ver: 13, attrs: opstest.Attrs("mode", "area"), in: ins{sq, nil, f32(s(4), 1, 1, 2, 2)}, want: "unknown mode"},
		{name: "linear strings", op: "Resize", ver: 13, attrs: linear, in: ins{opstest.Strs(s(1), "a"), nil, f32(s(1), 2)}, want: "dtype string"},
		{name: "scale count", op: "Resize", ver: 13, in: ins{sq, nil, f32(s(1), 2)}, want: "1 scales for 4 axes"},
		{name: "huge scale", op: "Resize", ver: 13, in: ins{sq, nil, f32(s(4), 1, 1, 1e30, 1)}, want: "invalid scale"},
		{name: "huge sizes", op: "Resize", ver: 13, in: ins{sq, nil, nil, i64(s(4), 1, 1, 1<<30, 1<<30)}, want: "more than"},
		{name: "empty dim", op: "Resize", ver: 19, attrs: opstest.Attrs("keep_aspect_ratio_policy", "not_larger"),
			in: ins{f32(s(0, 2)), nil, nil, i64(s(2), 1, 1)}, want: "cannot resize dim 0"},
		{name: "upsample-1", op: "Upsample", ver: 1, in: ins{sq}, want: "not supported"},
	})
}
