package ir

import (
	"fmt"
	"sort"
)

// maxTrackedElems bounds the integer tensors whose contents inference
// tracks (shape vectors and the like).
const maxTrackedElems = 64

// inferErr formats an error naming the node.
func inferErr(n *Node, format string, args ...any) error {
	return fmt.Errorf("%s: %s", n.Describe(), fmt.Sprintf(format, args...))
}

// inShape returns the shape of input i (unranked when absent).
func inShape(n *Node, i int) Shape {
	if v := n.Input(i); v != nil {
		return v.Shape
	}
	return UnrankedShape
}

// inDType returns the dtype of input i (Undefined when absent).
func inDType(n *Node, i int) DType {
	if v := n.Input(i); v != nil {
		return v.DType
	}
	return Undefined
}

// ranked returns a ranked shape with the given dims (copied).
func ranked(dims ...Dim) Shape {
	return Shape{Ranked: true, Dims: append([]Dim{}, dims...)}
}

// unknownDims returns a ranked shape of r unknown dims.
func unknownDims(r int) Shape {
	s := Shape{Ranked: true, Dims: make([]Dim, r)}
	for i := range s.Dims {
		s.Dims[i] = UnknownDim
	}
	return s
}

// normAxis maps a possibly negative axis into [0, rank).
func normAxis(n *Node, axis int64, rank int) (int, error) {
	if axis < -int64(rank) || axis >= int64(rank) {
		return 0, inferErr(n, "axis %d is out of range for rank %d", axis, rank)
	}
	if axis < 0 {
		axis += int64(rank)
	}
	return int(axis), nil
}

// normAxes normalizes a list of axes, rejecting repeats.
func normAxes(n *Node, axes []int64, rank int) ([]int, error) {
	out := make([]int, len(axes))
	seen := map[int]bool{}
	for i, a := range axes {
		ax, err := normAxis(n, a, rank)
		if err != nil {
			return nil, err
		}
		if seen[ax] {
			return nil, inferErr(n, "axis %d repeats in %v", a, axes)
		}
		seen[ax] = true
		out[i] = ax
	}
	sort.Ints(out)
	return out, nil
}

// broadcastDims combines two dims under multidirectional broadcasting:
// 1 gives way, a known size wins over an unknown one (which must be 1 or
// equal), and two different unknowns make an unknown.
func broadcastDims(a, b Dim) (Dim, bool) {
	switch {
	case a.Known() && a.Size == 1:
		return b, true
	case b.Known() && b.Size == 1:
		return a, true
	case !a.Known() && !b.Known() && a != b:
		return UnknownDim, true
	}
	return mergeDims(a, b)
}

// mergeDims combines two dims that must be equal (Concat's other axes):
// the known or else the symbolic one; false when two known sizes differ.
func mergeDims(a, b Dim) (Dim, bool) {
	switch {
	case a == b:
		return a, true
	case a.Known() && b.Known():
		return Dim{}, false
	case a.Known():
		return a, true
	case b.Known():
		return b, true
	case a.Param != "":
		return a, true
	}
	return b, true
}

// dtypeAttr reads an element-type attribute (def when absent).
func dtypeAttr(n *Node, name string, def DType) (DType, error) {
	dt := DType(n.AttrInt(name, int64(def)))
	if !dt.Valid() {
		return Undefined, inferErr(n, "attribute %s=%d is not a known element type", name, int64(dt))
	}
	return dt, nil
}

// input0 returns the shape of input 0 when there is an output to infer
// and its rank is known (ok false otherwise); a rank below minRank is an
// error saying what the input lacks.
func input0(n *Node, out []vtype, minRank int, lacks string) (Shape, bool, error) {
	x := inShape(n, 0)
	if len(out) == 0 || !x.Ranked {
		return x, false, nil
	}
	if len(x.Dims) < minRank {
		return x, false, inferErr(n, "input shape %v has no %s", x, lacks)
	}
	return x, true, nil
}

// broadcastShapes applies numpy-style broadcasting to all given shapes;
// the result is unranked when any is.
func broadcastShapes(n *Node, shapes ...Shape) (Shape, error) {
	rank := 0
	for _, s := range shapes {
		if !s.Ranked {
			return UnrankedShape, nil
		}
		rank = max(rank, len(s.Dims))
	}
	out := Shape{Ranked: true, Dims: make([]Dim, rank)}
	for i := range out.Dims {
		out.Dims[i] = Fixed(1)
	}
	for _, s := range shapes {
		off := rank - len(s.Dims)
		for i, d := range s.Dims {
			m, ok := broadcastDims(out.Dims[off+i], d)
			if !ok {
				return UnrankedShape, inferErr(n, "shapes %s cannot be broadcast", shapeList(shapes))
			}
			out.Dims[off+i] = m
		}
	}
	return out, nil
}

// shapeList prints shapes as "[2,3] and [4]".
func shapeList(shapes []Shape) string {
	s := ""
	for i, sh := range shapes {
		switch {
		case i == 0:
		case i == len(shapes)-1:
			s += " and "
		default:
			s += ", "
		}
		s += sh.String()
	}
	return s
}

// addDims returns a+b when both are known, else unknown.
func addDims(a, b Dim) Dim {
	if a.Known() && b.Known() {
		return Fixed(a.Size + b.Size)
	}
	return UnknownDim
}

// mulDims returns a*b when both are known (or either is a known 0), else unknown.
func mulDims(a, b Dim) Dim {
	switch {
	case a.Known() && a.Size == 0, b.Known() && b.Size == 0:
		return Fixed(0)
	case a.Known() && a.Size == 1:
		return b
	case b.Known() && b.Size == 1:
		return a
	case a.Known() && b.Known():
		if _, err := NumElements([]int64{a.Size, b.Size}); err != nil {
			return UnknownDim
		}
		return Fixed(a.Size * b.Size)
	}
	return UnknownDim
}

// constInts returns the contents of an integer input known at compile time.
func (c *inferCtx) constInts(n *Node, i int) ([]int64, bool) {
	dims, ok := c.dimsOf(n.Input(i))
	if !ok {
		return nil, false
	}
	out := make([]int64, len(dims))
	for j, d := range dims {
		if d.Param != "" {
			return nil, false
		}
		out[j] = d.Size
	}
	return out, true
}

// dimsOf returns the contents of a small integer value as dims: from its
// constant data or from what inference tracked (symbolic dims of shapes).
func (c *inferCtx) dimsOf(v *Value) ([]Dim, bool) {
	if v == nil {
		return nil, false
	}
	if d, ok := c.vals[v]; ok {
		return d, true
	}
	t := v.Const
	if t == nil || !t.DType.IsInt() || len(t.Shape) > 1 || t.Len() > maxTrackedElems || t.Check() != nil {
		return nil, false
	}
	ints := t.Int64s()
	out := make([]Dim, len(ints))
	for i, x := range ints {
		out[i] = Dim{Size: x}
	}
	return out, true
}

// track records the contents of an integer output (rank ≤ 1) as dims.
func (c *inferCtx) track(v *Value, dims []Dim) {
	if v != nil && c.vals != nil && len(dims) <= maxTrackedElems {
		c.vals[v] = dims
	}
}

// attrOrInputInts returns a list given as attribute name before version
// inputSince and as input slot i from then on; ok is false when it is
// absent or (as an input) not known at compile time, present reports
// whether it was given at all.
func (c *inferCtx) attrOrInputInts(n *Node, name string, inputSince int64, i int) (vals []int64, present, ok bool) {
	if n.Version < inputSince {
		v, has := n.AttrInts(name)
		return v, has, has
	}
	if n.Input(i) == nil {
		return nil, false, false
	}
	v, ok := c.constInts(n, i)
	return v, true, ok
}

// unknownVal marks an element of tracked integer contents whose value is
// not known. In tracked contents a Dim with Param "" is the literal integer
// Size (negative values included) and any other Param names a symbolic dim.
var unknownVal = Dim{Size: -1, Param: "\x00"}

// valueDim turns one element of tracked contents into a shape dim:
// literal sizes and symbols stay, anything else becomes unknown.
func valueDim(d Dim) Dim {
	if d == unknownVal || (d.Param == "" && d.Size < 0) {
		return UnknownDim
	}
	return d
}

// shapeFromDims turns tracked shape contents into a shape.
func shapeFromDims(dims []Dim) Shape {
	s := ranked(dims...)
	for i, d := range s.Dims {
		s.Dims[i] = valueDim(d)
	}
	return s
}

// dimValue turns a shape dim into an element of tracked contents.
func dimValue(d Dim) Dim {
	if d.Param == "" && d.Size < 0 {
		return unknownVal
	}
	return d
}

// sortedAttrNames returns n's attribute names in order.
func sortedAttrNames(n *Node) []string {
	names := make([]string, 0, len(n.Attrs))
	for k := range n.Attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
