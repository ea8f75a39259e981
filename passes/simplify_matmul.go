package passes

import (
	"reflect"
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// simplifyMatMul folds the Transposes around matrix products into the
// products, exactly (only the order in which elements are read changes):
//
//   - Gemm(A, Transpose(B)) of a 2-D Transpose toggles transB and reads B
//     directly;
//   - a Gemm with transB=1 and a constant B reads the transposed constant
//     with transB=0 instead, the form tfc's Linear takes (its W is never
//     transposed), so the Gemm→Linear fusion applies;
//   - MatMul(A, Transpose(B)) whose Transpose swaps the last two axes reads
//     the transposed constant when B is constant, and otherwise becomes
//     Gemm(A, B, transB=1) when A and B are float matrices.
//
// A Transpose of A stays: the CPU plan's Gemm kernel reads B transposed
// but not A, so transA=1 would trade a cheap Transpose for the reference
// Gemm. A Transpose other nodes still read stays for them; dead ones go in
// the next dce.
func simplifyMatMul(g *ir.Graph, c Counters) error {
	nm := newValueNamer(g)
	forEachGraph(g, func(sg *ir.Graph) {
		transposed := map[*ir.Value]*ir.Value{} // constant → its transposed copy in sg
		for i, n := range sg.Nodes {
			if n.Domain != "" || len(n.Inputs) < 2 || n.Inputs[0] == nil || n.Inputs[1] == nil {
				continue
			}
			switch n.Op {
			case "Gemm":
				if x := transposedMatrix(n.Inputs[1]); x != nil {
					n.Inputs[1] = x
					setAttr(n, "transB", intAttr(1-n.AttrInt("transB", 0)))
					c.Add("folded Transpose into Gemm", 1)
				}
				if b := n.Inputs[1]; n.AttrInt("transB", 0) == 1 && b.Const != nil && b.Const.Rank() == 2 {
					if bt := transposeConst(nm, sg, b, transposed); bt != nil {
						n.Inputs[1] = bt
						delete(n.Attrs, "transB")
						c.Add("transposed Gemm weights", 1)
					}
				}
			case "MatMul":
				matMulTranspose(nm, sg, i, n, transposed, sinceVersion(g, "Gemm"), c)
			}
		}
	})
	return nil
}

// matMulTranspose applies the MatMul rewrites to sg.Nodes[i] = n; version
// is Gemm's under the model's opset (0: none).
func matMulTranspose(nm *valueNamer, sg *ir.Graph, i int, n *ir.Node, transposed map[*ir.Value]*ir.Value, version int64, c Counters) {
	a, b := n.Inputs[0], n.Inputs[1]
	if p := b.Producer; p != nil && p.Domain == "" && p.Op == "Transpose" && swapsLastTwo(p) && p.Inputs[0].Const != nil {
		if bt := transposeConst(nm, sg, p.Inputs[0], transposed); bt != nil {
			n.Inputs[1] = bt
			c.Add("transposed MatMul weights", 1)
			return
		}
	}
	tb := transposedMatrix(b)
	if tb == nil || version == 0 || !isMatrix(a) || !gemmType(a.DType) {
		return
	}
	gemm := &ir.Node{Name: n.Name, Op: "Gemm", Version: version, Inputs: []*ir.Value{a, tb}, Outputs: n.Outputs,
		Attrs: map[string]*ir.Attr{"transB": intAttr(1)}}
	for _, o := range gemm.Outputs {
		if o != nil {
			o.Producer = gemm
		}
	}
	sg.Nodes[i] = gemm
	c.Add("folded Transpose into Gemm", 1)
}

// transposedMatrix returns X when v = Transpose(X) of a matrix (perm [1, 0]
// or none), else nil.
func transposedMatrix(v *ir.Value) *ir.Value {
	p := v.Producer
	if p == nil || p.Domain != "" || p.Op != "Transpose" || !isMatrix(p.Inputs[0]) || !swapsLastTwo(p) {
		return nil
	}
	return p.Inputs[0]
}

// swapsLastTwo reports whether Transpose n swaps its input's last two axes
// and keeps the others in place.
func swapsLastTwo(n *ir.Node) bool {
	r := n.Inputs[0].Shape.Rank()
	perm, ok := n.AttrInts("perm")
	if !ok { // the default reverses the axes
		return r == 2
	}
	if r >= 0 && len(perm) != r || len(perm) < 2 {
		return false
	}
	want := make([]int64, len(perm))
	for i := range want {
		want[i] = int64(i)
	}
	k := len(want)
	want[k-2], want[k-1] = want[k-1], want[k-2]
	return slices.Equal(perm, want)
}

func isMatrix(v *ir.Value) bool { return v != nil && v.Shape.Rank() == 2 }

// gemmType reports whether Gemm accepts dt (it takes fewer types than MatMul).
func gemmType(dt ir.DType) bool {
	switch dt {
	case ir.Float32, ir.Float64, ir.Float16, ir.BFloat16:
		return true
	}
	return false
}

// transposeConst returns a constant holding v's data with its last two
// axes swapped (one copy per constant), or nil when v's data cannot be read.
func transposeConst(nm *valueNamer, sg *ir.Graph, v *ir.Value, cache map[*ir.Value]*ir.Value) *ir.Value {
	if t, ok := cache[v]; ok {
		return t
	}
	t := transposeLastTwo(v.Const)
	if t == nil {
		return nil
	}
	vt := nm.constant(sg, v.Name+"_transposed", t)
	cache[v] = vt
	return vt
}

// transposeLastTwo copies t with its last two axes swapped; nil for
// tensors of rank below 2 or sub-byte element types.
func transposeLastTwo(t *ir.Tensor) *ir.Tensor {
	r := t.Rank()
	if r < 2 || t.Check() != nil {
		return nil
	}
	shape := slices.Clone(t.Shape)
	rows, cols := shape[r-2], shape[r-1]
	shape[r-2], shape[r-1] = cols, rows
	out, err := ir.NewTensor(t.DType, shape)
	if err != nil {
		return nil
	}
	idx := func(dst int) int { // the source element of dst
		plane, rest := dst/int(rows*cols), dst%int(rows*cols)
		i, j := rest/int(rows), rest%int(rows) // dst[..., i, j] = t[..., j, i]
		return plane*int(rows*cols) + j*int(cols) + i
	}
	switch d := out.Data.(type) {
	case []float32:
		gather(d, t.Data.([]float32), idx)
	case []float64:
		gather(d, t.Data.([]float64), idx)
	case []uint16:
		gather(d, t.Data.([]uint16), idx)
	default:
		src, dst := reflect.ValueOf(t.Data), reflect.ValueOf(out.Data)
		for k := range dst.Len() {
			dst.Index(k).Set(src.Index(idx(k)))
		}
	}
	return out
}

func gather[T any](dst, src []T, idx func(int) int) {
	for k := range dst {
		dst[k] = src[idx(k)]
	}
}

// setAttr sets attribute name of n.
func setAttr(n *ir.Node, name string, a *ir.Attr) {
	if n.Attrs == nil {
		n.Attrs = map[string]*ir.Attr{}
	}
	n.Attrs[name] = a
}
