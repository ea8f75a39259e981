package codegen

import (
	"github.com/tfc-project/tfc/ir"
)

// Alignment is the byte alignment of every tensor in the arena and of
// every weight in the artifact.
const Alignment = 64

// MemPlan places the intermediate tensors of a Plan in one arena.
type MemPlan struct {
	// ArenaBytes is the size of the arena.
	ArenaBytes int64
	// NaiveBytes is the sum of the sizes of all node outputs: the memory a
	// run needs without any reuse.
	NaiveBytes int64
	// LowerBound is the largest total size of buffers live at one step:
	// no placement of these buffers fits in less.
	LowerBound int64
	// Offsets holds each value's byte offset in the arena (indexed by value
	// id); -1 for values outside it: graph inputs, weights, string tensors
	// and views of those.
	Offsets []int64
	// Bytes holds each value's size in bytes (-1 when unknown).
	Bytes []int64
	// Views and InPlace count the outputs that share their input's memory.
	Views, InPlace int
}

// viewOps produce an output that is their first input under another shape.
var viewOps = map[string]bool{"Reshape": true, "Flatten": true, "Squeeze": true, "Unsqueeze": true, "Identity": true}

// IsView reports whether n's output is planned as a view of its first input.
func IsView(n *ir.Node) bool { return n.Domain == "" && viewOps[n.Op] }

// inPlaceOps compute each output element from the same position of their
// inputs (or, for the row-wise ones, read a whole row before writing it), so
// their output may overwrite an input of the same shape that dies there.
var inPlaceOps = map[string]bool{
	"Add": true, "Sub": true, "Mul": true, "Div": true, "Pow": true, "Relu": true, "Tanh": true,
	"Sigmoid": true, "Erf": true, "Sqrt": true, "Exp": true, "Neg": true, "Abs": true, "Reciprocal": true,
	"Softmax": true, "LayerNormalization": true, "Where": true,
	"ai.tfc:Gelu": true, "ai.tfc:BiasGelu": true, "ai.tfc:LayerNorm": true, "ai.tfc:RMSNorm": true,
}

// ElemSize returns the bytes one element of dt takes in memory, or 0 for
// types that cannot live in an arena (strings) or are not valid.
func ElemSize(dt ir.DType) int {
	t, err := ir.NewTensor(dt, nil)
	if err != nil {
		return 0
	}
	switch t.Data.(type) {
	case []complex128:
		return 16
	case []float64, []int64, []uint64, []complex64:
		return 8
	case []float32, []int32, []uint32:
		return 4
	case []uint16, []int16:
		return 2
	case []int8, []uint8, []bool:
		return 1
	}
	return 0
}

// buffer is one arena allocation shared by a value, its views and the
// outputs computed in place over it.
type buffer struct {
	bytes      int64
	start, end int // first and last step it is live at
	offset     int64
}

// PlanMemory plans the arena for p given every value's concrete shape
// (indexed by value id): liveness from the schedule, views for reshaping
// ops, in-place reuse for elementwise ops whose input dies there, and
// offsets from the best of several greedy packings, searched further when
// they miss the lower bound (see place).
func PlanMemory(p *Plan, shapes [][]int64) *MemPlan {
	nv := len(p.Values)
	mp := &MemPlan{Offsets: make([]int64, nv), Bytes: make([]int64, nv)}
	for i, v := range p.Values {
		mp.Offsets[i] = -1
		mp.Bytes[i] = -1
		if i < len(shapes) && shapes[i] != nil && v.Kind == ir.TensorValue {
			if n, err := ir.NumElements(shapes[i]); err == nil {
				mp.Bytes[i] = n * int64(ElemSize(v.DType))
			}
		}
	}
	end := len(p.Steps)
	last := make([]int, nv) // last step reading each value
	for i := range last {
		last[i] = -1
	}
	for t, s := range p.Steps {
		read := func(v *ir.Value) {
			if id := p.ValueID(v); id >= 0 {
				last[id] = t
			}
		}
		for _, v := range s.Node.Inputs {
			read(v)
		}
		for _, a := range s.Node.Attrs {
			sub := append([]*ir.Graph{}, a.Graphs...)
			if a.Graph != nil {
				sub = append(sub, a.Graph)
			}
			for _, g := range sub {
				g.Walk(func(_ *ir.Graph, n *ir.Node) {
					for _, v := range n.Inputs {
						read(v)
					}
				})
			}
		}
	}
	for _, v := range p.Graph.Outputs {
		if id := p.ValueID(v); id >= 0 {
			last[id] = end
		}
	}
	bufOf := make([]int, nv) // buffer index of each value, -1 outside the arena
	for i := range bufOf {
		bufOf[i] = -1
	}
	var bufs []*buffer
	for t, s := range p.Steps {
		n := s.Node
		for _, o := range n.Outputs {
			id := p.ValueID(o)
			if id < 0 {
				continue
			}
			if mp.Bytes[id] > 0 {
				mp.NaiveBytes += mp.Bytes[id]
			}
			in := -1
			if len(n.Inputs) > 0 {
				in = p.ValueID(n.Inputs[0])
			}
			switch {
			case IsView(n) && in >= 0 && mp.Bytes[in] == mp.Bytes[id] && mp.Bytes[id] >= 0:
				bufOf[id] = bufOf[in]
				mp.Views++
			case mp.Bytes[id] <= 0 || ElemSize(o.DType) == 0:
				// zero-sized, unknown or string: nothing to place
			default:
				if b := reusable(p, mp, bufOf, bufs, last, n, o, t); b >= 0 {
					bufOf[id] = b
					mp.InPlace++
					break
				}
				bufOf[id] = len(bufs)
				bufs = append(bufs, &buffer{bytes: mp.Bytes[id], start: t, end: t})
			}
			if b := bufOf[id]; b >= 0 {
				bufs[b].end = max(bufs[b].end, last[id], t)
			}
		}
	}
	mp.LowerBound = lowerBound(bufs, end)
	mp.ArenaBytes = place(bufs, mp.LowerBound)
	for i, b := range bufOf {
		if b >= 0 {
			mp.Offsets[i] = bufs[b].offset
		}
	}
	return mp
}

// reusable returns the buffer of an input of n that out can overwrite: an
// in-place op, same dtype and size, the buffer's every value dying at step
// t and none of them a graph output. It returns -1 when there is none.
func reusable(p *Plan, mp *MemPlan, bufOf []int, bufs []*buffer, last []int, n *ir.Node, out *ir.Value, t int) int {
	if !inPlaceOps[n.QualifiedOp()] {
		return -1
	}
	for _, v := range n.Inputs {
		id := p.ValueID(v)
		if id < 0 || bufOf[id] < 0 || v.DType != out.DType || mp.Bytes[id] != mp.Bytes[p.ValueID(out)] {
			continue
		}
		if b := bufOf[id]; bufs[b].end == t {
			return b
		}
	}
	return -1
}

// lowerBound is the largest sum of sizes of buffers live at one step.
func lowerBound(bufs []*buffer, steps int) int64 {
	delta := make([]int64, steps+2)
	for _, b := range bufs {
		delta[b.start] += align(b.bytes)
		delta[b.end+1] -= align(b.bytes)
	}
	var live, peak int64
	for _, d := range delta {
		live += d
		peak = max(peak, live)
	}
	return peak
}

// align rounds n up to a multiple of Alignment.
func align(n int64) int64 { return (n + Alignment - 1) / Alignment * Alignment }
