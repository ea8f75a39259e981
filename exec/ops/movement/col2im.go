package movement

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// col2Im is Col2Im: input [N, C·prod(block), L] holds, for each of the L
// block positions (in row-major order over the image), the block's
// elements; they are summed back into an image [N, C, image...] at
// position·stride - pad_begin + offset·dilation, positions in the padding
// dropped.
func col2Im(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	img, err := ints(ctx, inputs[1], "image_shape")
	if err != nil {
		return nil, err
	}
	blk, err := ints(ctx, inputs[2], "block_shape")
	if err != nil {
		return nil, err
	}
	r := len(img)
	dil, err := spatialAttr(ctx, "dilations", r, 1)
	if err != nil {
		return nil, err
	}
	strides, err := spatialAttr(ctx, "strides", r, 1)
	if err != nil {
		return nil, err
	}
	pads, err := spatialAttr(ctx, "pads", 2*r, 0)
	if err != nil {
		return nil, err
	}
	if r < 1 || len(blk) != r || len(x.Shape) != 3 {
		return nil, ctx.Errorf("input of shape %v with image_shape %v and block_shape %v", x.Shape, img, blk)
	}
	k, err := ir.NumElements(blk)
	if err != nil || k == 0 || x.Shape[1]%k != 0 {
		return nil, ctx.Errorf("input of shape %v does not hold blocks of shape %v", x.Shape, blk)
	}
	// count[d] is the number of block positions along image axis d.
	count := make([]int64, r)
	for d := range r {
		span := img[d] + pads[d] + pads[r+d] - dil[d]*(blk[d]-1) - 1
		if img[d] < 0 || blk[d] < 1 || dil[d] < 1 || strides[d] < 1 || span < 0 {
			return nil, ctx.Errorf("blocks of shape %v do not fit image %v (pads %v, dilations %v, strides %v)",
				blk, img, pads, dil, strides)
		}
		count[d] = span/strides[d] + 1
	}
	if l, _ := ir.NumElements(count); l != x.Shape[2] {
		return nil, ctx.Errorf("%d blocks given, image %v holds %d", x.Shape[2], img, l)
	}
	c := x.Shape[1] / k
	shape := slices.Concat(x.Shape[:1], []int64{c}, img)
	zeros, err := ir.NewTensor(x.DType, shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	// Every input element (n, ch·k + offset, position) lands on one image
	// pixel or in the padding; the landing ones are added in.
	outSt := kernel.Strides(shape)
	offset := make([]int64, r)
	position := make([]int64, r)
	var src, dst []int
	i := -1 // the flat index of input element e
	eachIndex(x.Shape, func(e []int64) {
		i++
		unravel(e[1]%k, blk, offset)
		unravel(e[2], count, position)
		p := e[0]*outSt[0] + e[1]/k*outSt[1]
		for d := range r {
			at := position[d]*strides[d] - pads[d] + offset[d]*dil[d]
			if at < 0 || at >= img[d] {
				return
			}
			p += at * outSt[2+d]
		}
		src, dst = append(src, i), append(dst, int(p))
	})
	upd, err := assemble(ctx, []int64{int64(len(src))}, src, x)
	if err != nil {
		return nil, err
	}
	out, err := reduceInto(zeros, upd, dst, "add")
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return out, nil
}

// unravel writes the multi-index of flat index i in shape into coord.
func unravel(i int64, shape, coord []int64) {
	for d := len(shape) - 1; d >= 0; d-- {
		coord[d] = i % shape[d]
		i /= shape[d]
	}
}

// spatialAttr reads an ints attribute that must have n values, each def
// when absent.
func spatialAttr(ctx *kernel.Context, name string, n int, def int64) ([]int64, error) {
	v, ok := ctx.Node.AttrInts(name)
	if !ok {
		v = make([]int64, n)
		for i := range v {
			v[i] = def
		}
	}
	if len(v) != n {
		return nil, ctx.Errorf("%s %v, want %d values", name, v, n)
	}
	return v, nil
}
