package passes

import (
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// attentionFusion matches scaled dot-product attention with the head split
// and merge of torch exports (BERT, ViT and the encoder layers):
//
//	Reshape(Transpose(MatMul(Softmax(Add?(Div|Mul(MatMul(Qh, Kt), c), mask)), Vh), 0213), [0,0,H·D])
//	Qh = Transpose(Reshape(q, [0,0,H,D]), 0213), Vh likewise,
//	Kt = Transpose(Reshape(k, [0,0,H,D]), 0231)
//
// into Attention(q, k, v, mask) on [B, S, H·D] tensors.
var attentionFusion = fusion{name: "Attention", anchor: "Reshape", match: func(m *matcher, merge *ir.Node) *ir.Node {
	target, ok := constInts(merge.Input(1))
	if !ok || len(target) != 3 || target[0] != 0 || target[1] != 0 {
		return m.fail("the merge Reshape's target is not [0, 0, H·D]")
	}
	tr := m.parent(merge, 0, "Transpose")
	if tr == nil || !hasPerm(tr, 0, 2, 1, 3) {
		return m.fail("want Transpose(perm 0,2,1,3) before the merge Reshape")
	}
	pv := m.parent(tr, 0, "MatMul")
	sm := m.parent(pv, 0, "Softmax")
	if sm == nil || !lastAxisAttr(sm) {
		return m.fail("want MatMul(Softmax over the last axis, V)")
	}
	scores := m.parent(sm, 0, "Add", "Div", "Mul")
	var mask *ir.Value
	if scores != nil && scores.Op == "Add" {
		s, other := m.either(scores, "Div", "Mul")
		if s == nil {
			return nil
		}
		scores, mask = s, other
	}
	if scores == nil {
		return nil
	}
	c, ok := scalar(scores.Input(1))
	if !ok || c == 0 {
		return m.fail("want scores scaled by a constant")
	}
	scale := c
	if scores.Op == "Div" {
		scale = 1 / c
	}
	qk := m.parent(scores, 0, "MatMul")
	q, nh, d := splitHeads(m, m.parent(qk, 0, "Transpose"), 0, 2, 1, 3)
	k, nkv, dk := splitHeads(m, m.parent(qk, 1, "Transpose"), 0, 2, 3, 1)
	v, nv, _ := splitHeads(m, m.parent(pv, 1, "Transpose"), 0, 2, 1, 3)
	if q == nil || k == nil || v == nil {
		return nil
	}
	if nkv != nv || d != dk || nh%nkv != 0 || target[2] != nh*d {
		return m.fail("head counts or sizes disagree: Q %d×%d, K %d×%d, V %d heads, merged %d", nh, d, nkv, dk, nv, target[2])
	}
	attrs := map[string]*ir.Attr{"num_heads": intAttr(nh), "scale": floatAttr(scale)}
	if nkv != nh {
		attrs["kv_num_heads"] = intAttr(nkv)
	}
	ins := []*ir.Value{q, k, v}
	if mask != nil {
		ins = append(ins, mask)
	}
	return fusedNode("Attention", merge, attrs, ins...)
}}

// splitHeads matches Transpose(Reshape(x, [0, 0, H, D]), perm) and returns
// x, H and D.
func splitHeads(m *matcher, tr *ir.Node, perm ...int64) (*ir.Value, int64, int64) {
	if tr == nil || !hasPerm(tr, perm...) {
		m.fail("want a head-split Transpose with perm %v", perm)
		return nil, 0, 0
	}
	r := m.parent(tr, 0, "Reshape")
	if r == nil {
		return nil, 0, 0
	}
	t, ok := constInts(r.Input(1))
	if !ok || len(t) != 4 || t[0] != 0 || t[1] != 0 || t[2] <= 0 || t[3] <= 0 || r.Inputs[0].Shape.Rank() != 3 {
		m.fail("%s does not split [B, S, H·D] into [0, 0, H, D]", r.Describe())
		return nil, 0, 0
	}
	return r.Inputs[0], t[2], t[3]
}

func hasPerm(n *ir.Node, perm ...int64) bool {
	p, ok := n.AttrInts("perm")
	return ok && slices.Equal(p, perm)
}

// lastAxisAttr reports whether n's axis attribute (default -1, as Softmax
// from opset 13) names the last axis.
func lastAxisAttr(n *ir.Node) bool {
	a := n.AttrInt("axis", -1)
	r := n.Inputs[0].Shape.Rank()
	return a == -1 || (r > 0 && a == int64(r-1))
}
