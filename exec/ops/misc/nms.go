package misc

import (
	"math"
	"sort"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// box is an axis-aligned box with y1 <= y2 and x1 <= x2.
type box struct{ y1, x1, y2, x2 float64 }

// boxAt reads box i of a flat [.., 4] float slice in the given format:
// corners [y1, x1, y2, x2] in either order, or [x_center, y_center, width,
// height] when centerPoint is set.
func boxAt(d []float64, i int, centerPoint bool) box {
	a, b, c, e := d[4*i], d[4*i+1], d[4*i+2], d[4*i+3]
	if centerPoint {
		return box{y1: b - e/2, x1: a - c/2, y2: b + e/2, x2: a + c/2}
	}
	return box{y1: math.Min(a, c), x1: math.Min(b, e), y2: math.Max(a, c), x2: math.Max(b, e)}
}

// iou returns the intersection over union of two boxes, 0 when either is
// empty or they do not overlap.
func iou(p, q box) float64 {
	ih := math.Min(p.y2, q.y2) - math.Max(p.y1, q.y1)
	iw := math.Min(p.x2, q.x2) - math.Max(p.x1, q.x1)
	if ih <= 0 || iw <= 0 {
		return 0
	}
	inter := ih * iw
	ap, aq := (p.y2-p.y1)*(p.x2-p.x1), (q.y2-q.y1)*(q.x2-q.x1)
	union := ap + aq - inter
	if ap <= 0 || aq <= 0 || union <= 0 {
		return 0
	}
	return inter / union
}

// nonMaxSuppression selects, per batch and class, boxes in decreasing
// score order that score above score_threshold and overlap no box already
// selected by more than iou_threshold, at most max_output_boxes_per_class
// of them. The output rows are [batch, class, box].
func nonMaxSuppression(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	boxes, scores := in[0], in[1]
	if err := checkRank(ctx, "boxes", boxes, 3); err != nil {
		return nil, err
	}
	if err := checkRank(ctx, "scores", scores, 3); err != nil {
		return nil, err
	}
	batches, classes, n := int(scores.Shape[0]), int(scores.Shape[1]), int(scores.Shape[2])
	if boxes.Shape[0] != scores.Shape[0] || boxes.Shape[1] != scores.Shape[2] || boxes.Shape[2] != 4 {
		return nil, ctx.Errorf("boxes %v do not match scores %v", boxes.Shape, scores.Shape)
	}
	var maxOut, iouThreshold, scoreThreshold float64
	if len(in) > 2 {
		maxOut = scalarInput(in[2], 0)
	}
	if len(in) > 3 {
		iouThreshold = scalarInput(in[3], 0)
	}
	hasScoreThreshold := len(in) > 4 && in[4] != nil && in[4].Len() > 0
	if hasScoreThreshold {
		scoreThreshold = scalarInput(in[4], 0)
	}
	centerPoint := ctx.Node.AttrInt("center_point_box", 0) == 1
	bd, sd := boxes.Float64s(), scores.Float64s()
	var rows []int64
	for b := 0; b < batches; b++ {
		for c := 0; c < classes; c++ {
			s := sd[(b*classes+c)*n : (b*classes+c+1)*n]
			var cand []int
			for i, v := range s {
				if !hasScoreThreshold || v > scoreThreshold {
					cand = append(cand, i)
				}
			}
			sort.SliceStable(cand, func(i, j int) bool { return s[cand[i]] > s[cand[j]] })
			var picked []box
			for _, i := range cand {
				if float64(len(picked)) >= maxOut {
					break
				}
				bx := boxAt(bd, b*n+i, centerPoint)
				keep := true
				for _, p := range picked {
					if iou(p, bx) > iouThreshold {
						keep = false
						break
					}
				}
				if keep {
					picked = append(picked, bx)
					rows = append(rows, int64(b), int64(c), int64(i))
				}
			}
		}
	}
	return ir.FromInt64s(ir.Int64, []int64{int64(len(rows) / 3), 3}, rows)
}
