package control

import (
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// scanSpec is the iteration plan of one Scan: how many state variables
// lead the inputs, and the axis and direction of each scan input and
// output (directions: true runs backward).
type scanSpec struct {
	body            *ir.Graph
	nState          int
	inAxes, outAxes []int64
	inBack, outBack []bool
}

// attrList reads an ints attribute of n entries, each defaulting to 0.
func attrList(ctx *kernel.Context, name string, n int) ([]int64, error) {
	v, ok := ctx.Node.AttrInts(name)
	if !ok {
		return make([]int64, n), nil
	}
	if len(v) != n {
		return nil, ctx.Errorf("attribute %s has %d entries, want %d", name, len(v), n)
	}
	return v, nil
}

// flags turns direction attributes into booleans.
func flags(v []int64) []bool {
	out := make([]bool, len(v))
	for i, d := range v {
		out[i] = d != 0
	}
	return out
}

// readSpec reads the Scan attributes for nIn state and scan inputs; the
// opset-8 form names its input directions "directions".
func readSpec(ctx *kernel.Context, nIn int) (*scanSpec, error) {
	body, err := graphAttr(ctx, "body")
	if err != nil {
		return nil, err
	}
	m := int(ctx.Node.AttrInt("num_scan_inputs", -1))
	if m < 0 || m > nIn {
		return nil, ctx.Errorf("num_scan_inputs = %d with %d inputs", m, nIn)
	}
	s := &scanSpec{body: body, nState: nIn - m}
	nOut := len(body.Outputs) - s.nState
	if len(body.Inputs) != nIn || nOut < 0 {
		return nil, ctx.Errorf("body takes %d inputs and returns %d outputs for %d state variables and %d scan inputs",
			len(body.Inputs), len(body.Outputs), s.nState, m)
	}
	dirName := "scan_input_directions"
	if ctx.Node.Version < 9 {
		dirName = "directions"
	}
	inDirs, err := attrList(ctx, dirName, m)
	if err != nil {
		return nil, err
	}
	outDirs, err := attrList(ctx, "scan_output_directions", nOut)
	if err != nil {
		return nil, err
	}
	if s.inAxes, err = attrList(ctx, "scan_input_axes", m); err != nil {
		return nil, err
	}
	if s.outAxes, err = attrList(ctx, "scan_output_axes", nOut); err != nil {
		return nil, err
	}
	s.inBack, s.outBack = flags(inDirs), flags(outDirs)
	return s, nil
}

// run iterates the body over the scan inputs (after the state variables in
// in) and returns the final states and the stacked scan outputs.
func (s *scanSpec) run(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	states := slices.Clone(in[:s.nState])
	inputs := in[s.nState:]
	axes := make([]int, len(inputs))
	steps := int64(-1)
	for j, t := range inputs {
		a, err := kernel.NormAxis(s.inAxes[j], t.Rank())
		if err != nil {
			return nil, ctx.Errorf("scan input %d: %v", j, err)
		}
		if steps >= 0 && t.Shape[a] != steps {
			return nil, ctx.Errorf("scan input %d has %d steps along axis %d, the others %d", j, t.Shape[a], a, steps)
		}
		axes[j], steps = a, t.Shape[a]
	}
	scans := make([][]*ir.Tensor, len(s.outAxes))
	for step := 0; step < int(steps); step++ {
		args := slices.Clone(states)
		for j, t := range inputs {
			k := step
			if s.inBack[j] {
				k = int(steps) - 1 - step
			}
			args = append(args, index(t, axes[j], k))
		}
		outs, err := ctx.RunGraph(s.body, args)
		if err != nil {
			return nil, err
		}
		copy(states, outs)
		for k, t := range outs[s.nState:] {
			scans[k] = append(scans[k], t)
		}
	}
	res := states
	for k, ts := range scans {
		if s.outBack[k] {
			slices.Reverse(ts)
		}
		like := s.body.Outputs[s.nState+k]
		rank := len(like.Shape.Dims)
		if len(ts) > 0 {
			rank = ts[0].Rank()
		}
		a, err := kernel.NormAxis(s.outAxes[k], rank+1)
		if err != nil {
			return nil, ctx.Errorf("scan output %d: %v", k, err)
		}
		t, err := stack(ts, a, like)
		if err != nil {
			return nil, ctx.Errorf("scan output %d: %v", k, err)
		}
		res = append(res, t)
	}
	return res, nil
}

// scan is Scan from opset 9: inputs are the initial states, then the
// scan inputs.
func scan(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	if ctx.Node.Version < 9 {
		return scanBatched(ctx, in)
	}
	if err := allPresent(ctx, in, 0); err != nil {
		return nil, err
	}
	s, err := readSpec(ctx, len(in))
	if err != nil {
		return nil, err
	}
	return s.run(ctx, in)
}

// scanBatched is Scan of opset 8: an optional sequence_lens input comes
// first, and every state and scan input has a leading batch axis, with the
// scan axis after it. Each batch entry is scanned on its own; sequence
// lengths shorter than the scan inputs are not supported.
func scanBatched(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	if len(in) < 1 {
		return nil, ctx.Errorf("takes sequence_lens and at least one more input")
	}
	if err := allPresent(ctx, in, 1); err != nil {
		return nil, err
	}
	s, err := readSpec(ctx, len(in)-1)
	if err != nil {
		return nil, err
	}
	if _, ok := ctx.Node.AttrInts("scan_input_axes"); ok {
		return nil, ctx.Errorf("opset 8 Scan has no scan_input_axes")
	}
	rest := in[1:]
	batch := int64(-1)
	for j, t := range rest {
		if t.Rank() == 0 || (batch >= 0 && t.Shape[0] != batch) {
			return nil, ctx.Errorf("input %d (shape %v) lacks the batch axis of size %d", j+1, t.Shape, batch)
		}
		batch = t.Shape[0]
	}
	if lens := in[0]; lens != nil && len(rest) > s.nState {
		first := rest[s.nState]
		for _, l := range lens.Int64s() {
			if first.Rank() < 2 || l != first.Shape[1] {
				return nil, ctx.Errorf("sequence_lens %v differ from the scan inputs' length (shape %v): not supported",
					lens.Int64s(), first.Shape)
			}
		}
	}
	perBatch := make([][]*ir.Tensor, len(s.body.Outputs))
	for b := 0; b < int(batch); b++ {
		args := make([]*ir.Tensor, len(rest))
		for j, t := range rest {
			args[j] = index(t, 0, b)
		}
		outs, err := s.run(ctx, args)
		if err != nil {
			return nil, err
		}
		for k, t := range outs {
			perBatch[k] = append(perBatch[k], t)
		}
	}
	res := make([]*ir.Tensor, len(perBatch))
	for k, ts := range perBatch {
		if res[k], err = stack(ts, 0, s.body.Outputs[k]); err != nil {
			return nil, ctx.Errorf("output %d: %v", k, err)
		}
	}
	return res, nil
}
