package cuda

import "fmt"

// maxRank is MAX_RANK of kernels/common.cuh.
const maxRank = 6

// bcast mirrors struct Bcast of kernels/common.cuh: an output of N
// elements of the given shape and two operands' element strides.
type bcast struct {
	Rank, N       int64
	Shape, SA, SB [maxRank]int64
}

// broadcast addresses operands of shapes a and b broadcast to out.
func broadcast(out, a, b []int64) (bcast, error) {
	sa, err := broadcastStrides(out, a)
	if err != nil {
		return bcast{}, err
	}
	sb, err := broadcastStrides(out, b)
	if err != nil {
		return bcast{}, err
	}
	return strided(out, sa, sb)
}

// broadcastStrides are the strides of a contiguous operand of shape in
// read as out (0 along broadcast dims).
func broadcastStrides(out, in []int64) ([]int64, error) {
	if len(in) > len(out) {
		return nil, fmt.Errorf("shape %v does not broadcast to %v", in, out)
	}
	st := make([]int64, len(out))
	own := rowMajorStrides(in)
	for d := range in {
		od := d + len(out) - len(in)
		switch {
		case in[d] == out[od]:
			st[od] = own[d]
		case in[d] == 1:
		default:
			return nil, fmt.Errorf("shape %v does not broadcast to %v", in, out)
		}
	}
	return st, nil
}

// strided builds the bcast of out with operand strides sa and sb, merging
// dims both operands walk contiguously and dropping dims of size 1, so
// that common cases (same shapes, a bias row) take one or two dims.
func strided(out, sa, sb []int64) (bcast, error) {
	var shape, a, b []int64
	for d, n := range out {
		switch {
		case n == 1:
		case len(shape) > 0 && a[len(a)-1] == sa[d]*n && b[len(b)-1] == sb[d]*n:
			last := len(shape) - 1
			shape[last] *= n
			a[last], b[last] = sa[d], sb[d]
		default:
			shape, a, b = append(shape, n), append(a, sa[d]), append(b, sb[d])
		}
	}
	if len(shape) > maxRank {
		return bcast{}, fmt.Errorf("shape %v has %d dims after merging, the kernels take %d", out, len(shape), maxRank)
	}
	s := bcast{Rank: int64(len(shape)), N: numel(out)}
	copy(s.Shape[:], shape)
	copy(s.SA[:], a)
	copy(s.SB[:], b)
	return s, nil
}
