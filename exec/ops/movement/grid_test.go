package movement_test

import "testing"

func TestGridSample(t *testing.T) {
	x := f32(s(1, 1, 2, 2), 1, 2, 3, 4)
	aligned := func(kv ...string) attrs {
		a := attrs{"align_corners": integer(1)}
		for i := 0; i < len(kv); i += 2 {
			a[kv[i]] = str(kv[i+1])
		}
		return a
	}
	runCases(t, []opCase{
		{name: "bilinear align corners", op: "GridSample", ver: 20, attrs: aligned(),
			in: ins{x, f32(s(1, 1, 3, 2), 0, 0, -1, -1, 1, -1)}, want: ins{f32(s(1, 1, 1, 3), 2.5, 1, 2)}},
		{name: "nearest zeros outside", op: "GridSample", ver: 20, attrs: attrs{"mode": str("nearest")},
			in: ins{x, f32(s(1, 1, 2, 2), 2, 0, 0.6, 0.6)}, want: ins{f32(s(1, 1, 1, 2), 0, 4)}},
		{name: "nearest strings", op: "GridSample", ver: 22, attrs: attrs{"mode": str("nearest")},
			in: ins{strs(s(1, 1, 1, 2), "a", "b"), f32(s(1, 1, 1, 2), -1, -1)}, want: ins{strs(s(1, 1, 1, 1), "a")}},
		{name: "border", op: "GridSample", ver: 20, attrs: attrs{"padding_mode": str("border")},
			in: ins{x, f32(s(1, 1, 1, 2), 3, 0)}, want: ins{f32(s(1, 1, 1, 1), 3)}},
		{name: "reflection", op: "GridSample", ver: 20, attrs: aligned("padding_mode", "reflection"),
			in: ins{x, f32(s(1, 1, 1, 2), -2, -1)}, want: ins{f32(s(1, 1, 1, 1), 1.5)}},
		{name: "bicubic-16 at pixel centers", op: "GridSample", ver: 16, attrs: aligned("mode", "bicubic"),
			in: ins{x, f32(s(1, 1, 2, 2), -1, 1, 1, 1)}, want: ins{f32(s(1, 1, 1, 2), 3, 4)}, tol: 1e-6},
		{name: "affine grid identity", op: "AffineGrid", ver: 20,
			in:   ins{f32(s(1, 2, 3), 1, 0, 0, 0, 1, 0), i64(s(4), 1, 1, 2, 2)},
			want: ins{f32(s(1, 2, 2, 2), -0.5, -0.5, 0.5, -0.5, -0.5, 0.5, 0.5, 0.5)}},
		{name: "affine grid align corners", op: "AffineGrid", ver: 20, attrs: attrs{"align_corners": integer(1)},
			in:   ins{f32(s(1, 2, 3), 1, 0, 1, 0, 2, 0), i64(s(4), 1, 1, 1, 3)},
			want: ins{f32(s(1, 1, 3, 2), 0, -2, 1, -2, 2, -2)}},
		{name: "col2im overlapping", op: "Col2Im", ver: 18,
			in:   ins{f32(s(1, 2, 2), 1, 2, 10, 20), i64(s(2), 1, 3), i64(s(2), 1, 2)},
			want: ins{f32(s(1, 1, 1, 3), 1, 12, 20)}},
		{name: "col2im strides", op: "Col2Im", ver: 18, attrs: attrs{"strides": ints(1, 2)},
			in:   ins{f32(s(1, 2, 2), 1, 2, 3, 4), i64(s(2), 1, 4), i64(s(2), 1, 2)},
			want: ins{f32(s(1, 1, 1, 4), 1, 3, 2, 4)}},
		{name: "col2im pads int32", op: "Col2Im", ver: 18, attrs: attrs{"pads": ints(0, 1, 0, 0)},
			in:   ins{i32(s(1, 2, 3), 1, 2, 3, 4, 5, 6), i64(s(2), 1, 3), i64(s(2), 1, 2)},
			want: ins{i32(s(1, 1, 1, 3), 6, 8, 6)}},
	})
	runErrors(t, []errCase{
		{name: "grid shape", op: "GridSample", ver: 20, in: ins{x, f32(s(1, 1, 1, 3), 0, 0, 0)}, want: "grid of shape"},
		{name: "grid mode", op: "GridSample", ver: 20, attrs: attrs{"mode": str("area")}, in: ins{x, f32(s(1, 1, 1, 2), 0, 0)}, want: "unknown mode"},
		{name: "linear strings", op: "GridSample", ver: 20, in: ins{strs(s(1, 1, 1, 1), "a"), f32(s(1, 1, 1, 2), 0, 0)}, want: "dtype string"},
		{name: "affine theta", op: "AffineGrid", ver: 20, in: ins{f32(s(1, 2, 2), 1, 0, 0, 1), i64(s(4), 1, 1, 2, 2)}, want: "theta of shape"},
		{name: "affine huge", op: "AffineGrid", ver: 20, in: ins{f32(s(1, 2, 3)), i64(s(4), 1, 1, 1<<30, 1<<30)}, want: "more than"},
		{name: "col2im blocks", op: "Col2Im", ver: 18, in: ins{f32(s(1, 2, 3)), i64(s(2), 1, 3), i64(s(2), 1, 2)}, want: "3 blocks given"},
		{name: "col2im block fit", op: "Col2Im", ver: 18, in: ins{f32(s(1, 2, 1)), i64(s(2), 1, 1), i64(s(2), 1, 2)}, want: "do not fit"},
	})
}
