package passes

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// divToMul turns Div(x, c) by a float constant c whose every element is a
// power of two into Mul(x, 1/c). The rewrite is exact: 1/c is a power of
// two too, held exactly in c's type (checked), and both x/c and x·(1/c)
// are the correctly rounded value of the same real number, so outputs are
// identical bit for bit. Any other divisor stays a Div (x/3 and x·(1/3)
// differ in the last bit).
func divToMul(g *ir.Graph, c Counters) error {
	nm := newValueNamer(g)
	forEachGraph(g, func(sg *ir.Graph) {
		recips := map[*ir.Value]*ir.Value{} // per graph: a constant is visible where it is defined
		version := sinceVersion(g, "Mul")
		for _, n := range sg.Nodes {
			if n.Domain != "" || n.Op != "Div" || len(n.Inputs) != 2 || n.Inputs[0] == nil || version == 0 {
				continue
			}
			d := n.Inputs[1]
			r, ok := recips[d]
			if !ok {
				if t := exactReciprocal(d); t != nil {
					r = nm.constant(sg, d.Name+"_reciprocal", t)
				}
				recips[d] = r
			}
			if r == nil {
				continue
			}
			n.Op, n.Version, n.Inputs[1] = "Mul", version, r
			c.Add("Div by power of two to Mul", 1)
		}
	})
	return nil
}

// exactReciprocal returns 1/v for a float constant v of powers of two
// whose reciprocals its type holds exactly, else nil.
func exactReciprocal(v *ir.Value) *ir.Tensor {
	if v == nil || v.Const == nil || !gemmType(v.Const.DType) || v.Const.Check() != nil {
		return nil
	}
	vals := v.Const.Float64s()
	recip := make([]float64, len(vals))
	for i, x := range vals {
		if frac, _ := math.Frexp(x); math.Abs(frac) != 0.5 || math.IsInf(x, 0) {
			return nil
		}
		recip[i] = 1 / x
	}
	t, err := ir.FromFloat64s(v.Const.DType, v.Const.Shape, recip)
	if err != nil || !slices.Equal(t.Float64s(), recip) {
		return nil // 1/x overflows or is subnormal beyond the type's reach
	}
	return t
}
