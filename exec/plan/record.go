package plan

import (
	"slices"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/ir"
)

// Recording a signature. The memory plan of a shape signature needs every
// value's shape, and the fast kernels need the values of their parameter
// inputs (a Reshape's shape). Most shapes follow from the input shapes by
// shape inference (ir.InferNode); only a few values must be computed for
// that: the parameter inputs, the small integer inputs whose contents
// inference reads, the inputs of steps whose shapes inference cannot tell
// (NonZero), and what those are computed from (Shape → Gather → Concat →
// Reshape chains). recordShapes computes those with the reference kernels
// and infers the rest, so that a first run at a new signature costs about
// as much as a later one. A step whose outputs inference cannot make
// concrete is learnt: it runs its reference kernel from then on, and the
// values it reads become needed. After maxRelearn such steps in one
// recording, record runs the whole graph with the reference kernels.
//
// Steps that run their reference kernel in the program check at every run
// that the shapes they compute are the planned ones, so an inferred shape
// that the data contradict makes the signature dynamic (errReplan), as it
// did before.

// maxRelearn bounds the steps that one recording learns before it falls
// back to a reference run of the whole graph.
var maxRelearn = 8

// recordPlan says which steps recordShapes runs with their reference
// kernel and which values' contents it needs; immutable once made.
type recordPlan struct {
	run  []bool // by step
	need []bool // by value id
}

// fastStep reports whether step si of p runs a destination-passing kernel
// (when its builder accepts the shapes) rather than its reference kernel.
func fastStep(p *codegen.Plan, si int) bool {
	s := p.Steps[si]
	_, ok := kernels[s.Node.QualifiedOp()]
	return ok && s.Kernel == targetName+":"+s.Node.QualifiedOp()
}

// shapeOnly reports whether n's outputs depend on its input's shape
// alone: inference gives their contents, and never needs the input's data.
func shapeOnly(n *ir.Node) bool {
	return n.Domain == "" && (n.Op == "Shape" || n.Op == "Size")
}

// smallInt reports whether v may be a small integer tensor whose contents
// inference reads (an int of rank at most 1, or of unknown rank).
func smallInt(v *ir.Value) bool {
	return v != nil && (v.DType.IsInt() || v.DType == ir.Undefined) && (!v.Shape.Ranked || len(v.Shape.Dims) <= 1)
}

// newRecordPlan marks the values whose contents recording needs when the
// steps in run run their reference kernel: the parameter inputs of the
// fast kernels, the small integer inputs of the other steps, and every
// input of a step that runs or computes a needed value (except a Shape's
// or Size's, which inference computes from the shape). One backward pass
// suffices: a value is read only after the step that computes it.
func newRecordPlan(p *codegen.Plan, run []bool) *recordPlan {
	rp := &recordPlan{run: run, need: make([]bool, len(p.Values))}
	mark := func(v *ir.Value) {
		if id := p.ValueID(v); id >= 0 {
			rp.need[id] = true
		}
	}
	for si := len(p.Steps) - 1; si >= 0; si-- {
		n := p.Steps[si].Node
		switch {
		case run[si] || !shapeOnly(n) && rp.needsOutput(p, n):
			for _, v := range n.Inputs {
				mark(v)
			}
		case shapeOnly(n):
		case fastStep(p, si):
			for _, slot := range kernels[n.QualifiedOp()].params {
				if slot < len(n.Inputs) {
					mark(n.Inputs[slot])
				}
			}
		default:
			for _, v := range n.Inputs {
				if smallInt(v) {
					mark(v)
				}
			}
		}
	}
	return rp
}

// needsOutput reports whether recording needs the contents of an output
// of n.
func (rp *recordPlan) needsOutput(p *codegen.Plan, n *ir.Node) bool {
	for _, v := range n.Outputs {
		if id := p.ValueID(v); id >= 0 && rp.need[id] {
			return true
		}
	}
	return false
}

// runs reports whether recording runs step si with its reference kernel.
func (rp *recordPlan) runs(p *codegen.Plan, si int) bool {
	n := p.Steps[si].Node
	return rp.run[si] || !shapeOnly(n) && rp.needsOutput(p, n)
}

// newSignature plans the signature of inputs: by inference where it can
// (outs is nil then: nothing ran but the steps that compute needed
// values), by a reference run of the whole graph (record) where it cannot.
func (e *Executor) newSignature(inputs map[string]*ir.Tensor) (*signature, []*ir.Tensor, error) {
	for range maxRelearn + 1 {
		rp := e.rp.Load()
		sig, failed, err := e.recordShapes(rp, inputs)
		if err != nil {
			return nil, nil, err
		}
		if failed < 0 {
			return sig, nil, nil
		}
		if rp.run[failed] {
			break // it ran, and its inputs were still unknown: not for inference
		}
		run := slices.Clone(rp.run)
		run[failed] = true
		e.rp.CompareAndSwap(rp, newRecordPlan(e.p, run))
	}
	return e.record(inputs)
}

// recordShapes records the shapes of every value and the parameter
// inputs of the kernels: the steps that rp runs run their reference
// kernel, the others' outputs are inferred. failed is the first step
// whose outputs inference could not make concrete, or that read a value
// not computed (-1 when none: sig is the signature).
func (e *Executor) recordShapes(rp *recordPlan, inputs map[string]*ir.Tensor) (sig *signature, failed int, err error) {
	p := e.p
	vals := make([]*ir.Tensor, len(p.Values)) // known contents
	shapes := make([][]int64, len(p.Values))
	dtypes := make([]ir.DType, len(p.Values))
	omitted := make([]bool, len(p.Values)) // graph inputs not given
	for id, v := range p.Values {
		dtypes[id] = v.DType
		if v.Const != nil {
			vals[id], shapes[id] = v.Const, v.Const.Shape // packed-only weights: refInputs unpacks them
		}
	}
	sig = &signature{shapes: make([][]int64, len(p.Values)), params: make([][]*ir.Tensor, len(p.Steps))}
	for i, v := range p.Graph.Inputs {
		var shape []int64
		id := e.inIDs[i]
		if t := inputs[v.Name]; t != nil {
			vals[id], shapes[id], dtypes[id] = t, t.Shape, t.DType
			shape = slices.Clone(t.Shape)
		} else if id >= 0 {
			omitted[id] = true
		}
		sig.key = append(sig.key, shape)
	}
	for si, s := range p.Steps {
		n := s.Node
		if def, ok := kernels[n.QualifiedOp()]; ok && len(def.params) > 0 {
			sig.params[si] = make([]*ir.Tensor, len(n.Inputs))
			for _, slot := range def.params {
				if slot < len(n.Inputs) {
					if id := p.ValueID(n.Inputs[slot]); id >= 0 && vals[id] != nil {
						sig.params[si][slot] = vals[id].Clone()
					}
				}
			}
		}
		if rp.runs(p, si) {
			ins := make([]*ir.Tensor, len(n.Inputs))
			for i, v := range n.Inputs {
				if v == nil {
					continue
				}
				id := p.ValueID(v)
				if id < 0 || vals[id] == nil && !omitted[id] {
					return nil, si, nil
				}
				ins[i] = vals[id]
			}
			outs, err := e.interp.RunNode(n, e.refInputs(ins))
			if err != nil {
				return nil, -1, err
			}
			for i, v := range n.Outputs {
				if id := p.ValueID(v); id >= 0 && i < len(outs) && outs[i] != nil {
					t := outs[i]
					vals[id], shapes[id], dtypes[id] = t, t.Shape, t.DType
				}
			}
			continue
		}
		ins := make([]*ir.Value, len(n.Inputs))
		for i, v := range n.Inputs {
			id := p.ValueID(v)
			if v == nil || id < 0 || omitted[id] {
				continue
			}
			if shapes[id] == nil {
				return nil, si, nil
			}
			in := &ir.Value{Name: v.Name, Kind: v.Kind, DType: dtypes[id], Shape: ir.ShapeOf(shapes[id]...)}
			if t := vals[id]; t != nil && t.DType.IsInt() {
				in.Const = t
			}
			ins[i] = in
		}
		outs, err := ir.InferNode(n, p.Graph.Opsets, ins)
		if err != nil {
			return nil, si, nil // the reference kernel will say what is wrong
		}
		for i, v := range n.Outputs {
			id := p.ValueID(v)
			if id < 0 || v.Kind != ir.TensorValue {
				continue
			}
			o := outs[i]
			if !o.Shape.Static() || v.DType != ir.Undefined && o.DType != v.DType || rp.need[id] && o.Const == nil {
				return nil, si, nil
			}
			shapes[id], dtypes[id] = o.Shape.Sizes(), o.DType
			if o.Const != nil {
				vals[id] = o.Const
			}
		}
	}
	for id, sh := range shapes {
		if sh != nil && p.Values[id].Kind == ir.TensorValue {
			sig.shapes[id] = slices.Clone(sh)
		}
	}
	sig.mem = codegen.PlanMemory(p, sig.shapes)
	return sig, -1, nil
}

// record runs the plan with the reference kernels, noting every value's
// shape and the parameter inputs of the fast kernels, and plans memory;
// outs are the graph outputs.
func (e *Executor) record(inputs map[string]*ir.Tensor) (*signature, []*ir.Tensor, error) {
	p := e.p
	vals := make([]*ir.Tensor, len(p.Values))
	for id, v := range p.Values {
		vals[id] = p.Unpacked(v.Const) // packed-only weights, for the reference kernels
	}
	sig := &signature{shapes: make([][]int64, len(p.Values)), params: make([][]*ir.Tensor, len(p.Steps))}
	for i, v := range p.Graph.Inputs {
		var shape []int64
		if t := inputs[v.Name]; t != nil {
			vals[e.inIDs[i]] = t
			shape = slices.Clone(t.Shape)
		}
		sig.key = append(sig.key, shape)
	}
	for si, s := range p.Steps {
		n := s.Node
		ins := make([]*ir.Tensor, len(n.Inputs))
		for i, v := range n.Inputs {
			if id := p.ValueID(v); id >= 0 {
				ins[i] = vals[id]
			}
		}
		if def, ok := kernels[n.QualifiedOp()]; ok && len(def.params) > 0 {
			sig.params[si] = make([]*ir.Tensor, len(n.Inputs))
			for _, slot := range def.params {
				if slot < len(ins) && ins[slot] != nil {
					sig.params[si][slot] = ins[slot].Clone()
				}
			}
		}
		outs, err := e.interp.RunNode(n, ins)
		if err != nil {
			return nil, nil, err
		}
		for i, v := range n.Outputs {
			if id := p.ValueID(v); id >= 0 && i < len(outs) {
				vals[id] = outs[i]
			}
		}
	}
	for id, t := range vals {
		if t != nil && p.Values[id].Kind == ir.TensorValue {
			sig.shapes[id] = slices.Clone(t.Shape)
		}
	}
	sig.mem = codegen.PlanMemory(p, sig.shapes)
	outs := make([]*ir.Tensor, len(e.outIDs))
	for i, id := range e.outIDs {
		outs[i] = vals[id]
	}
	return sig, outs, nil
}
