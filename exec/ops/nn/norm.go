package nn

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// groups assigns every element of a tensor to the statistics group it is
// normalized with. The groups form a tensor of shape stat: the tensor's
// shape with the reduced dims set to 1, so of = BroadcastIndex(stat, shape).
type groups struct {
	stat []int64
	of   []int
	n    int
}

// groupsOf groups the elements of shape by the dims not in reduced.
func groupsOf(shape []int64, reduced ...int) groups {
	stat := slices.Clone(shape)
	for _, a := range reduced {
		stat[a] = 1
	}
	return groups{stat: stat, of: kernel.BroadcastIndex(stat, shape), n: int(kernel.Product(stat, 0, len(stat)))}
}

// trailing returns the dims from..rank-1 (the normalized axes of
// LayerNormalization and RMSNormalization).
func trailing(from, rank int) []int {
	axes := make([]int, 0, rank-from)
	for a := from; a < rank; a++ {
		axes = append(axes, a)
	}
	return axes
}

// mean returns the mean of vals per group.
func (g groups) mean(vals []float64) []float64 {
	sum, cnt := make([]float64, g.n), make([]float64, g.n)
	for i, v := range vals {
		sum[g.of[i]] += v
		cnt[g.of[i]]++
	}
	for j := range sum {
		sum[j] /= cnt[j]
	}
	return sum
}

// standardize centers x per group and multiplies it by inv(variance) of
// its group: it returns the result and the groups' means and variances.
func (g groups) standardize(x []float64, inv func(variance float64) float64) (y, mean, variance []float64) {
	mean = g.mean(x)
	y = make([]float64, len(x))
	sq := make([]float64, len(x))
	for i, v := range x {
		y[i] = v - mean[g.of[i]]
		sq[i] = y[i] * y[i]
	}
	variance = g.mean(sq)
	for i := range y {
		y[i] *= inv(variance[g.of[i]])
	}
	return y, mean, variance
}

// invStd is 1/sqrt(variance + eps).
func invStd(eps float32) func(float64) float64 {
	return func(v float64) float64 { return 1 / math.Sqrt(v+float64(eps)) }
}

// channelShape places a per-channel parameter of shape p ([C] or [C, D1,
// ...]) against an input of rank r laid out [N, C, D1, ...].
func channelShape(p []int64, r int) []int64 {
	s := append([]int64{1}, p...)
	for len(s) < r {
		s = append(s, 1)
	}
	return s
}

// placed checks that parameter p, placed against a tensor of shape x by
// its shape (the parameter's own shape for plain unidirectional
// broadcasting, channelShape for per-channel parameters), broadcasts to x.
// It returns p's values and, per element of x, the index of its value.
func placed(ctx *kernel.Context, p *ir.Tensor, x []int64, place func([]int64) []int64) ([]float64, []int, error) {
	ps := place(p.Shape)
	if b, err := kernel.BroadcastShapes(ps, x); err != nil || !slices.Equal(b, x) {
		return nil, nil, ctx.Errorf("parameter of shape %v does not fit input of shape %v", p.Shape, x)
	}
	return p.Float64s(), kernel.BroadcastIndex(ps, x), nil
}

// affine multiplies y (of shape x) by scale and adds bias (nil for none),
// both placed against x by place.
func affine(ctx *kernel.Context, y []float64, x []int64, scale, bias *ir.Tensor, place func([]int64) []int64) error {
	sv, si, err := placed(ctx, scale, x, place)
	if err != nil {
		return err
	}
	for e, j := range si {
		y[e] *= sv[j]
	}
	if bias == nil {
		return nil
	}
	bv, bi, err := placed(ctx, bias, x, place)
	if err != nil {
		return err
	}
	for e, j := range bi {
		y[e] += bv[j]
	}
	return nil
}

// asIs is the placement of parameters that broadcast as they are.
func asIs(s []int64) []int64 { return s }

// normAxis reads the axis attribute of the layer-style norms (default -1).
func normAxis(ctx *kernel.Context, x *ir.Tensor) (int, error) {
	a, err := kernel.NormAxis(ctx.Node.AttrInt("axis", -1), x.Rank())
	if err != nil {
		return 0, ctx.Errorf("input of shape %v: %v", x.Shape, err)
	}
	return a, nil
}

// layerNormalization is LayerNormalization: standardize over the axes from
// axis on, then scale and shift; Mean and InvStdDev optionally.
func layerNormalization(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	x, scale, bias := in[0], in[1], optional(in, 2)
	if err := floatInputs(ctx, x, scale, bias); err != nil {
		return nil, err
	}
	axis, err := normAxis(ctx, x)
	if err != nil {
		return nil, err
	}
	g := groupsOf(x.Shape, trailing(axis, x.Rank())...)
	inv := invStd(ctx.Node.AttrFloat("epsilon", 1e-5))
	y, mean, variance := g.standardize(x.Float64s(), inv)
	if err := affine(ctx, y, x.Shape, scale, bias, asIs); err != nil {
		return nil, err
	}
	outs := outputSlots(ctx, 3)
	if outs[0], err = fromFloats(ctx, x.DType, x.Shape, y); err != nil {
		return nil, err
	}
	stash := ir.DType(ctx.Node.AttrInt("stash_type", int64(ir.Float32)))
	for j, v := range variance {
		variance[j] = inv(v)
	}
	for i, stat := range [][]float64{mean, variance} {
		if wanted(ctx, i+1) {
			if outs[i+1], err = fromFloats(ctx, stash, g.stat, stat); err != nil {
				return nil, err
			}
		}
	}
	return outs, nil
}

// rmsNormalization is RMSNormalization: x / sqrt(mean(x^2) + epsilon) over
// the axes from axis on, times scale.
func rmsNormalization(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, scale := in[0], in[1]
	if !isFloat(x) || !isFloat(scale) {
		return nil, ctx.Errorf("dtypes %v and %v, want float types", x.DType, scale.DType)
	}
	axis, err := normAxis(ctx, x)
	if err != nil {
		return nil, err
	}
	g := groupsOf(x.Shape, trailing(axis, x.Rank())...)
	y := x.Float64s()
	sq := make([]float64, len(y))
	for i, v := range y {
		sq[i] = v * v
	}
	ms := g.mean(sq)
	eps := float64(ctx.Node.AttrFloat("epsilon", 1e-5))
	for i := range y {
		y[i] /= math.Sqrt(ms[g.of[i]] + eps)
	}
	if err := affine(ctx, y, x.Shape, scale, nil, asIs); err != nil {
		return nil, err
	}
	return fromFloats(ctx, scale.DType, x.Shape, y)
}

// instanceNormalization is InstanceNormalization: standardize every
// channel of every instance over its spatial dims, then scale and shift
// per channel (GroupNormalization with a group per channel).
func instanceNormalization(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	if err := checkRank(ctx, in[0], "input", 2); err != nil {
		return nil, err
	}
	return normalizeGroups(ctx, in, in[0].Shape[1], true)
}

// groupNormalization is GroupNormalization: standardize each group of
// channels of every instance, then scale and shift per group (opset 18) or
// per channel (opset 21).
func groupNormalization(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	return normalizeGroups(ctx, in, ctx.Node.AttrInt("num_groups", 0), ctx.Node.Version >= 21)
}

// normalizeGroups standardizes X [N, C, ...] over every instance's groups
// of C/ng channels, then applies the scale and bias (in[1], in[2]) per
// channel or per group.
func normalizeGroups(ctx *kernel.Context, in []*ir.Tensor, ng int64, perChannel bool) (*ir.Tensor, error) {
	x := in[0]
	if err := floatInputs(ctx, in...); err != nil {
		return nil, err
	}
	if err := checkRank(ctx, x, "input", 2); err != nil {
		return nil, err
	}
	if ng <= 0 || x.Shape[1]%ng != 0 {
		return nil, ctx.Errorf("%d groups do not divide the %d channels", ng, x.Shape[1])
	}
	grouped := []int64{x.Shape[0], ng, kernel.Product(x.Shape, 1, x.Rank()) / ng}
	y, _, _ := groupsOf(grouped, 2).standardize(x.Float64s(), invStd(ctx.Node.AttrFloat("epsilon", 1e-5)))
	shape := grouped
	if perChannel {
		shape = x.Shape
	}
	if err := affine(ctx, y, shape, in[1], in[2], func(p []int64) []int64 { return channelShape(p, len(shape)) }); err != nil {
		return nil, err
	}
	return fromFloats(ctx, x.DType, x.Shape, y)
}

// meanVarianceNormalization is MeanVarianceNormalization: (x - mean) /
// (std + 1e-9) with the statistics taken over axes (default 0, 2, 3).
func meanVarianceNormalization(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	if err := floatInputs(ctx, x); err != nil {
		return nil, err
	}
	axes, err := kernel.NormAxes(intsAttr(ctx.Node, "axes", []int64{0, 2, 3}), x.Rank())
	if err != nil {
		return nil, ctx.Errorf("input of shape %v: %v", x.Shape, err)
	}
	y, _, _ := groupsOf(x.Shape, axes...).standardize(x.Float64s(), func(v float64) float64 { return 1 / (math.Sqrt(v) + 1e-9) })
	return fromFloats(ctx, x.DType, x.Shape, y)
}

// batchNormalization is BatchNormalization: in inference mode it
// normalizes with the given per-channel mean and variance; with
// training_mode (opset 14+) it uses the batch statistics and also returns
// the updated running mean and variance.
func batchNormalization(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	x, mean, variance := in[0], in[3], in[4]
	if err := floatInputs(ctx, x); err != nil {
		return nil, err
	}
	if err := checkRank(ctx, x, "input", 2); err != nil {
		return nil, err
	}
	n := ctx.Node
	inv := invStd(n.AttrFloat("epsilon", 1e-5))
	place := func(p []int64) []int64 { return channelShape(p, x.Rank()) }
	mv, mi, err := placed(ctx, mean, x.Shape, place)
	if err != nil {
		return nil, err
	}
	vv, vi, err := placed(ctx, variance, x.Shape, place)
	if err != nil {
		return nil, err
	}
	y := x.Float64s()
	outs := []*ir.Tensor{nil}
	if n.Version >= 14 && n.AttrInt("training_mode", 0) != 0 {
		g := groupsOf(x.Shape, append([]int{0}, trailing(2, x.Rank())...)...)
		var batchMean, batchVar []float64
		y, batchMean, batchVar = g.standardize(y, inv)
		if len(mv) != g.n || len(vv) != g.n {
			return nil, ctx.Errorf("input_mean %v and input_var %v, want %d channels", mean.Shape, variance.Shape, g.n)
		}
		m := float64(n.AttrFloat("momentum", 0.9))
		for c := range mv {
			mv[c] = mv[c]*m + batchMean[c]*(1-m)
			vv[c] = vv[c]*m + batchVar[c]*(1-m)
		}
		for _, r := range [][]float64{mv, vv} {
			t, err := fromFloats(ctx, mean.DType, mean.Shape, r)
			if err != nil {
				return nil, err
			}
			outs = append(outs, t)
		}
	} else {
		for e := range y {
			y[e] = (y[e] - mv[mi[e]]) * inv(vv[vi[e]])
		}
	}
	if err := affine(ctx, y, x.Shape, in[1], in[2], place); err != nil {
		return nil, err
	}
	if outs[0], err = fromFloats(ctx, x.DType, x.Shape, y); err != nil {
		return nil, err
	}
	return outs, nil
}

// lpNormalization is LpNormalization: every line along axis divided by its
// L1 or L2 norm (zero where the norm is zero).
func lpNormalization(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	if err := floatInputs(ctx, x); err != nil {
		return nil, err
	}
	axis, err := normAxis(ctx, x)
	if err != nil {
		return nil, err
	}
	p := ctx.Node.AttrInt("p", 2)
	if p != 1 && p != 2 {
		return nil, ctx.Errorf("p is %d, want 1 or 2", p)
	}
	vals := x.Float64s()
	linesOf(x.Shape, axis, axis+1).apply(vals, func(v []float64) {
		norm := 0.0
		for _, e := range v {
			if p == 1 {
				norm += math.Abs(e)
			} else {
				norm += e * e
			}
		}
		if p == 2 {
			norm = math.Sqrt(norm)
		}
		for i := range v {
			if norm == 0 {
				v[i] = 0
			} else {
				v[i] /= norm
			}
		}
	})
	return fromFloats(ctx, x.DType, x.Shape, vals)
}

// lrn is LRN: every element divided by (bias + alpha/size * the sum of
// squares over a window of size channels around it)^beta.
func lrn(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	if err := floatInputs(ctx, x); err != nil {
		return nil, err
	}
	if err := checkRank(ctx, x, "input", 2); err != nil {
		return nil, err
	}
	n := ctx.Node
	size := int(n.AttrInt("size", 0))
	if size <= 0 {
		return nil, ctx.Errorf("size is %d, want > 0", size)
	}
	alpha, beta, bias := float64(n.AttrFloat("alpha", 1e-4)), float64(n.AttrFloat("beta", 0.75)), float64(n.AttrFloat("bias", 1))
	vals := x.Float64s()
	linesOf(x.Shape, 1, 2).apply(vals, func(v []float64) {
		sq := make([]float64, len(v))
		for c := range v {
			for i := max(0, c-(size-1)/2); i <= min(len(v)-1, c+size/2); i++ {
				sq[c] += v[i] * v[i]
			}
		}
		for c := range v {
			v[c] /= math.Pow(bias+alpha/float64(size)*sq[c], beta)
		}
	})
	return fromFloats(ctx, x.DType, x.Shape, vals)
}
