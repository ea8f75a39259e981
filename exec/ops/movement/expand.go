package movement

import (
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// expand is Expand: the input broadcast together with the shape input
// (numpy rules in both directions).
func expand(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	target, err := ints(ctx, inputs[1], "shape")
	if err != nil {
		return nil, err
	}
	shape, err := kernel.BroadcastShapes(x.Shape, target)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	return assemble(ctx, shape, kernel.BroadcastIndex(x.Shape, shape), x)
}

// tile is Tile (opset 6 on): the input repeated repeats[d] times along
// each dim d.
func tile(ctx *kernel.Context, inputs []*ir.Tensor) (*ir.Tensor, error) {
	x := inputs[0]
	if ctx.Node.Version < 6 {
		return nil, ctx.Errorf("Tile-1 (tiles and axis inputs) is not supported")
	}
	reps, err := ints(ctx, inputs[1], "repeats")
	if err != nil {
		return nil, err
	}
	if len(reps) != len(x.Shape) {
		return nil, ctx.Errorf("%d repeats for rank %d", len(reps), len(x.Shape))
	}
	shape := make([]int64, len(reps))
	for d, r := range reps {
		if r < 0 {
			return nil, ctx.Errorf("negative repeat count in %v", reps)
		}
		if x.Shape[d] != 0 && r > ir.MaxElements/x.Shape[d] {
			return nil, ctx.Errorf("repeats %v of shape %v exceed %d elements", reps, x.Shape, ir.MaxElements)
		}
		shape[d] = x.Shape[d] * r
	}
	st := kernel.Strides(x.Shape)
	return build(ctx, shape, func(c []int64) int {
		p := int64(0)
		for d, v := range c {
			p += v % x.Shape[d] * st[d]
		}
		return int(p)
	}, x)
}
