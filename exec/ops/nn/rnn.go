package nn

import (
	"math"
	"slices"
	"strings"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// rnnActivation is one activation function of the RNN family, with the
// default alpha and beta of the ONNX op of the same name; uses says how
// many of alpha, beta it reads.
type rnnActivation struct {
	f           func(x, alpha, beta float64) float64
	alpha, beta float64
	uses        int
}

// rnnActivations holds the RNN activations by lower-case name.
var rnnActivations = map[string]rnnActivation{
	"relu":    {f: func(x, _, _ float64) float64 { return math.Max(x, 0) }},
	"tanh":    {f: func(x, _, _ float64) float64 { return math.Tanh(x) }},
	"sigmoid": {f: func(x, _, _ float64) float64 { return 1 / (1 + math.Exp(-x)) }},
	"affine":  {f: func(x, a, b float64) float64 { return a*x + b }, alpha: 1, uses: 2},
	"leakyrelu": {f: func(x, a, _ float64) float64 {
		if x >= 0 {
			return x
		}
		return a * x
	}, alpha: 0.01, uses: 1},
	"thresholdedrelu": {f: func(x, a, _ float64) float64 {
		if x >= a {
			return x
		}
		return 0
	}, alpha: 1, uses: 1},
	"scaledtanh":  {f: func(x, a, b float64) float64 { return a * math.Tanh(b*x) }, alpha: 1, beta: 1, uses: 2},
	"hardsigmoid": {f: func(x, a, b float64) float64 { return math.Min(math.Max(a*x+b, 0), 1) }, alpha: 0.2, beta: 0.5, uses: 2},
	"elu": {f: func(x, a, _ float64) float64 {
		if x >= 0 {
			return x
		}
		return a * (math.Exp(x) - 1)
	}, alpha: 1, uses: 1},
	"softsign": {f: func(x, _, _ float64) float64 { return x / (1 + math.Abs(x)) }},
	"softplus": {f: func(x, _, _ float64) float64 { return math.Log1p(math.Exp(x)) }},
}

// rnnCell is the state of one sequence in one direction at one time step,
// and what its gates need: x[g] is X_t*W_g^T + Wb_g, rb[g] is Rb_g,
// mulR(v, g) is v*R_g^T, p[k] the peepholes (LSTM), act the activations.
// A cell step updates h (and c) in place.
type rnnCell struct {
	x, rb, p [][]float64
	mulR     func(v []float64, g int) []float64
	h, c     []float64
	act      []func(float64) float64
	node     *ir.Node
}

// gate returns act(x[g] + mulR(v, g) + rb[g] + extra) element-wise
// (extra may be nil).
func (c *rnnCell) gate(act func(float64) float64, g int, v, extra []float64) []float64 {
	out := c.mulR(v, g)
	for j := range out {
		out[j] += c.x[g][j] + c.rb[g][j]
		if extra != nil {
			out[j] += extra[j]
		}
		out[j] = act(out[j])
	}
	return out
}

// times returns a ⊙ b.
func times(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] * b[i]
	}
	return out
}

// rnnStep is RNN's cell: H = f(X*W^T + H*R^T + Wb + Rb).
func rnnStep(c *rnnCell) { copy(c.h, c.gate(c.act[0], 0, c.h, nil)) }

// gruStep is GRU's cell (gates z, r, h).
func gruStep(c *rnnCell) {
	z := c.gate(c.act[0], 0, c.h, nil)
	r := c.gate(c.act[0], 1, c.h, nil)
	var hh []float64
	if c.node.AttrInt("linear_before_reset", 0) != 0 {
		hh = c.mulR(c.h, 2)
		for j := range hh {
			hh[j] = c.act[1](c.x[2][j] + r[j]*(hh[j]+c.rb[2][j]))
		}
	} else {
		hh = c.gate(c.act[1], 2, times(r, c.h), nil)
	}
	for j := range c.h {
		c.h[j] = (1-z[j])*hh[j] + z[j]*c.h[j]
	}
}

// lstmStep is LSTM's cell (gates i, o, f, c; peepholes i, o, f).
func lstmStep(c *rnnCell) {
	i := c.gate(c.act[0], 0, c.h, times(c.p[0], c.c))
	f := c.gate(c.act[0], 2, c.h, times(c.p[2], c.c))
	if c.node.AttrInt("input_forget", 0) != 0 {
		for j := range f {
			f[j] = 1 - i[j]
		}
	}
	cand := c.gate(c.act[1], 3, c.h, nil)
	for j := range c.c {
		c.c[j] = f[j]*c.c[j] + i[j]*cand[j]
	}
	o := c.gate(c.act[0], 1, c.h, times(c.p[1], c.c))
	for j := range c.h {
		c.h[j] = o[j] * c.act[2](c.c[j])
	}
}

// rnnOp describes one op of the RNN family: its number of gates, its
// default activations (per direction) and its cell step.
type rnnOp struct {
	gates int
	acts  []string
	step  func(*rnnCell)
	lstm  bool
}

// activations reads the activations, activation_alpha and
// activation_beta attributes: n functions per direction, alpha and beta
// consumed in order by the functions that use them.
func (op rnnOp) activations(ctx *kernel.Context, dirs int) ([]func(float64) float64, error) {
	names := slices.Clone(op.acts)
	if a := ctx.Node.Attr("activations"); a != nil && len(a.Strings) > 0 {
		names = a.Strings
	} else if dirs == 2 {
		names = append(names, op.acts...)
	}
	if len(names) != len(op.acts)*dirs {
		return nil, ctx.Errorf("activations %v: want %d per direction", names, len(op.acts))
	}
	alphas, _ := ctx.Node.AttrFloats("activation_alpha")
	betas, _ := ctx.Node.AttrFloats("activation_beta")
	var out []func(float64) float64
	for _, name := range names {
		a, ok := rnnActivations[strings.ToLower(name)]
		if !ok {
			return nil, ctx.Errorf("unknown activation %q", name)
		}
		if a.uses >= 1 && len(alphas) > 0 {
			a.alpha, alphas = float64(alphas[0]), alphas[1:]
		}
		if a.uses >= 2 && len(betas) > 0 {
			a.beta, betas = float64(betas[0]), betas[1:]
		}
		f := a.f
		alpha, beta := a.alpha, a.beta
		clip := float64(ctx.Node.AttrFloat("clip", 0))
		out = append(out, func(x float64) float64 {
			if clip > 0 {
				x = math.Min(math.Max(x, -clip), clip)
			}
			return f(x, alpha, beta)
		})
	}
	return out, nil
}

// rnnLayout maps the (time, direction, batch) coordinates of X, Y and the
// states to flat offsets (in units of rows) for layout 0 or 1.
type rnnLayout struct {
	seq, dirs, batch int
	batchFirst       bool
}

func (l rnnLayout) x(t, b int) int {
	if l.batchFirst {
		return b*l.seq + t
	}
	return t*l.batch + b
}

func (l rnnLayout) y(t, d, b int) int {
	if l.batchFirst {
		return (b*l.seq+t)*l.dirs + d
	}
	return (t*l.dirs+d)*l.batch + b
}

func (l rnnLayout) state(d, b int) int {
	if l.batchFirst {
		return b*l.dirs + d
	}
	return d*l.batch + b
}

func (l rnnLayout) yShape(hs int) []int64 {
	if l.batchFirst {
		return []int64{int64(l.batch), int64(l.seq), int64(l.dirs), int64(hs)}
	}
	return []int64{int64(l.seq), int64(l.dirs), int64(l.batch), int64(hs)}
}

func (l rnnLayout) stateShape(hs int) []int64 {
	if l.batchFirst {
		return []int64{int64(l.batch), int64(l.dirs), int64(hs)}
	}
	return []int64{int64(l.dirs), int64(l.batch), int64(hs)}
}

// shapeIs checks that t (if present) has the given shape.
func shapeIs(ctx *kernel.Context, t *ir.Tensor, what string, want ...int64) error {
	if t != nil && !slices.Equal(t.Shape, want) {
		return ctx.Errorf("%s has shape %v, want %v", what, t.Shape, want)
	}
	return nil
}

// values returns t's elements, or n zeros when t is absent.
func values(t *ir.Tensor, n int) []float64 {
	if t == nil {
		return make([]float64, n)
	}
	return t.Float64s()
}

// rnnInputs is an RNN-family node's inputs, read and checked: the X, W,
// R, B and P elements, the states (initial, then final), every sequence's
// length and the activations of every direction.
type rnnInputs struct {
	l                 rnnLayout
	hidden, width     int
	reverse           bool
	x, w, r, b, p     []float64
	h, c              []float64
	lens              []int64
	acts              []func(float64) float64
	stateShape, shape []int64
}

// read reads and checks the inputs X, W, R, B, sequence_lens, initial_h
// (and for LSTM initial_c, P).
func (op rnnOp) read(ctx *kernel.Context, in []*ir.Tensor) (*rnnInputs, error) {
	x, w, r, b, lens, h0 := in[0], in[1], in[2], optional(in, 3), optional(in, 4), optional(in, 5)
	c0, peep := optional(in, 6), optional(in, 7)
	if !op.lstm {
		c0, peep = nil, nil
	}
	if err := floatInputs(ctx, x, w, r, b, h0, c0, peep); err != nil {
		return nil, err
	}
	n := ctx.Node
	u := &rnnInputs{}
	dirs := 1
	switch dir := n.AttrString("direction", "forward"); dir {
	case "bidirectional":
		dirs = 2
	case "reverse":
		u.reverse = true
	case "forward":
	default:
		return nil, ctx.Errorf("unknown direction %q", dir)
	}
	if x.Rank() != 3 || r.Rank() != 3 {
		return nil, ctx.Errorf("X %v and R %v must be 3-D", x.Shape, r.Shape)
	}
	hs, g := int(r.Shape[2]), op.gates
	u.hidden, u.width = hs, int(x.Shape[2])
	u.l = rnnLayout{seq: int(x.Shape[0]), dirs: dirs, batch: int(x.Shape[1]), batchFirst: n.AttrInt("layout", 0) != 0}
	if u.l.batchFirst {
		u.l.seq, u.l.batch = u.l.batch, u.l.seq
	}
	if h := n.AttrInt("hidden_size", int64(hs)); h != int64(hs) {
		return nil, ctx.Errorf("hidden_size %d, R has shape %v", h, r.Shape)
	}
	u.stateShape, u.shape = u.l.stateShape(hs), u.l.yShape(hs)
	for _, e := range []error{
		shapeIs(ctx, w, "W", int64(dirs), int64(g*hs), int64(u.width)),
		shapeIs(ctx, r, "R", int64(dirs), int64(g*hs), int64(hs)),
		shapeIs(ctx, b, "B", int64(dirs), int64(2*g*hs)),
		shapeIs(ctx, lens, "sequence_lens", int64(u.l.batch)),
		shapeIs(ctx, h0, "initial_h", u.stateShape...), shapeIs(ctx, c0, "initial_c", u.stateShape...),
		shapeIs(ctx, peep, "P", int64(dirs), int64(3*hs)),
		checkSizes(ctx, u.shape),
	} {
		if e != nil {
			return nil, e
		}
	}
	var err error
	if u.acts, err = op.activations(ctx, dirs); err != nil {
		return nil, err
	}
	u.lens = make([]int64, u.l.batch)
	for i := range u.lens {
		u.lens[i] = int64(u.l.seq)
	}
	if lens != nil {
		u.lens = lens.Int64s()
		for _, s := range u.lens {
			if s < 0 || s > int64(u.l.seq) {
				return nil, ctx.Errorf("sequence length %d outside [0, %d]", s, u.l.seq)
			}
		}
	}
	u.x, u.w, u.r = x.Float64s(), w.Float64s(), r.Float64s()
	u.b, u.p = values(b, dirs*2*g*hs), values(peep, dirs*3*hs)
	u.h, u.c = values(h0, u.l.batch*dirs*hs), values(c0, u.l.batch*dirs*hs)
	return u, nil
}

// run computes Y, leaving the final states in u.h and u.c.
func (op rnnOp) run(u *rnnInputs, n *ir.Node) []float64 {
	l, hs, g, width := u.l, u.hidden, op.gates, u.width
	y := make([]float64, l.seq*l.dirs*l.batch*hs)
	for d := 0; d < l.dirs; d++ {
		wd, rd := u.w[d*g*hs*width:], u.r[d*g*hs*hs:]
		cell := &rnnCell{act: u.acts[d*len(op.acts) : (d+1)*len(op.acts)], node: n,
			mulR: func(v []float64, gi int) []float64 { return matVec(rd[gi*hs*hs:], v, hs) }}
		for gi := 0; gi < g; gi++ {
			cell.rb = append(cell.rb, u.b[(d*2*g+g+gi)*hs:][:hs])
		}
		for k := 0; k < 3; k++ {
			cell.p = append(cell.p, u.p[(d*3+k)*hs:][:hs])
		}
		for bi := 0; bi < l.batch; bi++ {
			s := l.state(d, bi) * hs
			cell.h, cell.c = u.h[s:s+hs], u.c[s:s+hs]
			for step := 0; step < int(u.lens[bi]); step++ {
				t := step
				if d == 1 || u.reverse {
					t = int(u.lens[bi]) - 1 - step
				}
				xt := u.x[l.x(t, bi)*width:][:width]
				cell.x = cell.x[:0]
				for gi := 0; gi < g; gi++ {
					xg := matVec(wd[gi*hs*width:], xt, hs)
					for j := range xg {
						xg[j] += u.b[(d*2*g+gi)*hs+j]
					}
					cell.x = append(cell.x, xg)
				}
				op.step(cell)
				copy(y[l.y(t, d, bi)*hs:], cell.h)
			}
		}
	}
	return y
}

// kernelFunc makes the op's kernel: outputs Y, Y_h (and for LSTM Y_c).
func (op rnnOp) kernelFunc() kernel.Func {
	return func(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
		u, err := op.read(ctx, in)
		if err != nil {
			return nil, err
		}
		y := op.run(u, ctx.Node)
		outs := outputSlots(ctx, 3)
		for i, o := range []struct {
			shape []int64
			v     []float64
		}{{u.shape, y}, {u.stateShape, u.h}, {u.stateShape, u.c}}[:len(outs)] {
			if wanted(ctx, i) {
				if outs[i], err = fromFloats(ctx, in[0].DType, o.shape, o.v); err != nil {
					return nil, err
				}
			}
		}
		return outs, nil
	}
}

// matVec returns m*v for the rows x len(v) matrix at the start of m.
func matVec(m, v []float64, rows int) []float64 {
	out := make([]float64, rows)
	for i := range out {
		out[i] = dot(m[i*len(v):(i+1)*len(v)], v)
	}
	return out
}

// The RNN family: RNN, GRU and LSTM (all versions).
var (
	rnnOpRNN  = rnnOp{gates: 1, acts: []string{"Tanh"}, step: rnnStep}
	rnnOpGRU  = rnnOp{gates: 3, acts: []string{"Sigmoid", "Tanh"}, step: gruStep}
	rnnOpLSTM = rnnOp{gates: 4, acts: []string{"Sigmoid", "Tanh", "Tanh"}, step: lstmStep, lstm: true}
)
