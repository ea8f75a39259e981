package plan

import (
	"fmt"
	"unsafe"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// registerMovement adds the data-movement kernels; they copy bytes and so
// serve every fixed-size dtype.
func registerMovement() {
	kernels["Transpose"] = kernelDef{build: buildTranspose}
	kernels["Concat"] = kernelDef{build: buildConcat}
	kernels["Split"] = kernelDef{params: []int{1}, build: buildSplit}
	kernels["Slice"] = kernelDef{params: []int{1, 2, 3, 4}, build: buildSlice}
	kernels["Expand"] = kernelDef{params: []int{1}, build: buildExpand}
	kernels["Gather"] = kernelDef{build: buildGather}
}

// strided copies a strided view of one tensor into a strided view of
// another; strides are in elements, the last dim is the inner loop.
type strided struct {
	shape, src, dst []int
	es              int   // element size in bytes
	idx             []int // odometer scratch
}

func newStrided(shape []int64, src, dst []int, es int) *strided {
	s := &strided{es: es, idx: make([]int, len(shape)+1)}
	for _, d := range shape {
		s.shape = append(s.shape, int(d))
	}
	s.src, s.dst = src, dst
	if len(s.shape) == 0 {
		s.shape, s.src, s.dst = []int{1}, []int{1}, []int{1}
	}
	return s
}

// contiguous returns the row-major strides of shape.
func contiguous(shape []int64) []int {
	st := make([]int, len(shape))
	n := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = n
		n *= int(shape[i])
	}
	return st
}

// copy runs the copy from src at element offset so into dst at do.
func (s *strided) copy(dst, src []byte, do, so int) {
	if numel64(s.shape) == 0 {
		return
	}
	r, es := len(s.shape)-1, s.es
	inner := s.shape[r]
	clear(s.idx)
	for {
		d, o := do, so
		for i := range r {
			d += s.idx[i] * s.dst[i]
			o += s.idx[i] * s.src[i]
		}
		if s.src[r] == 1 && s.dst[r] == 1 {
			copy(dst[d*es:(d+inner)*es], src[o*es:(o+inner)*es])
		} else if es == 4 && aligned4(dst) && aligned4(src) {
			// One typed load and store per element, not a memmove call.
			d32 := unsafe.Slice((*uint32)(unsafe.Pointer(&dst[0])), len(dst)/4)
			s32 := unsafe.Slice((*uint32)(unsafe.Pointer(&src[0])), len(src)/4)
			sd, ss := s.dst[r], s.src[r]
			for j := range inner {
				d32[d+j*sd] = s32[o+j*ss]
			}
		} else {
			for j := range inner {
				dd, oo := (d+j*s.dst[r])*es, (o+j*s.src[r])*es
				copy(dst[dd:dd+es], src[oo:oo+es])
			}
		}
		i := r - 1
		for ; i >= 0; i-- {
			if s.idx[i]++; s.idx[i] < s.shape[i] {
				break
			}
			s.idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// aligned4 reports whether b is non-empty and starts 4-byte aligned.
func aligned4(b []byte) bool {
	return len(b) > 0 && uintptr(unsafe.Pointer(&b[0]))%4 == 0
}

func numel64(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// fixed reports whether t and the outputs share t's dtype of fixed size.
func fixed(t *ir.Tensor, out ...*ir.Tensor) bool {
	if t == nil || elemSize(t.DType) <= 0 || t.DType == ir.String {
		return false
	}
	for _, o := range out {
		if o == nil || o.DType != t.DType {
			return false
		}
	}
	return true
}

// copyRun returns the kernel copying in[0] into out[0] with s from
// element offset so.
func copyRun(s *strided, so int) runFn {
	return func(in, out []*ir.Tensor) error {
		s.copy(codegen.Raw(out[0].Data), codegen.Raw(in[0].Data), 0, so)
		return nil
	}
}

func buildTranspose(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	x := input(in, 0)
	if !fixed(x, out[0]) {
		return nil
	}
	r := len(x.Shape)
	perm, _ := n.AttrInts("perm")
	if perm == nil {
		for i := r - 1; i >= 0; i-- {
			perm = append(perm, int64(i))
		}
	}
	if len(perm) != r || len(out[0].Shape) != r {
		return nil
	}
	ist := contiguous(x.Shape)
	src := make([]int, r)
	for d, p := range perm {
		if p < 0 || int(p) >= r || out[0].Shape[d] != x.Shape[p] {
			return nil
		}
		src[d] = ist[p]
	}
	return copyRun(newStrided(out[0].Shape, src, contiguous(out[0].Shape), elemSize(x.DType)), 0)
}

// axisOf resolves n's axis attribute against rank r.
func axisOf(n *ir.Node, def int64, r int) (int, bool) {
	a, err := kernel.NormAxis(n.AttrInt("axis", def), r)
	return a, err == nil
}

func buildConcat(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	if len(in) == 0 || !fixed(in[0], out[0]) {
		return nil
	}
	axis, ok := axisOf(n, 0, len(out[0].Shape))
	if !ok {
		return nil
	}
	ost := contiguous(out[0].Shape)
	var parts []*strided
	var offs []int
	at := int64(0)
	for _, t := range in {
		if !fixed(t, out[0]) || len(t.Shape) != len(out[0].Shape) {
			return nil
		}
		parts, offs = append(parts, newStrided(t.Shape, contiguous(t.Shape), ost, elemSize(t.DType))), append(offs, int(at)*ost[axis])
		at += t.Shape[axis]
	}
	if at != out[0].Shape[axis] {
		return nil
	}
	return func(in, out []*ir.Tensor) error {
		dst := codegen.Raw(out[0].Data)
		for i, p := range parts {
			p.copy(dst, codegen.Raw(in[i].Data), offs[i], 0)
		}
		return nil
	}
}

// buildSplit takes the outputs' planned shapes as the split sizes.
func buildSplit(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	x := input(in, 0)
	if !fixed(x, out...) {
		return nil
	}
	axis, ok := axisOf(n, 0, len(x.Shape))
	if !ok {
		return nil
	}
	ist := contiguous(x.Shape)
	var parts []*strided
	var offs []int
	at := int64(0)
	for _, o := range out {
		if len(o.Shape) != len(x.Shape) {
			return nil
		}
		parts, offs = append(parts, newStrided(o.Shape, ist, contiguous(o.Shape), elemSize(x.DType))), append(offs, int(at)*ist[axis])
		at += o.Shape[axis]
	}
	if at != x.Shape[axis] {
		return nil
	}
	return func(in, out []*ir.Tensor) error {
		src := codegen.Raw(in[0].Data)
		for i, p := range parts {
			p.copy(codegen.Raw(out[i].Data), src, 0, offs[i])
		}
		return nil
	}
}

// buildSlice reads starts, axes and steps from the recorded parameters;
// the planned output shape gives the counts.
func buildSlice(e *env, n *ir.Node, in, out []*ir.Tensor, params []*ir.Tensor) runFn {
	x := input(in, 0)
	if !fixed(x, out[0]) || n.Version < 10 || len(out[0].Shape) != len(x.Shape) {
		return nil
	}
	r := len(x.Shape)
	starts, axes, steps := intsOf(input(params, 1)), intsOf(input(params, 3)), intsOf(input(params, 4))
	if starts == nil || input(in, 3) != nil && axes == nil || input(in, 4) != nil && steps == nil {
		return nil
	}
	ist := contiguous(x.Shape)
	src := slicesClone(ist)
	so := 0
	for i, s := range starts {
		a, step := int64(i), int64(1)
		if axes != nil {
			a = axes[i]
		}
		if steps != nil {
			step = steps[i]
		}
		ax, err := kernel.NormAxis(a, r)
		if err != nil || step == 0 {
			return nil
		}
		dim := x.Shape[ax]
		if s < 0 {
			s += dim
		}
		if step > 0 {
			s = min(max(s, 0), dim)
		} else {
			s = min(max(s, 0), dim-1)
		}
		so += int(s) * ist[ax]
		src[ax] = ist[ax] * int(step)
	}
	return copyRun(newStrided(out[0].Shape, src, contiguous(out[0].Shape), elemSize(x.DType)), so)
}

func slicesClone(s []int) []int { return append([]int(nil), s...) }

// intsOf returns an int64 parameter's values, or nil.
func intsOf(t *ir.Tensor) []int64 {
	if t == nil {
		return nil
	}
	switch d := t.Data.(type) {
	case []int64:
		return d
	case []int32:
		v := make([]int64, len(d))
		for i, x := range d {
			v[i] = int64(x)
		}
		return v
	}
	return nil
}

func buildExpand(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	x := input(in, 0)
	if !fixed(x, out[0]) || len(x.Shape) > len(out[0].Shape) {
		return nil
	}
	if bs, err := kernel.BroadcastShapes(x.Shape, out[0].Shape); err != nil || numel(bs) != numel(out[0].Shape) {
		return nil
	}
	var src []int
	for _, s := range kernel.BroadcastStrides(x.Shape, out[0].Shape) {
		src = append(src, int(s))
	}
	return copyRun(newStrided(out[0].Shape, src, contiguous(out[0].Shape), elemSize(x.DType)), 0)
}

// buildGather copies rows of data picked by int64 or int32 indices.
func buildGather(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	x, idx := input(in, 0), input(in, 1)
	if !fixed(x, out[0]) || idx == nil || idx.DType != ir.Int64 && idx.DType != ir.Int32 || len(x.Shape) == 0 {
		return nil
	}
	axis, ok := axisOf(n, 0, len(x.Shape))
	if !ok {
		return nil
	}
	outer := numel(x.Shape[:axis])
	dim := int(x.Shape[axis])
	row := numel(x.Shape[axis+1:]) * elemSize(x.DType)
	count := numel(idx.Shape)
	if numel(out[0].Shape) != outer*count*numel(x.Shape[axis+1:]) {
		return nil
	}
	return func(in, out []*ir.Tensor) error {
		src, dst := codegen.Raw(in[0].Data), codegen.Raw(out[0].Data)
		for j := range count {
			var k int
			switch d := in[1].Data.(type) {
			case []int64:
				k = int(d[j])
			case []int32:
				k = int(d[j])
			}
			if k < 0 {
				k += dim
			}
			if k < 0 || k >= dim {
				return fmt.Errorf("index %d out of range for dim %d", k, dim)
			}
			for o := range outer {
				copy(dst[(o*count+j)*row:(o*count+j+1)*row], src[(o*dim+k)*row:(o*dim+k+1)*row])
			}
		}
		return nil
	}
}
