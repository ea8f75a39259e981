package reduce

import (
	"math"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// det is Det: the determinant of each square matrix in the last two axes,
// by Gaussian elimination with partial pivoting in float64.
func det(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	r := x.Rank()
	if r < 2 || x.Shape[r-1] != x.Shape[r-2] {
		return nil, ctx.Errorf("input must be square matrices (*, M, M), got %v", x.Shape)
	}
	m := int(x.Shape[r-1])
	vals := x.Float64s()
	out := make([]float64, int(kernel.Product(x.Shape, 0, r-2)))
	for b := range out {
		out[b] = determinant(vals[b*m*m:(b+1)*m*m], m)
	}
	return ir.FromFloat64s(x.DType, x.Shape[:r-2], out)
}

// determinant computes the determinant of the m×m row-major matrix a,
// overwriting a.
func determinant(a []float64, m int) float64 {
	d := 1.0
	for c := 0; c < m; c++ {
		p := c
		for i := c + 1; i < m; i++ {
			if math.Abs(a[i*m+c]) > math.Abs(a[p*m+c]) {
				p = i
			}
		}
		if a[p*m+c] == 0 {
			return 0
		}
		if p != c {
			for j := 0; j < m; j++ {
				a[p*m+j], a[c*m+j] = a[c*m+j], a[p*m+j]
			}
			d = -d
		}
		d *= a[c*m+c]
		for i := c + 1; i < m; i++ {
			f := a[i*m+c] / a[c*m+c]
			for j := c; j < m; j++ {
				a[i*m+j] -= f * a[c*m+j]
			}
		}
	}
	return d
}
