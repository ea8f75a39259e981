package plan

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/ir"
)

// program is one runner's executable form of a signature: its arena, one
// tensor header per value, and the steps with their inputs and outputs
// bound to those headers.
type program struct {
	sig   *signature
	e     *Executor
	arena []byte
	slots []*ir.Tensor // by value id
	steps []progStep
}

// progStep is one kernel call; run is nil for a reference-kernel step.
type progStep struct {
	node    *ir.Node
	in, out []*ir.Tensor
	run     runFn
	// params pairs input slots with the values recorded when planning.
	params []param
	// arena marks outputs that live in the arena (copied into by a
	// reference kernel) rather than being replaced by its result.
	arena []bool
	// shapes are the planned output shapes.
	shapes [][]int64
}

// param is a parameter input of a fast kernel and its planned value.
type param struct {
	slot int
	want []byte
}

// newProgram lays out sig's arena for one runner and binds the kernels.
func newProgram(e *Executor, sig *signature, env *env) (*program, error) {
	p := e.p
	mem := sig.mem
	pr := &program{sig: sig, e: e, arena: codegen.AlignedBytes(mem.ArenaBytes), slots: make([]*ir.Tensor, len(p.Values))}
	for id, v := range p.Values {
		if v.Const != nil {
			pr.slots[id] = v.Const
			continue
		}
		t := &ir.Tensor{DType: v.DType, Shape: sig.shapes[id]}
		switch off := mem.Offsets[id]; {
		case off >= 0 && mem.Bytes[id] > 0:
			n := mem.Bytes[id] / int64(max(1, elemSize(v.DType)))
			t.Data = codegen.View(v.DType, pr.arena[off:off+mem.Bytes[id]], int(n))
		case mem.Bytes[id] == 0 && elemSize(v.DType) > 0:
			t.Data = codegen.View(v.DType, nil, 0)
		}
		pr.slots[id] = t
	}
	for si, s := range p.Steps {
		n := s.Node
		st := progStep{node: n, in: make([]*ir.Tensor, len(n.Inputs)), out: make([]*ir.Tensor, len(n.Outputs))}
		for i, v := range n.Inputs {
			if id := p.ValueID(v); id >= 0 {
				st.in[i] = pr.slots[id]
			}
		}
		for i, v := range n.Outputs {
			st.shapes = append(st.shapes, nil)
			st.arena = append(st.arena, false)
			if id := p.ValueID(v); id >= 0 {
				st.out[i] = pr.slots[id]
				st.shapes[i] = sig.shapes[id]
				st.arena[i] = mem.Offsets[id] >= 0 && mem.Bytes[id] > 0
			}
		}
		if def, ok := kernels[n.QualifiedOp()]; ok && s.Kernel == targetName+":"+n.QualifiedOp() && outputsKnown(st) {
			params := sig.params[si]
			for _, slot := range def.params {
				if slot < len(params) && params[slot] != nil {
					st.params = append(st.params, param{slot: slot, want: slices.Clone(codegen.Raw(params[slot].Data))})
				}
			}
			st.run = def.build(env, n, st.in, st.out, params)
		}
		pr.steps = append(pr.steps, st)
	}
	return pr, nil
}

// outputsKnown reports whether every output of st has a planned shape.
func outputsKnown(st progStep) bool {
	for i, o := range st.out {
		if o != nil && st.shapes[i] == nil {
			return false
		}
	}
	return true
}

// run executes the program on inputs, whose shapes match its signature,
// adding each step's wall time to times[step] when times is not nil.
func (pr *program) run(inputs map[string]*ir.Tensor, times []time.Duration) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plan: kernel failed: %v", r)
		}
	}()
	e := pr.e
	for i, v := range e.p.Graph.Inputs {
		t := inputs[v.Name]
		if t == nil {
			continue
		}
		if !dataMatches(v.DType, t) {
			return fmt.Errorf("input %q: %v data of the wrong type or length for shape %v", v.Name, t.DType, t.Shape)
		}
		slot := pr.slots[e.inIDs[i]]
		slot.DType, slot.Shape, slot.Data = t.DType, t.Shape, t.Data
	}
	for i := range pr.steps {
		var start time.Time
		if times != nil {
			start = time.Now()
		}
		if err := pr.runStep(i); err != nil {
			return err
		}
		if times != nil {
			times[i] += time.Since(start)
		}
	}
	return nil
}

// runStep runs step i: its fast kernel, after checking its parameter
// inputs against the plan, or its reference kernel.
func (pr *program) runStep(i int) error {
	st := &pr.steps[i]
	if st.run == nil {
		return pr.fallback(st)
	}
	for _, pa := range st.params {
		if !bytes.Equal(codegen.Raw(st.in[pa.slot].Data), pa.want) {
			return errReplan
		}
	}
	if err := st.run(st.in, st.out); err != nil {
		return fmt.Errorf("%s: %w", st.node.Describe(), err)
	}
	return nil
}

// fallback runs st's reference kernel and moves its results into place.
func (pr *program) fallback(st *progStep) error {
	outs, err := pr.e.interp.RunNode(st.node, pr.e.refInputs(st.in))
	if err != nil {
		return err
	}
	for i, o := range st.out {
		if o == nil || i >= len(outs) || outs[i] == nil {
			continue
		}
		got := outs[i]
		if !slices.Equal(got.Shape, st.shapes[i]) || got.DType != o.DType {
			return errReplan
		}
		if st.arena[i] {
			copy(codegen.Raw(o.Data), codegen.Raw(got.Data))
			continue
		}
		o.Data = got.Data
	}
	return nil
}

// dataMatches reports whether t holds data of dt's Go type and length.
func dataMatches(dt ir.DType, t *ir.Tensor) bool {
	if t.DType != dt && dt != ir.Undefined || codegen.Raw(t.Data) == nil && t.DType != ir.String && t.Len() > 0 {
		return false
	}
	n := int64(1)
	for _, d := range t.Shape {
		n *= d
	}
	return int64(t.Len()) == n
}
