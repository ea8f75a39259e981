package passes

import "github.com/tfc-project/tfc/ir"

// torch.nn.MultiheadAttention with batch_first transposes its [B, S, E]
// input to sequence-first [S, B, E] before the in-projection and back
// after the out-projection. Once the attention is fused (it reads Q, K, V
// batch-first through a Transpose and writes a batch-first output that a
// Transpose makes sequence-first again), the projections can work on the
// batch-first tensors directly: a Linear acts on the last axis only, so it
// commutes with transposing and flattening the leading ones.

// batchFirstInProjection rewrites the packed QKV the fused attention reads,
// Transpose(Linear(Transpose(x, 102), W, B?), 102), as Linear(x, W, B?).
var batchFirstInProjection = fusion{name: "batch-first in-projection", anchor: "Transpose", match: func(m *matcher, tr *ir.Node) *ir.Node {
	if !hasPerm(tr, 1, 0, 2) || !readByAttention(m, tr.Outputs[0]) {
		return m.fail("not a Transpose(perm 1,0,2) that an Attention reads")
	}
	lin := tr.Inputs[0].Producer
	if lin == nil || lin.Domain != ir.TfcDomain || lin.Op != "Linear" {
		return m.fail("the transposed value is not a Linear output")
	}
	m.nodes = append(m.nodes, lin)
	in := lin.Inputs[0].Producer
	if in == nil || in.Domain != "" || in.Op != "Transpose" || !hasPerm(in, 1, 0, 2) || in.Inputs[0].Shape.Rank() != 3 {
		return m.fail("the Linear does not read a Transpose(perm 1,0,2) of a 3-D value")
	}
	m.soft = append(m.soft, in) // it stays while others (Shape) read it
	ins := append([]*ir.Value{in.Inputs[0]}, lin.Inputs[1:]...)
	return &ir.Node{Name: lin.Name + "/batch_first", Op: "Linear", Domain: ir.TfcDomain, Version: 1,
		Inputs: ins, Outputs: tr.Outputs[:1], Attrs: lin.Attrs}
}}

// readByAttention reports whether v is read by tfc Attention nodes only.
func readByAttention(m *matcher, v *ir.Value) bool {
	us := m.uses[v]
	for _, u := range us {
		if u == nil || u.Domain != ir.TfcDomain || u.Op != "Attention" {
			return false
		}
	}
	return len(us) > 0
}

// batchFirstOutProjection rewrites the out-projection of a fused
// batch-first attention output Y [B, S, E],
//
//	Transpose(Reshape(Linear(Reshape(Reshape(Transpose(Y, 102), [0, -1, D]), [S·B, E]), W, B?), [S, B, N]), 102)
//
// as Linear(Y, W, B?).
var batchFirstOutProjection = fusion{name: "batch-first out-projection", anchor: "Transpose", match: func(m *matcher, out *ir.Node) *ir.Node {
	if !hasPerm(out, 1, 0, 2) {
		return m.fail("not a Transpose(perm 1,0,2)")
	}
	unflat := m.parent(out, 0, "Reshape")
	if unflat == nil {
		return nil
	}
	lin := unflat.Inputs[0].Producer
	if lin == nil || lin.Domain != ir.TfcDomain || lin.Op != "Linear" {
		return m.fail("%s does not reshape a Linear output", unflat.Describe())
	}
	m.nodes = append(m.nodes, lin)
	flat := m.parent(lin, 0, "Reshape")
	if flat == nil {
		return nil
	}
	// Reshapes keep the order of elements: any chain of them from the
	// transposed output to [S·B, E] flattens its rows in (s, b) order.
	x := flat.Inputs[0]
	for x.Producer != nil && x.Producer.Domain == "" && x.Producer.Op == "Reshape" {
		x = m.producer(x, "the flattened value", "Reshape").Inputs[0]
	}
	tr := m.producer(x, "the flattened value", "Transpose")
	if tr == nil || !hasPerm(tr, 1, 0, 2) {
		return m.fail("want Transpose(perm 1,0,2) of the attention output before the flattening")
	}
	y := tr.Inputs[0]
	if y.Producer == nil || y.Producer.Domain != ir.TfcDomain || y.Producer.Op != "Attention" || y.Shape.Rank() != 3 {
		return m.fail("the flattened value is not a 3-D Attention output")
	}
	e, ok := dimOf(y, 2)
	fd, ok2 := dimOf(flat.Outputs[0], 1)
	if !ok || !ok2 || len(e.terms) != 0 || !fd.equal(e) || flat.Outputs[0].Shape.Rank() != 2 {
		return m.fail("%s does not flatten to [S·B, E]", flat.Describe())
	}
	w := lin.Input(1)
	if w == nil || w.Const == nil || w.Const.Rank() != 2 || w.Const.Shape[0] != e.c {
		return m.fail("%s does not project E", lin.Describe())
	}
	s, _ := dimOf(tr.Outputs[0], 0)
	b, _ := dimOf(tr.Outputs[0], 1)
	if !m.sameInts(unflat.Input(1), s, b, known(w.Const.Shape[1])) {
		return m.fail("%s does not unflatten to [S, B, N]", unflat.Describe())
	}
	return &ir.Node{Name: lin.Name + "/batch_first", Op: "Linear", Domain: ir.TfcDomain, Version: 1,
		Inputs: append([]*ir.Value{y}, lin.Inputs[1:]...), Outputs: out.Outputs[:1], Attrs: lin.Attrs}
}}
