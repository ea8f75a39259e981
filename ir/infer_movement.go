package ir

import "math"

// Inference rules of the ops that move, select or compute shapes.

func inferTranspose(_ *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if len(out) == 0 || !x.Ranked {
		return nil
	}
	r := len(x.Dims)
	perm, ok := n.AttrInts("perm")
	if !ok {
		perm = make([]int64, r)
		for i := range perm {
			perm[i] = int64(r - 1 - i)
		}
	}
	if len(perm) != r {
		return inferErr(n, "perm %v does not match input shape %v", perm, x)
	}
	if _, err := normAxes(n, perm, r); err != nil {
		return err
	}
	s := ranked(make([]Dim, r)...)
	for i, p := range perm {
		s.Dims[i] = x.Dims[(int(p)+r)%r]
	}
	out[0].Shape = s
	return nil
}

// inferReshape handles the shape attribute (opset < 5) and input; 0 copies
// the input dim (unless allowzero), -1 takes the remaining element count.
func inferReshape(c *inferCtx, n *Node, out []vtype) error {
	if len(out) == 0 {
		return nil
	}
	var target []Dim
	if n.Version < 5 {
		ints, ok := n.AttrInts("shape")
		if !ok {
			return nil
		}
		for _, v := range ints {
			target = append(target, Dim{Size: v})
		}
	} else if d, ok := c.dimsOf(n.Input(1)); ok {
		target = d
	} else {
		if s := inShape(n, 1); s.Ranked && len(s.Dims) == 1 && s.Dims[0].Known() && s.Dims[0].Size <= maxTrackedElems {
			out[0].Shape = unknownDims(int(s.Dims[0].Size))
		}
		return nil
	}
	x := inShape(n, 0)
	allowZero := n.AttrInt("allowzero", 0) != 0
	dims := make([]Dim, len(target))
	infer := -1
	for i, t := range target {
		switch {
		case t == unknownVal:
			dims[i] = UnknownDim
		case t.Param != "" || t.Size > 0 || (t.Size == 0 && allowZero):
			dims[i] = t
		case t.Size == 0:
			dims[i] = UnknownDim
			if x.Ranked && i < len(x.Dims) {
				dims[i] = x.Dims[i]
			} else if x.Ranked {
				return inferErr(n, "shape %v copies dim %d of input shape %v", target, i, x)
			}
		case t.Size == -1 && infer < 0:
			infer = i
			dims[i] = UnknownDim
		default:
			return inferErr(n, "invalid target shape %v", dimsString(target))
		}
	}
	if infer >= 0 && x.Ranked {
		dims[infer] = remainingDim(x.Dims, dims, infer)
	}
	s := ranked(dims...)
	if x.Static() && s.Static() {
		nin, _ := NumElements(x.Sizes())
		nout, err := NumElements(s.Sizes())
		if err != nil || nin != nout {
			return inferErr(n, "cannot reshape %v to %v", x, s)
		}
	}
	out[0].Shape = s
	return nil
}

// remainingDim computes the dim at index skip of out so that out has as
// many elements as in, cancelling symbols common to both; unknown when
// that is not determined.
func remainingDim(in, out []Dim, skip int) Dim {
	inK, outK := int64(1), int64(1)
	syms := map[string]int{}
	for _, d := range in {
		switch {
		case d.Known():
			if d.Size == 0 {
				return UnknownDim
			}
			if inK > MaxElements/d.Size {
				return UnknownDim
			}
			inK *= d.Size
		case d.Param != "":
			syms[d.Param]++
		default:
			return UnknownDim
		}
	}
	for i, d := range out {
		switch {
		case i == skip:
		case d.Known():
			if d.Size == 0 || outK > MaxElements/d.Size {
				return UnknownDim
			}
			outK *= d.Size
		case d.Param != "" && syms[d.Param] > 0:
			syms[d.Param]--
		default:
			return UnknownDim
		}
	}
	for _, k := range syms {
		if k != 0 {
			return UnknownDim
		}
	}
	if inK%outK != 0 {
		return UnknownDim
	}
	return Fixed(inK / outK)
}

// dimsString prints tracked contents, "?" for unknown elements.
func dimsString(ds []Dim) string {
	return shapeFromDims(ds).String()
}

func inferFlatten(_ *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if len(out) == 0 {
		return nil
	}
	if !x.Ranked {
		out[0].Shape = unknownDims(2)
		return nil
	}
	r := len(x.Dims)
	axis := n.AttrInt("axis", 1)
	if axis < -int64(r) || axis > int64(r) {
		return inferErr(n, "axis %d is out of range for input shape %v", axis, x)
	}
	if axis < 0 {
		axis += int64(r)
	}
	out[0].Shape = ranked(productDim(x.Dims[:axis]), productDim(x.Dims[axis:]))
	return nil
}

// productDim multiplies dims (unknown unless at most one is not 1 or all known).
func productDim(ds []Dim) Dim {
	p := Fixed(1)
	for _, d := range ds {
		p = mulDims(p, d)
	}
	return p
}

func inferSqueeze(c *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if len(out) == 0 || !x.Ranked {
		return nil
	}
	axes, present, ok := c.attrOrInputInts(n, "axes", 13, 1)
	if present && !ok {
		return nil
	}
	drop := map[int]bool{}
	if present {
		norm, err := normAxes(n, axes, len(x.Dims))
		if err != nil {
			return err
		}
		for _, a := range norm {
			if d := x.Dims[a]; d.Known() && d.Size != 1 {
				return inferErr(n, "cannot squeeze axis %d of shape %v", a, x)
			}
			drop[a] = true
		}
	} else {
		for i, d := range x.Dims {
			if !d.Known() {
				return nil // which dims are 1 is not known: rank unknown
			}
			drop[i] = d.Size == 1
		}
	}
	var dims []Dim
	for i, d := range x.Dims {
		if !drop[i] {
			dims = append(dims, d)
		}
	}
	out[0].Shape = ranked(dims...)
	if v, ok := c.dimsOf(n.Input(0)); ok && len(dims) == 0 && len(v) == 1 {
		c.track(n.Outputs[0], v)
	}
	return nil
}

func inferUnsqueeze(c *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if len(out) == 0 || !x.Ranked {
		return nil
	}
	axes, _, ok := c.attrOrInputInts(n, "axes", 13, 1)
	if !ok {
		return nil
	}
	r := len(x.Dims) + len(axes)
	norm, err := normAxes(n, axes, r)
	if err != nil {
		return err
	}
	dims := make([]Dim, 0, r)
	next, k := 0, 0
	for i := 0; i < r; i++ {
		if k < len(norm) && norm[k] == i {
			dims = append(dims, Fixed(1))
			k++
			continue
		}
		dims = append(dims, x.Dims[next])
		next++
	}
	out[0].Shape = ranked(dims...)
	if v, ok := c.dimsOf(n.Input(0)); ok && len(x.Dims) == 0 && r == 1 {
		c.track(n.Outputs[0], v)
	}
	return nil
}

func inferConcat(c *inferCtx, n *Node, out []vtype) error {
	if len(out) == 0 || len(n.Inputs) == 0 {
		return nil
	}
	var shapes []Shape
	rank := -1
	for _, v := range n.Inputs {
		if v == nil {
			continue
		}
		shapes = append(shapes, v.Shape)
		if v.Shape.Ranked {
			if rank >= 0 && rank != len(v.Shape.Dims) {
				return inferErr(n, "inputs of shapes %s have different ranks", shapeList(shapes))
			}
			rank = len(v.Shape.Dims)
		}
	}
	if rank < 0 {
		return nil
	}
	axis, err := normAxis(n, n.AttrInt("axis", 0), rank)
	if err != nil {
		return err
	}
	dims := unknownDims(rank).Dims
	sum, sumKnown := Fixed(0), true
	for _, s := range shapes {
		if !s.Ranked {
			sumKnown = false
			continue
		}
		for i, d := range s.Dims {
			if i == axis {
				sum = addDims(sum, d)
				continue
			}
			m, ok := mergeDims(dims[i], d)
			if !ok {
				return inferErr(n, "inputs of shapes %s differ outside axis %d", shapeList(shapes), axis)
			}
			dims[i] = m
		}
	}
	if sumKnown {
		dims[axis] = sum
	}
	out[0].Shape = ranked(dims...)
	c.trackConcat(n)
	return nil
}

// trackConcat records the contents of a Concat of tracked 1-D vectors.
func (c *inferCtx) trackConcat(n *Node) {
	var all []Dim
	for _, v := range n.Inputs {
		d, ok := c.dimsOf(v)
		if !ok || v.Shape.Rank() != 1 {
			return
		}
		all = append(all, d...)
	}
	c.track(n.Outputs[0], all)
}

func inferSplit(c *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if !x.Ranked || len(out) == 0 {
		return nil
	}
	axis, err := normAxis(n, n.AttrInt("axis", 0), len(x.Dims))
	if err != nil {
		return err
	}
	sizes, present, ok := c.attrOrInputInts(n, "split", 13, 1)
	if present && !ok {
		sizes = nil
	}
	d := x.Dims[axis]
	if !present && d.Known() {
		sizes = evenSplit(d.Size, int64(len(out)), n.Attr("num_outputs") != nil)
	}
	if sizes != nil && len(sizes) != len(out) {
		return inferErr(n, "split %v does not match %d outputs", sizes, len(out))
	}
	var sum int64
	for _, s := range sizes {
		if s < 0 {
			return inferErr(n, "negative split size in %v", sizes)
		}
		sum += s
	}
	if sizes != nil && d.Known() && sum != d.Size {
		return inferErr(n, "split %v does not add up to dim %d of shape %v", sizes, axis, x)
	}
	for i := range out {
		s := ranked(x.Dims...)
		s.Dims[axis] = UnknownDim
		if sizes != nil {
			s.Dims[axis] = Fixed(sizes[i])
		}
		out[i].Shape = s
	}
	return nil
}

// evenSplit divides size into k parts: equal ones, or with num_outputs
// (opset 18) chunks of ceil(size/k) with a smaller last one.
func evenSplit(size, k int64, numOutputs bool) []int64 {
	if k <= 0 {
		return nil
	}
	if size%k != 0 && !numOutputs {
		return nil
	}
	chunk := (size + k - 1) / k
	out := make([]int64, k)
	left := size
	for i := range out {
		out[i] = min(chunk, max(left, 0))
		left -= out[i]
	}
	return out
}

// sliceArgs are Slice's parameters as far as they are known at compile
// time: starts, axes and steps as integers, ends as tracked contents (so
// that a symbolic end such as a sequence length survives); nil when not known.
type sliceArgs struct {
	starts, axes, steps []int64
	ends                []Dim
}

// sliceParams reads Slice's parameters: attributes before opset 10,
// inputs from then on.
func (c *inferCtx) sliceParams(n *Node) sliceArgs {
	var a sliceArgs
	if n.Version < 10 {
		a.starts, _ = n.AttrInts("starts")
		ends, _ := n.AttrInts("ends")
		for _, e := range ends {
			a.ends = append(a.ends, Dim{Size: e})
		}
		a.axes, _ = n.AttrInts("axes")
	} else {
		a.starts, _ = c.constInts(n, 1)
		a.ends, _ = c.dimsOf(n.Input(2))
		if n.Input(3) != nil {
			var ok bool
			if a.axes, ok = c.constInts(n, 3); !ok {
				a.axes = nil
				return a
			}
		}
		if n.Input(4) != nil {
			a.steps, _ = c.constInts(n, 4)
		}
	}
	k := len(a.axes)
	switch {
	case a.axes != nil:
	case a.starts != nil:
		k = len(a.starts)
	case a.ends != nil:
		k = len(a.ends)
	case inShape(n, 1).Static() && inShape(n, 1).Rank() == 1:
		k = int(inShape(n, 1).Dims[0].Size)
	default:
		return a
	}
	if a.axes == nil && k <= maxTrackedElems {
		a.axes = make([]int64, k)
		for i := range a.axes {
			a.axes[i] = int64(i)
		}
	}
	if a.steps == nil && (n.Version < 10 || n.Input(4) == nil) {
		a.steps = make([]int64, k)
		for i := range a.steps {
			a.steps[i] = 1
		}
	}
	return a
}

func inferSlice(c *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if !x.Ranked || len(out) == 0 {
		return nil
	}
	a := c.sliceParams(n)
	if a.axes == nil {
		out[0].Shape = unknownDims(len(x.Dims))
		return nil
	}
	norm, err := normAxes(n, a.axes, len(x.Dims))
	if err != nil {
		return err
	}
	k := len(a.axes)
	known := len(a.starts) == k && len(a.ends) == k && len(a.steps) == k
	s := ranked(x.Dims...)
	for i, a2 := range a.axes {
		ax := int(a2)
		if ax < 0 {
			ax += len(x.Dims)
		}
		s.Dims[ax] = UnknownDim
		if !known {
			continue
		}
		if a.steps[i] == 0 {
			return inferErr(n, "slice step is 0")
		}
		s.Dims[ax] = sliceDim(x.Dims[ax], a.starts[i], a.ends[i], a.steps[i])
	}
	out[0].Shape = s
	if v, ok := c.dimsOf(n.Input(0)); ok && known && len(norm) == 1 && len(x.Dims) == 1 && int64(len(v)) == x.Dims[0].Size && a.ends[0].Param == "" {
		lo, hi := sliceBounds(int64(len(v)), a.starts[0], a.ends[0].Size, a.steps[0])
		var picked []Dim
		for j := lo; (a.steps[0] > 0 && j < hi) || (a.steps[0] < 0 && j > hi); j += a.steps[0] {
			picked = append(picked, v[j])
		}
		c.track(n.Outputs[0], picked)
	}
	return nil
}

// sliceDim is the length of one sliced axis of size d. Taking [0:end) with
// a symbolic end gives that symbol (the slice is assumed to fit, as it must
// for the graph to be used as exported, e.g. position ids cut to the
// sequence length).
func sliceDim(d Dim, start int64, end Dim, step int64) Dim {
	switch {
	case end.Param == "" && d.Known():
		lo, hi := sliceBounds(d.Size, start, end.Size, step)
		return Fixed(sliceLen(lo, hi, step))
	case start != 0 || step != 1:
		return UnknownDim
	case end.Param == "" && end.Size >= math.MaxInt32:
		return d // the whole axis
	case end.Param != "" && end != unknownVal:
		return Symbol(end.Param)
	}
	return UnknownDim
}

// sliceBounds clamps start and end the way Slice does for a dim of size d.
func sliceBounds(d, start, end, step int64) (int64, int64) {
	if start < 0 {
		start += d
	}
	if end < 0 {
		end += d
	}
	if step > 0 {
		return min(max(start, 0), d), min(max(end, 0), d)
	}
	return min(max(start, 0), d-1), min(max(end, -1), d-1)
}

// sliceLen is the number of elements from lo toward hi by step.
func sliceLen(lo, hi, step int64) int64 {
	if step > 0 {
		if hi <= lo {
			return 0
		}
		return (hi - lo + step - 1) / step
	}
	if hi >= lo {
		return 0
	}
	return (lo - hi + (-step) - 1) / (-step)
}

func inferGather(c *inferCtx, n *Node, out []vtype) error {
	x, idx := inShape(n, 0), inShape(n, 1)
	if len(out) == 0 || !x.Ranked || !idx.Ranked {
		return nil
	}
	if len(x.Dims) == 0 {
		return inferErr(n, "cannot gather from a scalar")
	}
	axis, err := normAxis(n, n.AttrInt("axis", 0), len(x.Dims))
	if err != nil {
		return err
	}
	dims := append(append(append([]Dim{}, x.Dims[:axis]...), idx.Dims...), x.Dims[axis+1:]...)
	out[0].Shape = ranked(dims...)
	vals, ok1 := c.dimsOf(n.Input(0))
	ids, ok2 := c.constInts(n, 1)
	if ok1 && ok2 && len(x.Dims) == 1 && len(idx.Dims) <= 1 {
		var picked []Dim
		for _, i := range ids {
			if i < 0 {
				i += int64(len(vals))
			}
			if i < 0 || i >= int64(len(vals)) {
				return inferErr(n, "index %d is out of range for shape %v", i, x)
			}
			picked = append(picked, vals[i])
		}
		c.track(n.Outputs[0], picked)
	}
	return nil
}

// indicesShape gives output 0 the shape of input 1 (GatherElements).
func indicesShape(_ *inferCtx, n *Node, out []vtype) error {
	if len(out) > 0 {
		out[0].Shape = inShape(n, 1)
	}
	return nil
}

func inferGatherND(_ *inferCtx, n *Node, out []vtype) error {
	x, idx := inShape(n, 0), inShape(n, 1)
	if len(out) == 0 || !x.Ranked || !idx.Ranked || len(idx.Dims) == 0 {
		return nil
	}
	b := int(n.AttrInt("batch_dims", 0))
	last := idx.Dims[len(idx.Dims)-1]
	if !last.Known() {
		return nil
	}
	if b < 0 || b+int(last.Size) > len(x.Dims) || b >= len(idx.Dims) {
		return inferErr(n, "indices shape %v does not fit data shape %v", idx, x)
	}
	dims := append(append([]Dim{}, idx.Dims[:len(idx.Dims)-1]...), x.Dims[b+int(last.Size):]...)
	out[0].Shape = ranked(dims...)
	return nil
}

// targetShape returns the shape held by input i (Expand, ConstantOfShape).
func (c *inferCtx) targetShape(n *Node, i int) (Shape, bool) {
	if d, ok := c.dimsOf(n.Input(i)); ok {
		return shapeFromDims(d), true
	}
	if s := inShape(n, i); s.Ranked && len(s.Dims) == 1 && s.Dims[0].Known() && s.Dims[0].Size <= maxTrackedElems {
		return unknownDims(int(s.Dims[0].Size)), true
	}
	return UnrankedShape, false
}

func inferExpand(c *inferCtx, n *Node, out []vtype) error {
	t, ok := c.targetShape(n, 1)
	if len(out) == 0 || !ok {
		return nil
	}
	// A target dim that is not known may be 1 (keeping the input's dim).
	x := inShape(n, 0)
	if x.Ranked {
		off := len(t.Dims) - len(x.Dims)
		for i := range t.Dims {
			if j := i - off; j >= 0 && t.Dims[i] == UnknownDim && x.Dims[j].Known() && x.Dims[j].Size != 1 {
				t.Dims[i] = x.Dims[j]
			}
		}
	}
	s, err := broadcastShapes(n, x, t)
	out[0].Shape = s
	return err
}

func inferShapeOp(c *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if len(out) == 0 {
		return nil
	}
	if !x.Ranked {
		out[0].Shape = unknownDims(1)
		return nil
	}
	r := int64(len(x.Dims))
	start, end := n.AttrInt("start", 0), n.AttrInt("end", r)
	if start < 0 {
		start += r
	}
	if end < 0 {
		end += r
	}
	start, end = min(max(start, 0), r), min(max(end, 0), r)
	end = max(end, start)
	out[0].Shape = ranked(Fixed(end - start))
	vals := make([]Dim, 0, end-start)
	for _, d := range x.Dims[start:end] {
		vals = append(vals, dimValue(d))
	}
	c.track(n.Outputs[0], vals)
	return nil
}

func inferSize(c *inferCtx, n *Node, out []vtype) error {
	if len(out) == 0 {
		return nil
	}
	out[0].Shape = ranked()
	if x := inShape(n, 0); x.Static() {
		if k, err := NumElements(x.Sizes()); err == nil {
			c.track(n.Outputs[0], []Dim{Fixed(k)})
		}
	}
	return nil
}

func inferConstantOfShape(c *inferCtx, n *Node, out []vtype) error {
	if len(out) == 0 {
		return nil
	}
	out[0].DType = Float32
	if a := n.Attr("value"); a != nil && a.Tensor != nil {
		out[0].DType = a.Tensor.DType
	}
	if t, ok := c.targetShape(n, 0); ok {
		out[0].Shape = t
	}
	return nil
}

// inferRange computes the length from constant start, limit and delta;
// 0 to a symbolic limit by 1 has the symbol's length.
func inferRange(c *inferCtx, n *Node, out []vtype) error {
	if len(out) == 0 {
		return nil
	}
	out[0].Shape = unknownDims(1)
	start, ok0 := c.dimsOf(n.Input(0))
	limit, ok1 := c.dimsOf(n.Input(1))
	delta, ok2 := c.dimsOf(n.Input(2))
	if ok0 && ok1 && ok2 && len(start) == 1 && len(limit) == 1 && len(delta) == 1 &&
		start[0] == (Dim{}) && delta[0] == (Dim{Size: 1}) && limit[0].Param != "" {
		out[0].Shape = shapeFromDims(limit)
		return nil
	}
	var v [3]float64
	for i := range v {
		in := n.Input(i)
		if in == nil || in.Const == nil || in.Const.Check() != nil || in.Const.Len() != 1 {
			return nil
		}
		v[i] = in.Const.Float64s()[0]
	}
	if v[2] == 0 {
		return inferErr(n, "delta is 0")
	}
	k := math.Ceil((v[1] - v[0]) / v[2])
	if math.IsNaN(k) || k > float64(MaxElements) {
		return inferErr(n, "range (%v, %v, %v) has too many elements", v[0], v[1], v[2])
	}
	out[0].Shape = ranked(Fixed(int64(max(k, 0))))
	return nil
}

func inferTile(c *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if len(out) == 0 || !x.Ranked {
		return nil
	}
	reps, ok := c.constInts(n, 1)
	if !ok {
		out[0].Shape = unknownDims(len(x.Dims))
		return nil
	}
	if len(reps) != len(x.Dims) {
		return inferErr(n, "repeats %v do not match input shape %v", reps, x)
	}
	s := ranked(x.Dims...)
	for i, r := range reps {
		if r < 0 {
			return inferErr(n, "negative repeat in %v", reps)
		}
		s.Dims[i] = mulDims(s.Dims[i], Fixed(r))
	}
	out[0].Shape = s
	return nil
}

func inferPad(c *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if len(out) == 0 || !x.Ranked {
		return nil
	}
	r := len(x.Dims)
	name := "pads"
	if n.Version < 2 {
		name = "paddings"
	}
	pads, _, ok := c.attrOrInputInts(n, name, 11, 1)
	if !ok {
		out[0].Shape = unknownDims(r)
		return nil
	}
	axes := make([]int64, r)
	for i := range axes {
		axes[i] = int64(i)
	}
	if n.Version >= 18 && n.Input(3) != nil {
		if axes, ok = c.constInts(n, 3); !ok {
			out[0].Shape = unknownDims(r)
			return nil
		}
	}
	if len(pads) != 2*len(axes) {
		return inferErr(n, "pads %v do not match %d axes of input shape %v", pads, len(axes), x)
	}
	s := ranked(x.Dims...)
	for i, a := range axes {
		ax, err := normAxis(n, a, r)
		if err != nil {
			return err
		}
		d := addDims(s.Dims[ax], Fixed(pads[i]+pads[i+len(axes)]))
		if d.Known() && d.Size < 0 {
			return inferErr(n, "pads %v make dim %d of shape %v negative", pads, ax, x)
		}
		if pads[i] == 0 && pads[i+len(axes)] == 0 {
			d = s.Dims[ax]
		}
		s.Dims[ax] = d
	}
	out[0].Shape = s
	return nil
}

// inferDepthSpace handles DepthToSpace (toSpace) and SpaceToDepth.
func inferDepthSpace(toSpace bool) inferFunc {
	return func(_ *inferCtx, n *Node, out []vtype) error {
		x := inShape(n, 0)
		if len(out) == 0 || !x.Ranked {
			return nil
		}
		if len(x.Dims) != 4 {
			return inferErr(n, "input shape %v is not 4-D", x)
		}
		b := n.AttrInt("blocksize", 0)
		if b <= 0 {
			return inferErr(n, "blocksize %d must be positive", b)
		}
		s := ranked(x.Dims...)
		bb := Fixed(b * b)
		if toSpace {
			s.Dims[1] = divDim(x.Dims[1], b*b)
			s.Dims[2], s.Dims[3] = mulDims(x.Dims[2], Fixed(b)), mulDims(x.Dims[3], Fixed(b))
		} else {
			s.Dims[1] = mulDims(x.Dims[1], bb)
			s.Dims[2], s.Dims[3] = divDim(x.Dims[2], b), divDim(x.Dims[3], b)
		}
		out[0].Shape = s
		return nil
	}
}

// divDim returns d/k when d is known and divisible, else unknown.
func divDim(d Dim, k int64) Dim {
	if d.Known() && k > 0 && d.Size%k == 0 {
		return Fixed(d.Size / k)
	}
	return UnknownDim
}

func inferOneHot(c *inferCtx, n *Node, out []vtype) error {
	idx := inShape(n, 0)
	if len(out) == 0 || !idx.Ranked {
		return nil
	}
	r := len(idx.Dims) + 1
	axis, err := normAxis(n, n.AttrInt("axis", -1), r)
	if err != nil {
		return err
	}
	depth := UnknownDim
	if in := n.Input(1); in != nil && in.Const != nil && in.Const.Check() == nil && in.Const.Len() == 1 {
		if k := int64(in.Const.Float64s()[0]); k >= 0 {
			depth = Fixed(k)
		}
	}
	dims := append(append(append([]Dim{}, idx.Dims[:axis]...), depth), idx.Dims[axis:]...)
	out[0].Shape = ranked(dims...)
	return nil
}

func inferNonZero(_ *inferCtx, n *Node, out []vtype) error {
	if x := inShape(n, 0); len(out) > 0 && x.Ranked {
		out[0].Shape = ranked(Fixed(int64(len(x.Dims))), UnknownDim)
	}
	return nil
}

// inferConstant handles a Constant node the importer did not fold.
func inferConstant(c *inferCtx, n *Node, out []vtype) error {
	if len(out) == 0 {
		return nil
	}
	for name, a := range n.Attrs {
		if a == nil {
			continue
		}
		switch name {
		case "value":
			if a.Tensor != nil && a.Tensor.Check() == nil {
				out[0].DType, out[0].Shape = a.Tensor.DType, ShapeOf(a.Tensor.Shape...)
				if d, ok := c.dimsOf(&Value{Const: a.Tensor}); ok {
					c.track(n.Outputs[0], d)
				}
			}
		case "value_float":
			out[0].DType, out[0].Shape = Float32, ranked()
		case "value_int":
			out[0].DType, out[0].Shape = Int64, ranked()
			c.track(n.Outputs[0], []Dim{{Size: a.Int}})
		case "value_string":
			out[0].DType, out[0].Shape = String, ranked()
		case "value_floats":
			out[0].DType, out[0].Shape = Float32, ShapeOf(int64(len(a.Floats)))
		case "value_ints":
			out[0].DType, out[0].Shape = Int64, ShapeOf(int64(len(a.Ints)))
			vals := make([]Dim, len(a.Ints))
			for i, x := range a.Ints {
				vals[i] = Dim{Size: x}
			}
			c.track(n.Outputs[0], vals)
		case "value_strings":
			out[0].DType, out[0].Shape = String, ShapeOf(int64(len(a.Strings)))
		}
	}
	return nil
}

// inferWindow handles the window generators (BlackmanWindow and the like):
// a 1-D output of the constant size, in output_datatype.
func inferWindow(c *inferCtx, n *Node, out []vtype) error {
	if len(out) == 0 {
		return nil
	}
	dt, err := dtypeAttr(n, "output_datatype", Float32)
	if err != nil {
		return err
	}
	out[0].DType, out[0].Shape = dt, unknownDims(1)
	if size, ok := c.constInts(n, 0); ok && len(size) == 1 && size[0] >= 0 {
		out[0].Shape = ranked(Fixed(size[0]))
	}
	return nil
}

// inferRandom handles RandomNormal and RandomUniform: the shape and dtype
// attributes.
func inferRandom(_ *inferCtx, n *Node, out []vtype) error {
	if len(out) == 0 {
		return nil
	}
	dt, err := dtypeAttr(n, "dtype", Float32)
	if err != nil {
		return err
	}
	out[0].DType = dt
	if s, ok := n.AttrInts("shape"); ok {
		for _, d := range s {
			if d < 0 {
				return inferErr(n, "shape %v has a negative dim", s)
			}
		}
		out[0].Shape = ShapeOf(s...)
	}
	return nil
}

// inferResize covers Resize and Upsample: sizes (with the "stretch"
// policy) or scales, constant, over all axes or the axes attribute.
func inferResize(c *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if len(out) == 0 || !x.Ranked {
		return nil
	}
	r := len(x.Dims)
	axes := make([]int64, r)
	for i := range axes {
		axes[i] = int64(i)
	}
	if a, ok := n.AttrInts("axes"); ok {
		axes = a
	}
	norm := make([]int, len(axes))
	for i, a := range axes {
		ax, err := normAxis(n, a, r)
		if err != nil {
			return err
		}
		norm[i] = ax
	}
	s := ranked(x.Dims...)
	for _, ax := range norm {
		s.Dims[ax] = UnknownDim
	}
	scales, sizes := resizeInputs(c, n)
	switch {
	case sizes != nil && len(sizes) != len(norm), scales != nil && len(scales) != len(norm):
		return inferErr(n, "scales %v or sizes %v do not match the %d resized axes of shape %v", scales, sizes, len(norm), x)
	case sizes != nil && n.AttrString("keep_aspect_ratio_policy", "stretch") == "stretch":
		for i, ax := range norm {
			if sizes[i] < 0 {
				return inferErr(n, "negative size in %v", sizes)
			}
			s.Dims[ax] = Fixed(sizes[i])
		}
	case scales != nil && n.AttrString("coordinate_transformation_mode", "") != "tf_crop_and_resize":
		for i, ax := range norm {
			s.Dims[ax] = scaleDim(x.Dims[ax], scales[i])
		}
	}
	out[0].Shape = s
	return nil
}

// resizeInputs returns the constant scales and sizes of a Resize or
// Upsample node (nil when absent, empty or not constant).
func resizeInputs(c *inferCtx, n *Node) (scales []float64, sizes []int64) {
	switch {
	case n.Op == "Upsample" && n.Version < 9:
		f, _ := n.AttrFloats("scales")
		for _, v := range f {
			scales = append(scales, float64(v))
		}
		return scales, nil
	case n.Op == "Upsample" || n.Version < 11:
		return constFloats(n.Input(1)), nil
	}
	if sizes, _ = c.constInts(n, 3); len(sizes) == 0 {
		sizes = nil
	}
	return constFloats(n.Input(2)), sizes
}

// constFloats returns the elements of a small constant input (nil when
// absent, empty or not constant).
func constFloats(v *Value) []float64 {
	if v == nil || v.Const == nil || v.Const.Check() != nil || v.Const.Len() == 0 || v.Const.Len() > maxTrackedElems {
		return nil
	}
	return v.Const.Float64s()
}

// scaleDim is floor(d * scale); a scale of 1 keeps a symbolic dim.
func scaleDim(d Dim, scale float64) Dim {
	switch {
	case scale == 1:
		return d
	case !d.Known() || !(scale > 0) || float64(d.Size)*scale > float64(MaxElements):
		return UnknownDim
	}
	return Fixed(int64(math.Floor(float64(d.Size) * scale)))
}
