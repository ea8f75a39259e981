package misc

import (
	"math"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// sample is one bilinear sampling point: the flat offsets of its four
// neighbours within a feature map and their weights.
type sample struct {
	pos [4]int
	w   [4]float64
}

// bilinear returns the sampling point at (y, x) of an h×w map; points more
// than one pixel outside the map get zero weights.
func bilinear(y, x float64, h, w int) sample {
	if y < -1 || y > float64(h) || x < -1 || x > float64(w) {
		return sample{}
	}
	y, x = math.Max(y, 0), math.Max(x, 0)
	yl, xl := int(y), int(x)
	yh, xh := yl+1, xl+1
	if yl >= h-1 {
		yl, yh, y = h-1, h-1, float64(h-1)
	}
	if xl >= w-1 {
		xl, xh, x = w-1, w-1, float64(w-1)
	}
	ly, lx := y-float64(yl), x-float64(xl)
	hy, hx := 1-ly, 1-lx
	return sample{
		pos: [4]int{yl*w + xl, yl*w + xh, yh*w + xl, yh*w + xh},
		w:   [4]float64{hy * hx, hy * lx, ly * hx, ly * lx},
	}
}

// roiAlign pools every RoI of X into an output_height × output_width grid
// by averaging (or taking the largest weighted corner of) bilinear samples.
func roiAlign(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, rois, idx := in[0], in[1], in[2]
	if err := checkRank(ctx, "X", x, 4); err != nil {
		return nil, err
	}
	if err := checkRank(ctx, "rois", rois, 2); err != nil {
		return nil, err
	}
	nr := int(rois.Shape[0])
	if rois.Shape[1] != 4 || idx.Len() != nr {
		return nil, ctx.Errorf("rois %v and batch_indices %v do not match", rois.Shape, idx.Shape)
	}
	node := ctx.Node
	ph, pw := node.AttrInt("output_height", 1), node.AttrInt("output_width", 1)
	ratio := node.AttrInt("sampling_ratio", 0)
	if ph <= 0 || pw <= 0 || ratio < 0 {
		return nil, ctx.Errorf("bad output size %dx%d or sampling_ratio %d", ph, pw, ratio)
	}
	scale := float64(node.AttrFloat("spatial_scale", 1))
	defMode := "half_pixel"
	if node.Version < 16 {
		defMode = "output_half_pixel"
	}
	halfPixel := node.AttrString("coordinate_transformation_mode", defMode) == "half_pixel"
	isMax := node.AttrString("mode", "avg") == "max"
	batch, ch, h, w := int(x.Shape[0]), int(x.Shape[1]), int(x.Shape[2]), int(x.Shape[3])
	out, err := ir.NewTensor(x.DType, []int64{int64(nr), int64(ch), ph, pw})
	if err != nil {
		return nil, err
	}
	xd, rd, bi := x.Float64s(), rois.Float64s(), idx.Int64s()
	res := make([]float64, out.Len())
	offset := 0.0
	if halfPixel {
		offset = 0.5
	}
	for r := 0; r < nr; r++ {
		b := bi[r]
		if b < 0 || b >= int64(batch) {
			return nil, ctx.Errorf("batch index %d out of range [0, %d)", b, batch)
		}
		x0, y0 := rd[4*r]*scale-offset, rd[4*r+1]*scale-offset
		rw, rh := rd[4*r+2]*scale-offset-x0, rd[4*r+3]*scale-offset-y0
		if !halfPixel {
			rw, rh = math.Max(rw, 1), math.Max(rh, 1)
		}
		binH, binW := rh/float64(ph), rw/float64(pw)
		gridH, gridW := int(ratio), int(ratio)
		if ratio == 0 {
			gridH, gridW = int(math.Ceil(binH)), int(math.Ceil(binW))
		}
		count := float64(max(gridH*gridW, 1))
		for c := 0; c < ch; c++ {
			plane := xd[(int(b)*ch+c)*h*w : (int(b)*ch+c+1)*h*w]
			for i := 0; i < int(ph); i++ {
				for j := 0; j < int(pw); j++ {
					acc := 0.0
					for iy := 0; iy < gridH; iy++ {
						yy := y0 + float64(i)*binH + (float64(iy)+0.5)*binH/float64(gridH)
						for ix := 0; ix < gridW; ix++ {
							xx := x0 + float64(j)*binW + (float64(ix)+0.5)*binW/float64(gridW)
							s := bilinear(yy, xx, h, w)
							if isMax {
								v := s.w[0] * plane[s.pos[0]]
								for k := 1; k < 4; k++ {
									v = math.Max(v, s.w[k]*plane[s.pos[k]])
								}
								if iy == 0 && ix == 0 {
									acc = v
								} else {
									acc = math.Max(acc, v)
								}
							} else {
								for k := range 4 {
									acc += s.w[k] * plane[s.pos[k]]
								}
							}
						}
					}
					if !isMax {
						acc /= count
					}
					res[((r*ch+c)*int(ph)+i)*int(pw)+j] = acc
				}
			}
		}
	}
	return ir.FromFloat64s(x.DType, out.Shape, res)
}
