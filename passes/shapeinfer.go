package passes

import (
	"fmt"

	"github.com/tfc-project/tfc/ir"
)

// maxShapeElems bounds the integer tensors the shape analysis follows.
const maxShapeElems = 16

// shapeElem is one element of a small integer tensor computed from shapes:
// a known integer, or dimension axis of value src (unknown size).
type shapeElem struct {
	known bool
	val   int64
	src   *ir.Value
	axis  int
}

// shapeVal is the tracked content of a rank-0 or rank-1 integer value.
type shapeVal struct {
	scalar bool
	elems  []shapeElem
}

// foldShapeArithmetic runs shape inference, then follows Shape → Gather →
// Unsqueeze → Concat chains: a chain whose elements are all known becomes a
// constant, and the shape input of a Reshape whose unknown elements copy
// the data's own dimensions at the same position becomes a constant with 0
// there (Reshape's "copy this dim"), so head split/merge Reshapes read
// constant shapes and the chains feeding them die.
func foldShapeArithmetic(g *ir.Graph, c Counters) error {
	if err := ir.InferShapes(g); err != nil {
		c.Add("shape inference errors", 1)
	}
	folded := 0
	addConst := func(sg *ir.Graph, name string, t *ir.Tensor) *ir.Value {
		folded++
		v := &ir.Value{Name: fmt.Sprintf("%s_%d", name, folded), DType: t.DType, Shape: ir.ShapeOf(t.Shape...), Const: t}
		sg.Initializers = append(sg.Initializers, v)
		return v
	}
	forEachGraph(g, func(sg *ir.Graph) {
		vals := map[*ir.Value]*shapeVal{}
		for _, n := range sg.Nodes {
			for _, o := range n.Outputs {
				if sv := trackShapeValue(n, o, vals); sv != nil {
					vals[o] = sv
				}
			}
			for i, in := range n.Inputs {
				if in == nil || in.Producer == nil {
					continue
				}
				sv := vals[in]
				if sv == nil {
					continue
				}
				if k := constOf(sv); k != nil {
					n.Inputs[i] = addConst(sg, in.Name+"_folded", k)
					c.Add("folded shape values", 1)
				} else if n.Op == "Reshape" && i == 1 && n.AttrInt("allowzero", 0) == 0 {
					if k := reshapeTarget(sv, n.Inputs[0]); k != nil {
						n.Inputs[i] = addConst(sg, in.Name+"_folded", k)
						c.Add("simplified Reshape shapes", 1)
					}
				}
			}
		}
	})
	return nil
}

// constOf returns sv as a constant tensor when every element is known.
func constOf(sv *shapeVal) *ir.Tensor {
	vals := make([]int64, len(sv.elems))
	for i, e := range sv.elems {
		if !e.known {
			return nil
		}
		vals[i] = e.val
	}
	return shapeTensor(sv, vals)
}

func shapeTensor(sv *shapeVal, vals []int64) *ir.Tensor {
	shape := []int64{int64(len(vals))}
	if sv.scalar {
		shape = nil
	}
	t, err := ir.FromInt64s(ir.Int64, shape, vals)
	if err != nil {
		return nil
	}
	return t
}

// reshapeTarget returns the constant target shape for Reshape(data, sv)
// when each unknown element is data's own dimension at that position.
func reshapeTarget(sv *shapeVal, data *ir.Value) *ir.Tensor {
	if sv.scalar || data == nil {
		return nil
	}
	vals := make([]int64, len(sv.elems))
	for i, e := range sv.elems {
		switch {
		case e.known:
			vals[i] = e.val
		case sameDim(e, data, i):
			vals[i] = 0
		default:
			return nil
		}
	}
	return shapeTensor(sv, vals)
}

// sameDim reports whether element e is certainly dimension i of v.
func sameDim(e shapeElem, v *ir.Value, i int) bool {
	if e.src == v && e.axis == i {
		return true
	}
	if i >= v.Shape.Rank() || e.axis >= e.src.Shape.Rank() {
		return false
	}
	a, b := v.Shape.Dims[i], e.src.Shape.Dims[e.axis]
	return a.Param != "" && a.Param == b.Param
}

// trackShapeValue computes the content of output o of n from the tracked
// contents of its inputs, or returns nil.
func trackShapeValue(n *ir.Node, o *ir.Value, vals map[*ir.Value]*shapeVal) *shapeVal {
	if n.Domain != "" || o != n.Outputs[0] {
		return nil
	}
	in := func(i int) *shapeVal {
		v := n.Input(i)
		if v == nil {
			return nil
		}
		if sv := vals[v]; sv != nil {
			return sv
		}
		return constShapeVal(v)
	}
	switch n.Op {
	case "Shape":
		return shapeOfValue(n)
	case "Gather":
		data, idx := in(0), in(1)
		if data == nil || data.scalar || idx == nil || n.AttrInt("axis", 0) != 0 {
			return nil
		}
		out := &shapeVal{scalar: idx.scalar}
		for _, e := range idx.elems {
			if !e.known {
				return nil
			}
			k := e.val
			if k < 0 {
				k += int64(len(data.elems))
			}
			if k < 0 || k >= int64(len(data.elems)) {
				return nil
			}
			out.elems = append(out.elems, data.elems[k])
		}
		return out
	case "Unsqueeze", "Squeeze", "Identity", "Cast":
		x := in(0)
		if x == nil || (n.Op == "Cast" && o.DType != ir.Int64) || (n.Op == "Cast" && n.Inputs[0].DType != ir.Int64) {
			return nil
		}
		out := &shapeVal{elems: x.elems, scalar: x.scalar}
		switch n.Op {
		case "Unsqueeze":
			if !x.scalar {
				return nil
			}
			out.scalar = false
		case "Squeeze":
			if x.scalar || len(x.elems) != 1 {
				return nil
			}
			out.scalar = true
		}
		return out
	case "Concat":
		out := &shapeVal{}
		for i := range n.Inputs {
			x := in(i)
			if x == nil || x.scalar {
				return nil
			}
			out.elems = append(out.elems, x.elems...)
		}
		if len(out.elems) > maxShapeElems {
			return nil
		}
		return out
	}
	return nil
}

// constShapeVal tracks a small integer constant.
func constShapeVal(v *ir.Value) *shapeVal {
	t := v.Const
	if t == nil || t.DType != ir.Int64 || len(t.Shape) > 1 || t.Len() > maxShapeElems {
		return nil
	}
	sv := &shapeVal{scalar: len(t.Shape) == 0}
	for _, x := range t.Int64s() {
		sv.elems = append(sv.elems, shapeElem{known: true, val: x})
	}
	return sv
}

// shapeOfValue tracks Shape(x) (with its start/end attributes) when x's
// rank is known.
func shapeOfValue(n *ir.Node) *shapeVal {
	x := n.Input(0)
	if x == nil || x.Shape.Rank() < 0 {
		return nil
	}
	r := x.Shape.Rank()
	clamp := func(k int64) int {
		if k < 0 {
			k += int64(r)
		}
		return int(min(max(k, 0), int64(r)))
	}
	start, end := clamp(n.AttrInt("start", 0)), clamp(n.AttrInt("end", int64(r)))
	sv := &shapeVal{}
	for i := start; i < end; i++ {
		d := x.Shape.Dims[i]
		if d.Known() {
			sv.elems = append(sv.elems, shapeElem{known: true, val: d.Size})
		} else {
			sv.elems = append(sv.elems, shapeElem{src: x, axis: i})
		}
	}
	return sv
}
