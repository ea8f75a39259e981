package passes

import "github.com/tfc-project/tfc/ir"

// gemmLinearFusion turns Gemm(x, W, C) with a constant W (not transposed),
// alpha = beta = 1 and a constant 1-D bias C into Linear. GPT-2's Conv1D
// flattens its input around the Gemm,
//
//	Reshape(Gemm(Reshape(x, [-1, K]), W, C), [x's leading dims..., N])
//
// and the Reshapes go too: Linear reads x of any rank.
var gemmLinearFusion = fusion{name: "Linear", anchor: "Gemm", match: func(m *matcher, gemm *ir.Node) *ir.Node {
	w, b := gemm.Input(1), gemm.Input(2)
	if gemm.AttrInt("transA", 0) != 0 || gemm.AttrInt("transB", 0) != 0 {
		return m.fail("transposed operands (a transposed weight needs Linear to take Wᵀ)")
	}
	if gemm.AttrFloat("alpha", 1) != 1 || gemm.AttrFloat("beta", 1) != 1 {
		return m.fail("alpha or beta is not 1")
	}
	if w == nil || w.Const == nil || w.Const.Rank() != 2 {
		return m.fail("the weight is not a constant matrix")
	}
	n := w.Const.Shape[1]
	if b != nil && (b.Const == nil || b.Const.Rank() != 1 || b.Const.Shape[0] != n) {
		return m.fail("the bias is not a constant vector of the Gemm's width")
	}
	x, out := gemm.Inputs[0], gemm.Outputs[0]
	m.try(false, func(p *matcher) bool {
		flat := p.producer(gemm.Inputs[0], "the Gemm input", "Reshape")
		unflat := p.child(gemm, "Reshape")
		if flat == nil || unflat == nil {
			return false
		}
		in := flat.Inputs[0]
		r := in.Shape.Rank()
		if r < 2 {
			return false
		}
		last, _ := dimOf(in, r-1)
		want := []symInt{}
		for i := range r - 1 {
			d, _ := dimOf(in, i)
			want = append(want, d)
		}
		if !p.sameInts(flat.Input(1), known(-1), last) || !p.sameInts(unflat.Input(1), append(want, known(n))...) {
			return false
		}
		x, out = in, unflat.Outputs[0]
		return true
	})
	m.reason = ""
	ins := []*ir.Value{x, w}
	if b != nil {
		ins = append(ins, b)
	}
	return &ir.Node{Name: gemm.Name + "/Linear", Op: "Linear", Domain: ir.TfcDomain, Version: 1, Inputs: ins, Outputs: []*ir.Value{out}}
}}
