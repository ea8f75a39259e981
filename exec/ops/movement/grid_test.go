package movement_test

import (
	"testing"

	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func TestGridSample(t *testing.T) {
	x := f32(s(1, 1, 2, 2), 1, 2, 3, 4)
	aligned := func(kv ...string) map[string]*ir.Attr {
		a := opstest.Attrs("align_corners", 1)
		for i := 0; i < len(kv); i += 2 {
			a[kv[i]] = opstest.Attr(kv[i+1])
		}
		return a
	}
	runCases(t, []opCase{
		{name: "bilinear align corners", op: "GridSample", ver: 20, attrs: aligned(),
			in: ins{x, f32(s(1, 1, 3, 2), 0, 0, -1, -1, 1, -1)}, want: ins{f32(s(1, 1, 1, 3), 2.5, 1, 2)}},
		{name: "nearest zeros outside", op: "GridSample", ver: 20, attrs: opstest.Attrs("mode", "nearest"),
			in: ins{x, f32(s(1, 1, 2, 2), 2, 0, 0.6, 0.6)}, want: ins{f32(s(1, 1, 1, 2), 0, 4)}},
		{name: "nearest strings", op: "GridSample", ver: 22, attrs: opstest.Attrs("mode", "nearest"),
			in: ins{opstest.Strs(s(1, 1, 1, 2), "a", "b"), f32(s(1, 1, 1, 2), -1, -1)}, want: ins{opstest.Strs(s(1, 1, 1, 1), "a")}},
		{name: "border", op: "GridSample", ver: 20, attrs: opstest.Attrs("padding_mode", "border"),
			in: ins{x, f32(s(1, 1, 1, 2), 3, 0)}, want: ins{f32(s(1, 1, 1, 1), 3)}},
		{name: "reflection", op: "GridSample", ver: 20, attrs: aligned("padding_mode", "reflection"),
			in: ins{x, f32(s(1, 1, 1, 2), -2, -1)}, want: ins{f32(s(1, 1, 1, 1), 1.5)}},
		{name: "bicubic-16 at pixel centers", op: "GridSample", ver: 16, attrs: aligned("mode", "bicubic"),
			in: ins{x, f32(s(1, 1, 2, 2), -1, 1, 1, 1)}, want: ins{f32(s(1, 1, 1, 2), 3, 4)}, tol: 1e-6},
		{name: "affine grid identity", op: "AffineGrid", ver: 20,
			in:   ins{f32(s(1, 2, 3), 1, 0, 0, 0, 1, 0), i64(s(4), 1, 1, 2, 2)},
			want: ins{f32(s(1, 2, 2, 2), -0.5, -0.5, 0.5, -0.5, -0.5, 0.5, 0.5, 0.5)}},
		{name: "affine grid align corners", op: "AffineGrid", ver: 20, attrs: opstest.Attrs("align_corners", 1),
			in:   ins{f32(s(1, 2, 3), 1, 0, 1, 0, 2, 0), i64(s(4), 1, 1, 1, 3)},
			want: ins{f32(s(1, 1, 3, 2), 0, -2, 1, -2, 2, -2)}},
		{name: "col2im overlapping", op: "Col2Im", ver: 18,
			in:   ins{f32(s(1, 2, 2), 1, 2, 10, 20), i64(s(2), 1, 3), i64(s(2), 1, 2)},
			want: ins{f32(s(1, 1, 1, 3), 1, 12, 20)}},
		{name: "col2im strides", op: "Col2Im", ver: 18, attrs: opstest.Attrs("strides", []int64{1, 2}),
			in:   ins{f32(s(1, 2, 2), 1, 2, 3, 4), i64(s(2), 1, 4), i64(s(2), 1, 2)},
			want: ins{f32(s(1, 1, 1, 4), 1, 3, 2, 4)}},
		{name: "col2im pads int32", op: "Col2Im", ver: 18, attrs: opstest.Attrs("pads", []int64{0, 1, 0, 0}),
			in:   ins{i32(s(1, 2, 3), 1, 2, 3, 4, 5, 6), i64(s(2), 1, 3), i64(s(2), 1, 2)},
			want: ins{i32(s(1, 1, 1, 3), 6, 8, 6)}},
	})
	runErrors(t, []errCase{
		{name: "grid shape", op: "GridSample", ver: 20, in: ins{x, f32(s(1, 1, 1, 3), 0, 0, 0)}, want: "grid of shape"},
		{name: "grid mode", op: "GridSample", ver: 20, attrs: opstest.Attrs("mode", "area"), in: ins{x, f32(s(1, 1, 1, 2), 0, 0)}, want: "unknown mode"},
		{name: "linear strings", op: "GridSample", ver: 20, in: ins{opstest.Strs(s(1, 1, 1, 1), "a"), f32(s(1, 1, 1, 2), 0, 0)}, want: "dtype string"},
		{name: "affine theta", op: "AffineGrid", ver: 20, in: ins{f32(s(1, 2, 2), 1, 0, 0, 1), i64(s(4), 1, 1, 2, 2)}, want: "theta of shape"},
		{name: "affine huge", op: "AffineGrid", ver: 20, in: ins{f32(s(1, 2, 3)), i64(s(4), 1, 1, 1<<30, 1<<30)}, want: "more than"},
		{name: "col2im blocks", op: "Col2Im", ver: 18, in: ins{f32(s(1, 2, 3)), i64(s(2), 1, 3), i64(s(2), 1, 2)}, want: "3 blocks given"},
		{name: "col2im block fit", op: "Col2Im", ver: 18, in: ins{f32(s(1, 2, 1)), i64(s(2), 1, 1), i64(s(2), 1, 2)}, want: "do not fit"},
	})
}
