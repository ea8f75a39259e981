package control

import (
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// maxIterations bounds the iterations of one Loop node, so that a loop
// whose condition never turns false ends with an error instead of running
// forever (a variable only so that tests can lower it).
var maxIterations int64 = 10_000_000

// loop runs the body while the iteration count is below the trip count M
// (when given) and the condition holds (when given). The body takes
// (iteration_num, cond, carried...) and returns (cond, carried...,
// scan outputs...); the node returns the final carried values and each
// scan output stacked over the iterations along a new axis 0.
func loop(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	body, err := graphAttr(ctx, "body")
	if err != nil {
		return nil, err
	}
	if len(in) < 2 {
		return nil, ctx.Errorf("takes at least 2 inputs (M, cond), got %d", len(in))
	}
	trips := int64(-1) // no trip count
	if in[0] != nil {
		if in[0].Len() != 1 || !in[0].DType.IsInt() {
			return nil, ctx.Errorf("M must be a one-element integer tensor, got %v", in[0])
		}
		trips = max(in[0].Int64s()[0], 0)
	}
	cond := true
	if in[1] != nil {
		if cond, err = scalarBool(ctx, "cond", in[1]); err != nil {
			return nil, err
		}
	}
	if err := allPresent(ctx, in, 2); err != nil {
		return nil, err
	}
	carried := append([]*ir.Tensor{}, in[2:]...)
	nScan := len(body.Outputs) - 1 - len(carried)
	if len(body.Inputs) != 2+len(carried) || nScan < 0 {
		return nil, ctx.Errorf("body takes %d inputs and returns %d outputs; with %d loop-carried values it must take %d and return at least %d",
			len(body.Inputs), len(body.Outputs), len(carried), 2+len(carried), 1+len(carried))
	}
	scans := make([][]*ir.Tensor, nScan)
	scanned := int64(0) // elements held in scans
	for i := int64(0); (trips < 0 || i < trips) && cond; i++ {
		if i == maxIterations {
			return nil, ctx.Errorf("stopped after %d iterations (the limit of one Loop)", i)
		}
		args := append([]*ir.Tensor{ir.Scalar(ir.Int64, float64(i)), ir.Scalar(ir.Bool, 1)}, carried...)
		outs, err := ctx.RunGraph(body, args)
		if err != nil {
			return nil, err
		}
		if in[1] != nil { // without a cond input, the body's cond is ignored
			if cond, err = scalarBool(ctx, "the body's cond output", outs[0]); err != nil {
				return nil, err
			}
		}
		copy(carried, outs[1:])
		for k, t := range outs[1+len(carried):] {
			scans[k] = append(scans[k], t)
			if scanned += int64(t.Len()); scanned > ir.MaxElements {
				return nil, ctx.Errorf("scan outputs exceed %d elements", ir.MaxElements)
			}
		}
	}
	res := carried
	for k, ts := range scans {
		t, err := stack(ts, 0, body.Outputs[1+len(carried)+k])
		if err != nil {
			return nil, ctx.Errorf("scan output %d: %v", k, err)
		}
		res = append(res, t)
	}
	return res, nil
}
