package reduce

import (
	"math"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// reduction is one row of the Reduce table: how the elements of a group
// fold into one output value. Floats fold in float64; integers (and bools)
// fold exactly in int64 with wrap-around when the row has an integer path,
// and through the float path (truncated back) otherwise.
type reduction struct {
	op string
	// init is the accumulator of an empty group (the op's identity).
	init float64
	// acc folds element x into accumulator a.
	acc func(a, x float64) float64
	// fin turns the accumulator of n elements into the result; nil is identity.
	fin func(a float64, n int64) float64
	// intInit, intAcc and intFin are the integer path; intAcc nil means none.
	intInit func(ar intArith) int64
	intAcc  func(ar intArith, a, x int64) int64
	intFin  func(ar intArith, a, n int64) int64
}

// The folds and initial values the rows share.
func sumAbs(a, x float64) float64           { return a + math.Abs(x) }
func sumSq(a, x float64) float64            { return a + x*x }
func zero(intArith) int64                   { return 0 }
func intSum(_ intArith, a, x int64) int64   { return a + x }
func intSumSq(_ intArith, a, x int64) int64 { return a + x*x }

// add and mul are the folds of sums and products.
func add[T int64 | float64](a, x T) T { return a + x }
func mul[T int64 | float64](a, x T) T { return a * x }

// maxNaN and minNaN propagate NaN, as numpy's max and min do.
func maxNaN(a, x float64) float64 {
	if x > a || math.IsNaN(x) {
		return x
	}
	return a
}

func minNaN(a, x float64) float64 {
	if x < a || math.IsNaN(x) {
		return x
	}
	return a
}

// logAddExp returns log(exp(a) + exp(x)) without overflow.
func logAddExp(a, x float64) float64 {
	if math.IsInf(a, -1) {
		return x
	}
	if math.IsInf(x, -1) {
		return a
	}
	hi, lo := max(a, x), min(a, x)
	return hi + math.Log1p(math.Exp(lo-hi))
}

// reductions is the Reduce family, one row per op.
var reductions = []reduction{
	{op: "ReduceSum", acc: add[float64], intInit: zero, intAcc: intSum},
	{op: "ReduceMean", acc: add[float64],
		fin:     func(a float64, n int64) float64 { return a / float64(n) },
		intInit: zero, intAcc: intSum, intFin: intArith.div},
	{op: "ReduceMax", init: math.Inf(-1), acc: maxNaN,
		intInit: func(ar intArith) int64 { return ar.lo },
		intAcc: func(ar intArith, a, x int64) int64 {
			if ar.less(a, x) {
				return x
			}
			return a
		}},
	{op: "ReduceMin", init: math.Inf(1), acc: minNaN,
		intInit: func(ar intArith) int64 { return ar.hi },
		intAcc: func(ar intArith, a, x int64) int64 {
			if ar.less(x, a) {
				return x
			}
			return a
		}},
	{op: "ReduceProd", init: 1, acc: mul[float64],
		intInit: func(intArith) int64 { return 1 },
		intAcc:  func(_ intArith, a, x int64) int64 { return mul(a, x) }},
	{op: "ReduceL1", acc: sumAbs, intInit: zero,
		intAcc: func(ar intArith, a, x int64) int64 { return a + ar.abs(x) }},
	{op: "ReduceL2", acc: sumSq,
		fin:     func(a float64, _ int64) float64 { return math.Sqrt(a) },
		intInit: zero, intAcc: intSumSq,
		intFin: func(ar intArith, a, _ int64) int64 { return int64(math.Sqrt(ar.float(a))) }},
	{op: "ReduceLogSum", acc: add[float64], fin: func(a float64, _ int64) float64 { return math.Log(a) }},
	{op: "ReduceLogSumExp", init: math.Inf(-1), acc: logAddExp},
	{op: "ReduceSumSquare", acc: sumSq, intInit: zero, intAcc: intSumSq},
}

// fold reduces vals into nOut groups: element i goes to group idx[i], every
// group holds n elements.
func fold[T any](vals []T, idx []int, nOut int, n int64, init T, acc func(a, x T) T, fin func(a T, n int64) T) []T {
	out := make([]T, nOut)
	for j := range out {
		out[j] = init
	}
	for i, v := range vals {
		out[idx[i]] = acc(out[idx[i]], v)
	}
	if fin != nil {
		for j := range out {
			out[j] = fin(out[j], n)
		}
	}
	return out
}

// axesFromInput reports whether node n (op at n.Version) takes its axes as
// an input rather than an attribute: ReduceSum from opset 13, the others
// from opset 18.
func axesFromInput(n *ir.Node) bool {
	if n.Op == "ReduceSum" {
		return n.Version >= 13
	}
	return n.Version >= 18
}

// reducedAxes returns which axes of a rank-r input the node reduces: the
// axes attribute or input, all axes when none are given, or none at all
// when none are given and noop_with_empty_axes is set.
func reducedAxes(ctx *kernel.Context, in []*ir.Tensor, rank int) ([]bool, error) {
	var axes []int64
	if axesFromInput(ctx.Node) {
		if len(in) > 1 && in[1] != nil {
			if !in[1].DType.IsInt() {
				return nil, ctx.Errorf("axes must be an integer tensor, got %v", in[1].DType)
			}
			axes = in[1].Int64s()
		}
	} else {
		axes, _ = ctx.Node.AttrInts("axes")
	}
	mask := make([]bool, rank)
	if len(axes) == 0 {
		if ctx.Node.AttrInt("noop_with_empty_axes", 0) == 0 {
			for i := range mask {
				mask[i] = true
			}
		}
		return mask, nil
	}
	norm, err := kernel.NormAxes(axes, rank)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	for _, a := range norm {
		mask[a] = true
	}
	return mask, nil
}

// reduceKernel is the kernel of one row of the Reduce table.
func reduceKernel(r reduction) kernel.Func {
	return kernel.Single(func(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
		x := in[0]
		if x.DType == ir.String {
			return nil, ctx.Errorf("cannot reduce a %v tensor", x.DType)
		}
		mask, err := reducedAxes(ctx, in, x.Rank())
		if err != nil {
			return nil, err
		}
		keep := make([]int64, 0, x.Rank())  // the shape with reduced dims set to 1
		shape := make([]int64, 0, x.Rank()) // the output shape
		n := int64(1)                       // elements per group
		for i, d := range x.Shape {
			if mask[i] {
				n *= d
				keep = append(keep, 1)
				if ctx.Node.AttrInt("keepdims", 1) != 0 {
					shape = append(shape, 1)
				}
				continue
			}
			keep = append(keep, d)
			shape = append(shape, d)
		}
		nOut, err := ir.NumElements(keep)
		if err != nil {
			return nil, ctx.Errorf("%v", err)
		}
		idx := kernel.BroadcastIndex(keep, x.Shape)
		if ar, ok := arithOf(x.DType); ok && r.intAcc != nil {
			acc := func(a, v int64) int64 { return r.intAcc(ar, a, v) }
			var fin func(a, n int64) int64
			if r.intFin != nil {
				fin = func(a, n int64) int64 { return r.intFin(ar, a, n) }
			}
			return ir.FromInt64s(x.DType, shape, fold(x.Int64s(), idx, int(nOut), n, r.intInit(ar), acc, fin))
		}
		return ir.FromFloat64s(x.DType, shape, fold(x.Float64s(), idx, int(nOut), n, r.init, r.acc, r.fin))
	})
}
