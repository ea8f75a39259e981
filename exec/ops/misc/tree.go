package misc

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// The node modes of TreeEnsemble: how a node compares its feature with its
// split value (memberOf: whether the feature is in the node's set).
const (
	leq = iota
	lt
	gte
	gt
	eq
	neq
	memberOf
)

// ensemble is a decoded TreeEnsemble: parallel per-node and per-leaf lists.
type ensemble struct {
	roots, feature, modes          []int64
	trueID, falseID                []int64
	trueLeaf, falseLeaf, nanIsTrue []int64
	splits                         []float64
	members                        [][]float64 // the set of each memberOf node
	leafTarget                     []int64
	leafWeight                     []float64
}

// decodeEnsemble reads and checks the attributes of a TreeEnsemble node
// whose input has the given number of features.
func decodeEnsemble(ctx *kernel.Context, features, targets int64) (*ensemble, error) {
	n := ctx.Node
	ints := func(name string) []int64 { v, _ := n.AttrInts(name); return v }
	floats := func(name string) []float64 {
		if a := n.Attr(name); a != nil && a.Tensor != nil {
			return a.Tensor.Float64s()
		}
		return nil
	}
	e := &ensemble{
		roots: ints("tree_roots"), feature: ints("nodes_featureids"),
		trueID: ints("nodes_truenodeids"), falseID: ints("nodes_falsenodeids"),
		trueLeaf: ints("nodes_trueleafs"), falseLeaf: ints("nodes_falseleafs"),
		nanIsTrue: ints("nodes_missing_value_tracks_true"),
		splits:    floats("nodes_splits"), leafTarget: ints("leaf_targetids"), leafWeight: floats("leaf_weights"),
	}
	if a := n.Attr("nodes_modes"); a != nil && a.Tensor != nil {
		e.modes = a.Tensor.Int64s()
	}
	nodes, leaves := len(e.feature), len(e.leafTarget)
	if e.nanIsTrue == nil {
		e.nanIsTrue = make([]int64, nodes)
	}
	for _, l := range [][]int64{e.modes, e.trueID, e.falseID, e.trueLeaf, e.falseLeaf, e.nanIsTrue} {
		if len(l) != nodes || len(e.splits) != nodes || len(e.leafWeight) != leaves {
			return nil, ctx.Errorf("node or leaf attributes differ in length")
		}
	}
	inRange := func(v int64, n int) bool { return v >= 0 && v < int64(n) }
	for _, r := range e.roots {
		if !inRange(r, nodes) {
			return nil, ctx.Errorf("tree root %d out of range", r)
		}
	}
	for _, t := range e.leafTarget {
		if !inRange(t, int(targets)) {
			return nil, ctx.Errorf("leaf target %d out of range [0, %d)", t, targets)
		}
	}
	set := floats("membership_values")
	e.members = make([][]float64, nodes)
	for i := range nodes {
		if !inRange(e.feature[i], int(features)) || !inRange(e.modes[i], memberOf+1) {
			return nil, ctx.Errorf("node %d: bad feature %d or mode %d", i, e.feature[i], e.modes[i])
		}
		for _, c := range [][2]int64{{e.trueID[i], e.trueLeaf[i]}, {e.falseID[i], e.falseLeaf[i]}} {
			if (c[1] != 0 && !inRange(c[0], leaves)) || (c[1] == 0 && !inRange(c[0], nodes)) {
				return nil, ctx.Errorf("node %d: child %d out of range", i, c[0])
			}
		}
		if e.modes[i] == memberOf {
			end := slices.IndexFunc(set, math.IsNaN)
			if end < 0 {
				end = len(set)
			}
			e.members[i], set = set[:end], set[min(end+1, len(set)):]
		}
	}
	return e, nil
}

// branch reports whether node i sends row x to its true child.
func (e *ensemble) branch(i int, x []float64) bool {
	v, s := x[e.feature[i]], e.splits[i]
	if math.IsNaN(v) && e.nanIsTrue[i] != 0 {
		return true
	}
	switch e.modes[i] {
	case leq:
		return v <= s
	case lt:
		return v < s
	case gte:
		return v >= s
	case gt:
		return v > s
	case eq:
		return v == s
	case neq:
		return v != s
	}
	return slices.Contains(e.members[i], v)
}

// leaf returns the leaf that the tree rooted at root assigns to row x; it
// gives up (-1) after more steps than there are nodes, i.e. on a cycle.
func (e *ensemble) leaf(root int64, x []float64) int64 {
	node := root
	for range len(e.feature) + 1 {
		id, isLeaf := e.falseID[node], e.falseLeaf[node]
		if e.branch(int(node), x) {
			id, isLeaf = e.trueID[node], e.trueLeaf[node]
		}
		if isLeaf != 0 {
			return id
		}
		node = id
	}
	return -1
}

// treeEnsemble evaluates every tree on every row of the [N, F] input,
// aggregates the leaf weights per target and applies the post transform.
func treeEnsemble(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	if err := checkRank(ctx, "X", x, 2); err != nil {
		return nil, err
	}
	rows, features := int(x.Shape[0]), x.Shape[1]
	targets := ctx.Node.AttrInt("n_targets", 1)
	shape := []int64{int64(rows), targets}
	if _, err := ir.NumElements(shape); err != nil || targets < 1 {
		return nil, ctx.Errorf("bad n_targets %d", targets)
	}
	e, err := decodeEnsemble(ctx, features, targets)
	if err != nil {
		return nil, err
	}
	agg := ctx.Node.AttrInt("aggregate_function", 1)
	init, combine := 0.0, func(a, b float64) float64 { return a + b }
	switch agg {
	case 2:
		init, combine = math.Inf(1), math.Min
	case 3:
		init, combine = math.Inf(-1), math.Max
	}
	xd := x.Float64s()
	out := make([]float64, rows*int(targets))
	for r := range rows {
		res := out[r*int(targets) : (r+1)*int(targets)]
		for t := range res {
			res[t] = init
		}
		for _, root := range e.roots {
			l := e.leaf(root, xd[r*int(features):(r+1)*int(features)])
			if l < 0 {
				return nil, ctx.Errorf("tree at node %d has a cycle", root)
			}
			t := e.leafTarget[l]
			res[t] = combine(res[t], e.leafWeight[l])
		}
		if agg == 0 {
			for t := range res {
				res[t] /= float64(len(e.roots))
			}
		}
		if err := postTransform(ctx, res, ctx.Node.AttrInt("post_transform", 0)); err != nil {
			return nil, err
		}
	}
	return ir.FromFloat64s(x.DType, shape, out)
}

// postTransform applies an ai.onnx.ml post transform to one row of scores
// in place: 0 none, 1 softmax, 2 logistic, 3 softmax leaving zeros zero,
// 4 probit.
func postTransform(ctx *kernel.Context, v []float64, kind int64) error {
	switch kind {
	case 0:
	case 1, 3:
		hi := slices.Max(v)
		sum := 0.0
		for i, e := range v {
			if kind == 3 && e == 0 {
				continue
			}
			v[i] = math.Exp(e - hi)
			sum += v[i]
		}
		for i := range v {
			if sum > 0 {
				v[i] /= sum
			}
		}
	case 2:
		for i, e := range v {
			v[i] = 1 / (1 + math.Exp(-e))
		}
	case 4:
		for i, e := range v {
			v[i] = math.Sqrt2 * math.Erfinv(2*e-1)
		}
	default:
		return ctx.Errorf("unknown post_transform %d", kind)
	}
	return nil
}
