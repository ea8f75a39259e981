package control

import (
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// ifKernel runs then_branch or else_branch, as the condition says, and
// returns that branch's outputs.
func ifKernel(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	cond, err := scalarBool(ctx, "cond", in[0])
	if err != nil {
		return nil, err
	}
	name := "else_branch"
	if cond {
		name = "then_branch"
	}
	branch, err := graphAttr(ctx, name)
	if err != nil {
		return nil, err
	}
	outs, err := ctx.RunGraph(branch, nil)
	if err != nil {
		return nil, err
	}
	if len(outs) != len(ctx.Node.Outputs) {
		return nil, ctx.Errorf("%s has %d outputs, the node %d", name, len(outs), len(ctx.Node.Outputs))
	}
	return outs, nil
}
