package plan

import (
	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/ir"
)

// runFn runs a prepared kernel: it reads in and writes into out, whose
// shapes are the planned ones and whose data live in the arena.
type runFn func(in, out []*ir.Tensor) error

// builder prepares a node's kernel for planned shapes; env carries the
// runner's thread pool and the shared packed weights; params holds, by
// input slot, the recorded values of the kernel's parameter inputs. It
// returns nil when it cannot run this case, and the reference kernel runs
// instead.
type builder func(env *env, n *ir.Node, in, out []*ir.Tensor, params []*ir.Tensor) runFn

// kernelDef is a destination-passing kernel: its builder and the input
// slots whose values (not only shapes) decide the output shapes.
type kernelDef struct {
	params []int
	build  builder
}

// kernels are the destination-passing kernels of the CPU target, by
// qualified op.
var kernels = map[string]kernelDef{}

func init() {
	for op := range map[string]bool{"Reshape": true, "Flatten": true, "Squeeze": true, "Unsqueeze": true, "Identity": true} {
		kernels[op] = kernelDef{params: []int{1}, build: buildView}
	}
	kernels["Shape"] = kernelDef{build: buildShape}
	registerMath()
}

// Target is the CPU target of lowering: it has the kernels above.
type Target struct{}

// targetName names the CPU target in step kernel names ("cpu:MatMul").
const targetName = "cpu"

// Name returns "cpu".
func (Target) Name() string { return targetName }

// Has reports whether the target has its own kernel for n.
func (Target) Has(n *ir.Node) bool { _, ok := kernels[n.QualifiedOp()]; return ok }

var _ codegen.Target = Target{}

// elemSize is codegen.ElemSize.
func elemSize(dt ir.DType) int { return codegen.ElemSize(dt) }

// numel is the element count of a planned (valid) shape.
func numel(shape []int64) int {
	n := 1
	for _, d := range shape {
		n *= int(d)
	}
	return n
}

// buildView makes the output share its input's data under the planned
// shape: memory planning placed both at the same offset.
func buildView(_ *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	if len(out) != 1 || len(in) == 0 || in[0] == nil || out[0] == nil || in[0].DType != out[0].DType || numel(in[0].Shape) != numel(out[0].Shape) {
		return nil
	}
	return func(in, out []*ir.Tensor) error {
		out[0].Data = in[0].Data
		return nil
	}
}

// buildShape writes the (sliced) shape of the input.
func buildShape(_ *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	if len(out) != 1 || out[0] == nil || out[0].DType != ir.Int64 || len(in) == 0 || in[0] == nil {
		return nil
	}
	r := int64(len(in[0].Shape))
	start, end := n.AttrInt("start", 0), n.AttrInt("end", r)
	if start < 0 {
		start += r
	}
	if end < 0 {
		end += r
	}
	start, end = min(max(start, 0), r), min(max(end, 0), r)
	if int64(numel(out[0].Shape)) != max(end-start, 0) {
		return nil
	}
	return func(in, out []*ir.Tensor) error {
		copy(out[0].Data.([]int64), in[0].Shape[start:max(start, end)])
		return nil
	}
}
