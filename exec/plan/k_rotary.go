package plan

import (
	"slices"

	"github.com/tfc-project/tfc/ir"
)

func init() { kernels["ai.tfc:RotaryEmbedding"] = kernelDef{build: buildRotary} }

// rotaryKernel runs RotaryEmbedding(X, Cos, Sin) = X·Cos +
// rotate_half(X)·Sin, rotate_half(X) = (−X[..., D/2:], X[..., :D/2]), one
// row of D at a time; Cos and Sin broadcast to X by whole rows.
type rotaryKernel struct {
	d          int
	offs       []int // per row of X, the offset of its Cos and Sin row
	x, c, s, y []float32
	body       func(lo, hi int)
}

func buildRotary(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	x, cos, sin := input(in, 0), input(in, 1), input(in, 2)
	if !f32(x, cos, sin, out[0]) || len(x.Shape) == 0 || numel(out[0].Shape) != numel(x.Shape) {
		return nil
	}
	d := int(x.Shape[len(x.Shape)-1])
	if d == 0 || d%2 != 0 || len(cos.Shape) == 0 || cos.Shape[len(cos.Shape)-1] != int64(d) || !slices.Equal(cos.Shape, sin.Shape) {
		return nil
	}
	offs, ok := rowOffsets(x.Shape[:len(x.Shape)-1], cos.Shape[:len(cos.Shape)-1], d)
	if !ok {
		return nil
	}
	k := &rotaryKernel{d: d, offs: offs}
	k.body = k.rows
	return func(in, out []*ir.Tensor) error {
		k.x, k.c, k.s, k.y = opt(in[0]), opt(in[1]), opt(in[2]), opt(out[0])
		e.parallel(len(k.offs), k.body)
		return nil
	}
}

func (k *rotaryKernel) rows(lo, hi int) {
	h := k.d / 2
	for r := lo; r < hi; r++ {
		x, y := k.x[r*k.d:(r+1)*k.d], k.y[r*k.d:(r+1)*k.d]
		c, s := k.c[k.offs[r]:k.offs[r]+k.d], k.s[k.offs[r]:k.offs[r]+k.d]
		x1, x2 := x[:h], x[h:]
		for i := range h {
			y[i] = x1[i]*c[i] - x2[i]*s[i]
		}
		for i := range h {
			y[h+i] = x2[i]*c[h+i] + x1[i]*s[h+i]
		}
	}
}

// rowOffsets maps each row of a tensor with leading dims lead (rows of d)
// to the offset of the row it reads in one with leading dims of (right
// aligned, each equal or 1); ok is false when of does not broadcast so.
func rowOffsets(lead, of []int64, d int) ([]int, bool) {
	if len(of) > len(lead) {
		return nil, false
	}
	pad := len(lead) - len(of)
	strides := make([]int, len(lead)) // of's row stride per dim of lead, 0 when broadcast
	stride := d
	for i := len(lead) - 1; i >= pad; i-- {
		switch of[i-pad] {
		case lead[i]:
			strides[i] = stride
		case 1:
		default:
			return nil, false
		}
		stride *= int(of[i-pad])
	}
	offs := make([]int, numel(lead))
	idx := make([]int, len(lead))
	for r := range offs {
		off := 0
		for i, v := range idx {
			off += v * strides[i]
		}
		offs[r] = off
		for i := len(idx) - 1; i >= 0; i-- { // next row index
			if idx[i]++; idx[i] < int(lead[i]) {
				break
			}
			idx[i] = 0
		}
	}
	return offs, true
}
