package misc

import (
	"math"
	"reflect"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// binarizer maps every element above threshold to 1 and the others to 0.
func binarizer(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	if !x.DType.IsFloat() && !x.DType.IsSigned() {
		return nil, ctx.Errorf("unsupported dtype %v", x.DType)
	}
	th := float64(ctx.Node.AttrFloat("threshold", 0))
	v := x.Float64s()
	out := make([]float64, len(v))
	for i, e := range v {
		if e > th {
			out[i] = 1
		}
	}
	return ir.FromFloat64s(x.DType, x.Shape, out)
}

// arrayFeatureExtractor gathers the given indices of X's last axis; a 1-D
// X counts as one row.
func arrayFeatureExtractor(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, idx := in[0], in[1].Int64s()
	if x.Rank() == 0 {
		return nil, ctx.Errorf("X must have rank 1 or more")
	}
	n := x.Shape[x.Rank()-1]
	for _, i := range idx {
		if i < 0 || i >= n {
			return nil, ctx.Errorf("index %d out of range [0, %d)", i, n)
		}
	}
	shape := append(append([]int64{}, x.Shape[:x.Rank()-1]...), int64(len(idx)))
	if x.Rank() == 1 {
		shape = []int64{1, int64(len(idx))}
	}
	rows := int(kernel.Product(x.Shape, 0, x.Rank()-1))
	src := make([]int, 0, rows*len(idx))
	for r := 0; r < rows; r++ {
		for _, i := range idx {
			src = append(src, r*int(n)+int(i))
		}
	}
	return kernel.Take(x, shape, src)
}

// attrTensor returns the ai.onnx.ml list attribute prefix+"_strings",
// "_int64s", "_floats" or "_tensor" as a 1-D tensor, or nil when none is set.
func attrTensor(n *ir.Node, prefix string) *ir.Tensor {
	vec := func(dt ir.DType, data any, l int) *ir.Tensor {
		return &ir.Tensor{DType: dt, Shape: []int64{int64(l)}, Data: data}
	}
	if a := n.Attr(prefix + "_tensor"); a != nil && a.Tensor != nil {
		return a.Tensor
	}
	if a := n.Attr(prefix + "_strings"); a != nil {
		return vec(ir.String, a.Strings, len(a.Strings))
	}
	if a := n.Attr(prefix + "_int64s"); a != nil {
		return vec(ir.Int64, a.Ints, len(a.Ints))
	}
	if a := n.Attr(prefix + "_floats"); a != nil {
		return vec(ir.Float32, a.Floats, len(a.Floats))
	}
	return nil
}

// lookupKey returns element i of t as a comparable map key: strings as
// themselves, floats as float64 (all NaNs alike), integers as int64.
func lookupKey(t *ir.Tensor, i int) any {
	switch {
	case t.DType == ir.String:
		return t.Data.([]string)[i]
	case t.DType.IsFloat():
		v := t.Float64s()[i]
		if math.IsNaN(v) {
			return "NaN"
		}
		return v
	}
	return t.Int64s()[i]
}

// labelEncoder maps every element of X found among the keys to the value
// at the key's position, and the others to the default.
func labelEncoder(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x, node := in[0], ctx.Node
	keys, values := attrTensor(node, "keys"), attrTensor(node, "values")
	if keys == nil || values == nil || keys.Len() != values.Len() {
		return nil, ctx.Errorf("needs keys and values of equal length")
	}
	// The default goes after the values, at index values.Len().
	def, err := ir.NewTensor(values.DType, []int64{1})
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	switch a := node.Attr("default_tensor"); {
	case a != nil && a.Tensor != nil && a.Tensor.Len() == 1:
		def = a.Tensor
	case values.DType == ir.String:
		def.Data = []string{node.AttrString("default_string", "_Unused")}
	case values.DType == ir.Int64:
		def.Data = []int64{node.AttrInt("default_int64", -1)}
	case values.DType == ir.Float32:
		def.Data = []float32{node.AttrFloat("default_float", float32(math.Copysign(0, -1)))}
	}
	table := reflect.AppendSlice(reflect.ValueOf(values.Data), reflect.ValueOf(def.Data)).Interface()
	all := &ir.Tensor{DType: values.DType, Shape: []int64{int64(values.Len() + 1)}, Data: table}
	pos := map[any]int{}
	for i := keys.Len() - 1; i >= 0; i-- {
		pos[lookupKey(keys, i)] = i
	}
	src := make([]int, x.Len())
	for i := range src {
		p, ok := pos[lookupKey(x, i)]
		if !ok {
			p = values.Len()
		}
		src[i] = p
	}
	return kernel.Take(all, x.Shape, src)
}
