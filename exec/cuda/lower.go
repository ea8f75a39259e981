package cuda

import (
	"fmt"
	"slices"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/ir"
)

// The kernels of the ops with one float32 output computed element by element.
var (
	unaryKernels = map[string]string{
		"Relu": "relu_f32", "Tanh": "tanh_f32", "Sigmoid": "sigmoid_f32", "Erf": "erf_f32", "Sqrt": "sqrt_f32",
		"Exp": "exp_f32", "Log": "log_f32", "Neg": "neg_f32", "Abs": "abs_f32", "Reciprocal": "reciprocal_f32",
	}
	binaryKernels = map[string]string{
		"Add": "add_f32", "Sub": "sub_f32", "Mul": "mul_f32", "Div": "div_f32", "Pow": "pow_f32",
		"Max": "max_f32", "Min": "min_f32",
	}
	// otherOps are the remaining ops lowerStep handles.
	otherOps = map[string]bool{
		"Reshape": true, "Flatten": true, "Squeeze": true, "Unsqueeze": true, "Identity": true,
		"Softmax": true, "LayerNormalization": true, "MatMul": true, "Gather": true, "Transpose": true,
		"ai.tfc:Linear": true, "ai.tfc:LayerNorm": true, "ai.tfc:SkipLayerNorm": true, "ai.tfc:RMSNorm": true,
		"ai.tfc:Gelu": true, "ai.tfc:BiasGelu": true, "ai.tfc:Attention": true,
	}
)

// Target is the CUDA target of codegen.Lower: it claims the float32 nodes
// of the ops above. Lowering a node can still fail on its shapes or
// attributes (NewModel says which and why).
type Target struct{}

// TargetName names the CUDA target in step kernel names ("cuda:MatMul").
const TargetName = "cuda"

// Name returns "cuda".
func (Target) Name() string { return TargetName }

// Has reports whether the target has a kernel for n.
func (Target) Has(n *ir.Node) bool {
	op := n.QualifiedOp()
	_, un := unaryKernels[op]
	_, bin := binaryKernels[op]
	if !un && !bin && !otherOps[op] || len(n.Outputs) == 0 || n.Outputs[0] == nil {
		return false
	}
	return n.Outputs[0].DType == ir.Float32
}

var _ codegen.Target = Target{}

// region is a part of device memory a value lives in.
type region int

const (
	noRegion  region = iota
	inArena          // the runner's arena (codegen's memory plan)
	inInputs         // the runner's copy of the graph inputs
	inWeights        // the model's weights, uploaded once
)

// location is where a value lives on the device.
type location struct {
	region region
	offset int64
}

// gemmCall is a (batched) row-major product C = A·B of float32 matrices,
// A m×k, B k×n, with element strides between batch members (0: shared).
type gemmCall struct {
	a, b, c                   int // value ids
	m, n, k, batch            int
	strideA, strideB, strideC int64
}

// ptrArg is a kernel argument that is the device address of a value
// (by id; -1 passes a null pointer).
type ptrArg int

// ptrOffArg is a kernel argument that is the device address of a value
// (by id) plus off bytes: K and V inside a packed QKV tensor.
type ptrOffArg struct {
	id  int
	off int64
}

// launch is one kernel launch, or one cuBLAS call when gemm is not nil.
type launch struct {
	step    int
	kernel  string
	headDim int // selects the module compiled with -DHEAD_DIM (0: any)
	grid    [3]uint32
	block   [3]uint32
	shared  uint32
	args    []any // ptrArg, int64, int32, float32, bcast or attnShape
	gemm    *gemmCall
}

// program is a plan lowered for the device: where every value lives and
// the launches of one run.
type program struct {
	loc          []location // by value id
	shapes       [][]int64  // by value id
	weightsBytes int64
	inputsBytes  int64
	arenaBytes   int64
	launches     []launch
	headDims     []int  // distinct attention head dimensions, sorted
	used         []bool // by value id: read by a step or a graph output
}

// blockSize is the block of the elementwise and row kernels.
const blockSize = 256

// maxGrid caps grid-stride launches.
const maxGrid = 1 << 16

// lowerPlan lowers p, whose shapes must all be static (compiled with
// fixed input shapes) and whose memory is planned.
func lowerPlan(p *codegen.Plan) (*program, error) {
	if p.Interpreted != "" {
		return nil, fmt.Errorf("cuda: the plan runs interpreted: %s", p.Interpreted)
	}
	shapes, ok := codegen.StaticShapes(p.Graph)
	if !ok || p.Memory == nil {
		return nil, fmt.Errorf("cuda: the plan's shapes are not all static: compile it with fixed input shapes")
	}
	pr := &program{loc: make([]location, len(p.Values)), shapes: shapes, arenaBytes: p.Memory.ArenaBytes}
	pr.used = make([]bool, len(p.Values))
	for _, s := range p.Steps {
		for _, v := range s.Node.Inputs {
			if id := p.ValueID(v); id >= 0 {
				pr.used[id] = true
			}
		}
	}
	for _, v := range p.Graph.Outputs {
		if id := p.ValueID(v); id >= 0 {
			pr.used[id] = true
		}
	}
	inputs := map[*ir.Value]bool{}
	for _, v := range p.Graph.Inputs {
		inputs[v] = true
	}
	for id, v := range p.Values {
		size := int64(codegen.ElemSize(v.DType))
		n, err := ir.NumElements(shapes[id])
		if err != nil || size == 0 {
			continue
		}
		switch {
		case v.Const != nil:
			pr.loc[id] = location{inWeights, pr.weightsBytes}
			pr.weightsBytes += alignUp(n * size)
		case inputs[v]:
			pr.loc[id] = location{inInputs, pr.inputsBytes}
			pr.inputsBytes += alignUp(n * size)
		case p.Memory.Offsets[id] >= 0:
			pr.loc[id] = location{inArena, p.Memory.Offsets[id]}
		}
	}
	for i, s := range p.Steps {
		if err := pr.lowerStep(p, i, s.Node); err != nil {
			return nil, fmt.Errorf("cuda: step %d %s: %w", i, s.Node.Describe(), err)
		}
	}
	return pr, nil
}

// alignUp rounds n up to codegen.Alignment.
func alignUp(n int64) int64 {
	return (n + codegen.Alignment - 1) / codegen.Alignment * codegen.Alignment
}

// lowerStep appends the launches of node n (step i).
func (pr *program) lowerStep(p *codegen.Plan, i int, n *ir.Node) error {
	if !(Target{}).Has(n) {
		return fmt.Errorf("no CUDA kernel for %s of %v", n.QualifiedOp(), n.Outputs[0].DType)
	}
	ids := func(vs []*ir.Value) []int {
		out := make([]int, len(vs))
		for j, v := range vs {
			out[j] = p.ValueID(v)
		}
		return out
	}
	in, out := ids(n.Inputs), ids(n.Outputs)
	for _, id := range in {
		if id >= 0 && pr.shapes[id] != nil && p.Values[id].DType != ir.Float32 && !slices.Contains([]string{"Gather", "Reshape", "Unsqueeze", "Squeeze"}, n.Op) {
			return fmt.Errorf("input %s is %v, the CUDA kernels are float32", p.Values[id].Name, p.Values[id].DType)
		}
	}
	for j, id := range out {
		if id >= 0 && j > 0 && pr.used[id] && n.Op != "SkipLayerNorm" {
			return fmt.Errorf("output %d is used, the CUDA kernel computes only the first", j)
		}
	}
	op := n.QualifiedOp()
	if k, ok := unaryKernels[op]; ok {
		pr.elementwise(i, k, in[0], out[0])
		return nil
	}
	if k, ok := binaryKernels[op]; ok {
		return pr.binary(i, k, in[0], in[1], out[0])
	}
	switch op {
	case "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity":
		pr.loc[out[0]] = pr.loc[in[0]] // a view: the memory plan shares the buffer
		return nil
	case "ai.tfc:Gelu":
		pr.elementwise(i, geluKernel(isTanh(n), ""), in[0], out[0])
		return nil
	case "ai.tfc:BiasGelu":
		return pr.binary(i, geluKernel(isTanh(n), "bias_"), in[0], in[1], out[0])
	case "Softmax":
		return pr.softmax(i, n, in[0], out[0])
	case "LayerNormalization":
		if ax := n.AttrInt("axis", -1); ax != -1 && ax != int64(len(pr.shapes[in[0]])-1) {
			return fmt.Errorf("axis %d: only the last axis is supported", ax)
		}
		return pr.norm(i, n, in[0], -1, opt(in, 1), opt(in, 2), out[0], -1, false)
	case "ai.tfc:LayerNorm", "ai.tfc:RMSNorm":
		return pr.norm(i, n, in[0], -1, opt(in, 1), opt(in, 2), out[0], -1, n.Op == "RMSNorm")
	case "ai.tfc:SkipLayerNorm":
		return pr.norm(i, n, in[0], opt(in, 1), opt(in, 2), opt(in, 3), out[0], opt(out, 1), false)
	case "MatMul":
		return pr.matmul(i, in[0], in[1], out[0])
	case "ai.tfc:Linear":
		gelu, tanh, ok := ir.LinearActivation(n)
		if !ok {
			return fmt.Errorf("%s: unknown activation %q", n.Describe(), n.AttrString("activation", ""))
		}
		if err := pr.matmul(i, in[0], in[1], out[0]); err != nil {
			return err
		}
		if !gelu {
			if opt(in, 2) < 0 {
				return nil
			}
			return pr.binary(i, "add_f32", out[0], in[2], out[0])
		}
		if opt(in, 2) < 0 {
			pr.elementwise(i, geluKernel(tanh, ""), out[0], out[0])
			return nil
		}
		return pr.binary(i, geluKernel(tanh, "bias_"), out[0], in[2], out[0])
	case "Gather":
		return pr.gather(i, n, in[0], in[1], out[0])
	case "Transpose":
		return pr.transpose(i, n, in[0], out[0])
	case "ai.tfc:Attention":
		return pr.attention(i, n, in, out[0])
	}
	return fmt.Errorf("no CUDA kernel for %s", op)
}

// opt is ids[j], or -1 when the optional value is absent.
func opt(ids []int, j int) int {
	if j < len(ids) {
		return ids[j]
	}
	return -1
}

// geluKernel names the (bias_)gelu kernel of the erf form or, with tanh,
// of the tanh approximation.
func geluKernel(tanh bool, prefix string) string {
	if tanh {
		return prefix + "gelu_tanh_f32"
	}
	return prefix + "gelu_erf_f32"
}

// isTanh reports whether a Gelu or BiasGelu node is the tanh approximation.
func isTanh(n *ir.Node) bool { return n.AttrString("approximate", "none") == "tanh" }

// numel is the element count of a valid shape.
func numel(shape []int64) int64 {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	return n
}

// gridFor is the grid of a grid-stride launch over n items.
func gridFor(n int64, per int64) uint32 {
	return uint32(min(max((n+per-1)/per, 1), maxGrid))
}

// elementwise launches a unary kernel over x's elements.
func (pr *program) elementwise(step int, kernel string, x, y int) {
	n := numel(pr.shapes[y])
	pr.launches = append(pr.launches, launch{step: step, kernel: kernel,
		grid: [3]uint32{gridFor(n, blockSize), 1, 1}, block: [3]uint32{blockSize, 1, 1},
		args: []any{ptrArg(x), ptrArg(y), n}})
}

// binary launches a broadcasting binary kernel.
func (pr *program) binary(step int, kernel string, a, b, y int) error {
	s, err := broadcast(pr.shapes[y], pr.shapes[a], pr.shapes[b])
	if err != nil {
		return err
	}
	pr.launches = append(pr.launches, launch{step: step, kernel: kernel,
		grid: [3]uint32{gridFor(s.N, blockSize), 1, 1}, block: [3]uint32{blockSize, 1, 1},
		args: []any{ptrArg(a), ptrArg(b), ptrArg(y), s}})
	return nil
}

// rowLaunch launches a row kernel over rows of h elements.
func (pr *program) rowLaunch(step int, kernel string, rows, h int64, args ...any) {
	block := uint32(blockSize)
	if h < blockSize {
		block = uint32(max((h+31)/32*32, 32))
	}
	pr.launches = append(pr.launches, launch{step: step, kernel: kernel,
		grid: [3]uint32{gridFor(rows, 1), 1, 1}, block: [3]uint32{block, 1, 1}, args: args})
}

// softmax lowers Softmax over the last axis (before opset 13: over the
// flattened axes from axis on, the same rows).
func (pr *program) softmax(step int, n *ir.Node, x, y int) error {
	shape := pr.shapes[x]
	r := int64(len(shape))
	def := int64(-1)
	if n.Version < 13 {
		def = 1
	}
	ax := n.AttrInt("axis", def)
	if ax < 0 {
		ax += r
	}
	if ax < 0 || ax > r || (n.Version >= 13 && numel(shape[min(ax+1, r):]) != 1) {
		return fmt.Errorf("axis %d of a rank-%d input: only the last axis is supported", n.AttrInt("axis", def), r)
	}
	h := numel(shape[ax:])
	pr.rowLaunch(step, "softmax_rows_f32", numel(shape[:ax]), h, ptrArg(x), ptrArg(y), numel(shape[:ax]), h)
	return nil
}

// norm lowers LayerNorm, SkipLayerNorm (skip ≥ 0) and RMSNorm over the
// last axis; scale and bias must be vectors of the last dimension.
func (pr *program) norm(step int, n *ir.Node, x, skip, scale, bias, y, sum int, rms bool) error {
	shape := pr.shapes[x]
	if len(shape) == 0 || scale < 0 {
		return fmt.Errorf("needs an input of rank ≥ 1 and a scale")
	}
	h := shape[len(shape)-1]
	for _, id := range []int{scale, bias} {
		if id >= 0 && numel(pr.shapes[id]) != h {
			return fmt.Errorf("scale and bias must have %d elements, not %v", h, pr.shapes[id])
		}
	}
	if skip >= 0 && !slices.Equal(pr.shapes[skip], shape) {
		return fmt.Errorf("skip of shape %v differs from the input's %v", pr.shapes[skip], shape)
	}
	flag := int32(0)
	if rms {
		flag = 1
	}
	rows := numel(shape) / max(h, 1)
	pr.rowLaunch(step, "norm_rows_f32", rows, h, ptrArg(x), ptrArg(skip), ptrArg(scale), ptrArg(bias),
		ptrArg(y), ptrArg(sum), rows, h, n.AttrFloat("epsilon", 1e-5), flag)
	return nil
}

// gather lowers Gather along axis 0 of a float32 table.
func (pr *program) gather(step int, n *ir.Node, table, idx, y int) error {
	ts := pr.shapes[table]
	if ax := n.AttrInt("axis", 0); ax != 0 && ax != -int64(len(ts)) || len(ts) == 0 {
		return fmt.Errorf("axis %d: only axis 0 is supported", n.AttrInt("axis", 0))
	}
	kernel := map[ir.DType]string{ir.Int64: "gather_rows_i64_f32", ir.Int32: "gather_rows_i32_f32"}[n.Inputs[1].DType]
	if kernel == "" {
		return fmt.Errorf("indices of type %v", n.Inputs[1].DType)
	}
	row, nidx := numel(ts[1:]), numel(pr.shapes[idx])
	pr.launches = append(pr.launches, launch{step: step, kernel: kernel,
		grid: [3]uint32{gridFor(nidx*row, blockSize), 1, 1}, block: [3]uint32{blockSize, 1, 1},
		args: []any{ptrArg(table), ptrArg(idx), ptrArg(y), nidx, row, ts[0]}})
	return nil
}

// transpose lowers Transpose as a strided copy.
func (pr *program) transpose(step int, n *ir.Node, x, y int) error {
	in := pr.shapes[x]
	r := len(in)
	perm, ok := n.AttrInts("perm")
	if !ok {
		for d := r - 1; d >= 0; d-- {
			perm = append(perm, int64(d))
		}
	}
	if len(perm) != r {
		return fmt.Errorf("perm %v of a rank-%d input", perm, r)
	}
	strides := rowMajorStrides(in)
	permuted := make([]int64, r)
	for d, p := range perm {
		if p < 0 || int(p) >= r {
			return fmt.Errorf("perm %v", perm)
		}
		permuted[d] = strides[p]
	}
	s, err := strided(pr.shapes[y], permuted, make([]int64, r))
	if err != nil {
		return err
	}
	pr.launches = append(pr.launches, launch{step: step, kernel: "copy_strided_f32",
		grid: [3]uint32{gridFor(s.N, blockSize), 1, 1}, block: [3]uint32{blockSize, 1, 1},
		args: []any{ptrArg(x), ptrArg(y), s}})
	return nil
}

// matmul lowers MatMul of float32 A [..., m, k] and B [..., k, n] when B
// is a matrix (A's batch folds into m) or both have the same batch dims,
// or A is a matrix.
func (pr *program) matmul(step int, a, b, c int) error {
	g, err := gemmOf(pr.shapes[a], pr.shapes[b])
	if err != nil {
		return err
	}
	g.a, g.b, g.c = a, b, c
	pr.launches = append(pr.launches, launch{step: step, gemm: g})
	return nil
}

// gemmOf describes the product of row-major A and B of the given shapes.
func gemmOf(as, bs []int64) (*gemmCall, error) {
	if len(as) < 2 || len(bs) < 2 {
		return nil, fmt.Errorf("MatMul of shapes %v and %v: 1-D operands are not supported", as, bs)
	}
	m, k := as[len(as)-2], as[len(as)-1]
	n := bs[len(bs)-1]
	if bs[len(bs)-2] != k {
		return nil, fmt.Errorf("MatMul of shapes %v and %v: inner dims differ", as, bs)
	}
	ab, bb := as[:len(as)-2], bs[:len(bs)-2]
	g := &gemmCall{m: int(m), n: int(n), k: int(k), batch: 1, strideA: m * k, strideB: k * n, strideC: m * n}
	switch {
	case len(bb) == 0 || numel(bb) == 1 && numel(ab) != 1:
		g.m = int(numel(ab) * m) // fold A's batch into its rows
		g.strideA, g.strideC = 0, 0
	case slices.Equal(ab, bb):
		g.batch = int(numel(ab))
	case len(ab) == 0 || numel(ab) == 1:
		g.batch = int(numel(bb))
		g.strideA = 0
	default:
		return nil, fmt.Errorf("MatMul of shapes %v and %v: broadcast batch dims are not supported", as, bs)
	}
	return g, nil
}

// rowMajorStrides are the element strides of a contiguous tensor.
func rowMajorStrides(shape []int64) []int64 {
	s := make([]int64, len(shape))
	acc := int64(1)
	for d := len(shape) - 1; d >= 0; d-- {
		s[d] = acc
		acc *= shape[d]
	}
	return s
}
