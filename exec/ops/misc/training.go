package misc

import (
	"math"
	"slices"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// stepFunc returns the elementwise update of an optimizer for node n,
// learning rate r and update count t. The update gets one element's values
// X, G and then the optimizer's state (e.g. V, H), and returns X's new
// value followed by the new state.
type stepFunc func(n *ir.Node, r, t float64) func(v []float64) []float64

// optimizer returns the kernel of a training optimizer whose inputs are R,
// T and then `groups` equally long runs of tensors (the optimized tensors,
// their gradients, then each state), and whose outputs are the runs of new
// values and new states.
func optimizer(groups int, step stepFunc) kernel.Func {
	return func(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
		rest := in[2:]
		if len(rest) == 0 || len(rest)%groups != 0 {
			return nil, ctx.Errorf("needs R, T and %d runs of equally many tensors, got %d inputs", groups, len(in))
		}
		k := len(rest) / groups
		update := step(ctx.Node, scalarInput(in[0], 0), scalarInput(in[1], 0))
		out := make([]*ir.Tensor, (groups-1)*k)
		for j := 0; j < k; j++ {
			x := rest[j]
			vals := make([][]float64, groups)
			for g := range groups {
				t := rest[g*k+j]
				if t == nil || !slices.Equal(t.Shape, x.Shape) || !t.DType.IsFloat() {
					return nil, ctx.Errorf("input %d must be a float tensor of shape %v", 2+g*k+j, x.Shape)
				}
				vals[g] = t.Float64s()
			}
			res := make([][]float64, groups-1)
			for g := range res {
				res[g] = make([]float64, len(vals[0]))
			}
			v := make([]float64, groups)
			for i := range vals[0] {
				for g := range v {
					v[g] = vals[g][i]
				}
				for g, r := range update(v) {
					res[g][i] = r
				}
			}
			for g, r := range res {
				src := g // the input run of output run g: the gradients have none
				if g > 0 {
					src++
				}
				t, err := ir.FromFloat64s(rest[src*k+j].DType, x.Shape, r)
				if err != nil {
					return nil, ctx.Errorf("%v", err)
				}
				out[g*k+j] = t
			}
		}
		return out, nil
	}
}

// attr reads a float attribute as float64.
func attr(n *ir.Node, name string, def float32) float64 { return float64(n.AttrFloat(name, def)) }

// adagrad is the step of Adagrad: values X, G, H.
func adagrad(n *ir.Node, r, t float64) func(v []float64) []float64 {
	r /= 1 + t*attr(n, "decay_factor", 0)
	eps, norm := attr(n, "epsilon", 0), attr(n, "norm_coefficient", 0)
	return func(v []float64) []float64 {
		g := norm*v[0] + v[1]
		h := v[2] + g*g
		return []float64{v[0] - r*g/(math.Sqrt(h)+eps), h}
	}
}

// momentum is the step of Momentum, standard or Nesterov: values X, G, V.
func momentum(n *ir.Node, r, t float64) func(v []float64) []float64 {
	alpha, beta, norm := attr(n, "alpha", 0), attr(n, "beta", 0), attr(n, "norm_coefficient", 0)
	if t <= 0 {
		beta = 1
	}
	nesterov := n.AttrString("mode", "standard") == "nesterov"
	return func(v []float64) []float64 {
		g := norm*v[0] + v[1]
		vNew := alpha*v[2] + beta*g
		if nesterov {
			return []float64{v[0] - r*(g+alpha*vNew), vNew}
		}
		return []float64{v[0] - r*vNew, vNew}
	}
}

// adam is the step of Adam: values X, G, V, H.
func adam(n *ir.Node, r, t float64) func(v []float64) []float64 {
	alpha, beta := attr(n, "alpha", 0.9), attr(n, "beta", 0.999)
	eps, norm, post := attr(n, "epsilon", 0), attr(n, "norm_coefficient", 0), attr(n, "norm_coefficient_post", 0)
	if t > 0 {
		r *= math.Sqrt(1-math.Pow(beta, t)) / (1 - math.Pow(alpha, t))
	}
	return func(v []float64) []float64 {
		g := norm*v[0] + v[1]
		vNew := alpha*v[2] + (1-alpha)*g
		h := beta*v[3] + (1-beta)*g*g
		x := v[0] - r*vNew/(math.Sqrt(h)+eps)
		return []float64{(1 - post) * x, vNew, h}
	}
}
