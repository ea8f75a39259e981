package kernel

import (
	"fmt"

	"github.com/tfc-project/tfc/ir"
)

// Strides returns the row-major element strides of shape.
func Strides(shape []int64) []int64 {
	s := make([]int64, len(shape))
	acc := int64(1)
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}

// BroadcastShapes returns the numpy-style broadcast of the given shapes.
func BroadcastShapes(shapes ...[]int64) ([]int64, error) {
	rank := 0
	for _, s := range shapes {
		if len(s) > rank {
			rank = len(s)
		}
	}
	out := make([]int64, rank)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		off := rank - len(s)
		for i, d := range s {
			switch {
			case d == out[off+i] || d == 1:
			case out[off+i] == 1:
				out[off+i] = d
			default:
				return nil, fmt.Errorf("shapes %v cannot be broadcast together", shapes)
			}
		}
	}
	if _, err := ir.NumElements(out); err != nil {
		return nil, err
	}
	return out, nil
}

// BroadcastStrides returns, for a tensor of shape in broadcast to out, the
// stride of each of out's dims in the input (0 where the input is broadcast).
func BroadcastStrides(in, out []int64) []int64 {
	st := Strides(in)
	res := make([]int64, len(out))
	off := len(out) - len(in)
	for i := range in {
		if in[i] != 1 {
			res[off+i] = st[i]
		}
	}
	return res
}

// BroadcastIndex maps every flat index of out to the flat index of a tensor
// of shape in broadcast to it. The result has one entry per element of out.
func BroadcastIndex(in, out []int64) []int {
	n, _ := ir.NumElements(out)
	idx := make([]int, n)
	bs := BroadcastStrides(in, out)
	counter := make([]int64, len(out))
	pos := int64(0)
	for i := int64(0); i < n; i++ {
		idx[i] = int(pos)
		for d := len(out) - 1; d >= 0; d-- {
			counter[d]++
			pos += bs[d]
			if counter[d] < out[d] {
				break
			}
			pos -= bs[d] * out[d]
			counter[d] = 0
		}
	}
	return idx
}

// NormAxis resolves a possibly negative axis against rank.
func NormAxis(axis int64, rank int) (int, error) {
	a := axis
	if a < 0 {
		a += int64(rank)
	}
	if a < 0 || a >= int64(rank) {
		return 0, fmt.Errorf("axis %d out of range for rank %d", axis, rank)
	}
	return int(a), nil
}

// NormAxes resolves a list of possibly negative axes, refusing duplicates.
func NormAxes(axes []int64, rank int) ([]int, error) {
	out := make([]int, len(axes))
	seen := map[int]bool{}
	for i, a := range axes {
		n, err := NormAxis(a, rank)
		if err != nil {
			return nil, err
		}
		if seen[n] {
			return nil, fmt.Errorf("axis %d repeated in %v", a, axes)
		}
		seen[n] = true
		out[i] = n
	}
	return out, nil
}

// Product multiplies dims[lo:hi].
func Product(dims []int64, lo, hi int) int64 {
	p := int64(1)
	for _, d := range dims[lo:hi] {
		p *= d
	}
	return p
}
