package plan

import (
	"math"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec/gemm"
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// registerElementwise adds the broadcasting binary ops, Where, the float32
// unary ops and Cast.
func registerElementwise() {
	for _, op := range []string{"Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater", "Where"} {
		kernels[op] = kernelDef{build: buildBroadcast}
	}
	for op := range unaryOps {
		kernels[op] = kernelDef{build: buildUnary}
	}
	kernels["Cast"] = kernelDef{build: buildCast}
}

// bcast is the iteration plan of an op whose inputs broadcast to its
// output: the output is outer rows of inner elements; input i reads row r
// from offs[i][r] with stride steps[i] (1, or 0 when broadcast along the
// row).
type bcast struct {
	inner, outer int
	offs         [][]int
	steps        []int
}

// newBcast plans inputs of shapes ins broadcast to out.
func newBcast(out []int64, ins ...[]int64) *bcast {
	r := len(out)
	full := func(i, d int) bool { // input i spans out's dim d
		off := d - (r - len(ins[i]))
		return off >= 0 && ins[i][off] == out[d]
	}
	d := r - 1
	for d >= 0 && out[d] == 1 {
		d--
	}
	inner := 1
	if d >= 0 {
		inner = int(out[d])
		for e := d - 1; e >= 0; e-- {
			same := true
			for i := range ins {
				same = same && (out[e] == 1 || full(i, e) == full(i, d))
			}
			if !same {
				break
			}
			inner *= int(out[e])
		}
	}
	b := &bcast{inner: inner, outer: numel(out) / max(inner, 1)}
	for i, s := range ins {
		step := 0
		if d >= 0 && full(i, d) {
			step = 1
		}
		idx := kernel.BroadcastIndex(s, out)
		offs := make([]int, b.outer)
		for row := range offs {
			offs[row] = idx[row*inner]
		}
		b.offs, b.steps = append(b.offs, offs), append(b.steps, step)
	}
	return b
}

// elemKernel runs an elementwise loop over the n output elements of an
// op, split into contiguous ranges on the pool when n is large. The loop
// is made once, in the builder, and reads slices the kernel sets before
// each run, so that runs do not allocate.
type elemKernel struct {
	e     *env
	n     int
	parts int
	loop  func(lo, hi int) // output elements [lo, hi)
	body  func(plo, phi int)
}

// minParallel is the fewest output elements an elementwise kernel splits
// over the pool: below it, handing out the parts costs more than it
// saves.
const minParallel = 1 << 15

func newElemKernel(e *env, n int, loop func(lo, hi int)) *elemKernel {
	k := &elemKernel{e: e, n: n, parts: 1, loop: loop}
	if n >= minParallel {
		k.parts = max(1, min(e.pool.Threads(), n/(minParallel/2)))
	}
	k.body = func(plo, phi int) { k.loop(plo*k.n/k.parts, phi*k.n/k.parts) }
	return k
}

// do runs the loop over every output element.
func (k *elemKernel) do() {
	if k.parts == 1 {
		k.loop(0, k.n)
		return
	}
	k.e.parallel(k.parts, k.body)
}

// piece returns the row of output element lo and the columns [c0, c1) of
// it that lie below hi.
func (p *bcast) piece(lo, hi int) (r, c0, c1 int) {
	r = lo / p.inner
	c0 = lo - r*p.inner
	return r, c0, min(p.inner, c0+hi-lo)
}

// binary applies f over a, b broadcast into y, output elements [lo, hi).
func binary[T, U any](p *bcast, a, b []T, y []U, f func(x, y T) U, lo, hi int) {
	sa, sb := p.steps[0], p.steps[1]
	for lo < hi {
		r, c0, c1 := p.piece(lo, hi)
		lo += c1 - c0
		ia, ib := p.offs[0][r]+c0*sa, p.offs[1][r]+c0*sb
		row := y[r*p.inner+c0 : r*p.inner+c1]
		if sa == 1 && sb == 1 {
			a, b := a[ia:ia+len(row)], b[ib:ib+len(row)]
			for i := range row {
				row[i] = f(a[i], b[i])
			}
			continue
		}
		for i := range row {
			row[i] = f(a[ia+i*sa], b[ib+i*sb])
		}
	}
}

// where fills y with x where c is true, else with z, output elements
// [lo, hi).
func where[T any](p *bcast, c []bool, x, z, y []T, lo, hi int) {
	sc, sx, sz := p.steps[0], p.steps[1], p.steps[2]
	for lo < hi {
		r, c0, c1 := p.piece(lo, hi)
		lo += c1 - c0
		ic, ix, iz := p.offs[0][r]+c0*sc, p.offs[1][r]+c0*sx, p.offs[2][r]+c0*sz
		row := y[r*p.inner+c0 : r*p.inner+c1]
		if sc == 1 && sx == 1 && sz == 0 {
			// A mask row choosing between a row and one value (the
			// attention masks of decoder exports).
			cr, xr, zv := c[ic:ic+len(row)], x[ix:ix+len(row)], z[iz]
			for i := range row {
				if cr[i] {
					row[i] = xr[i]
				} else {
					row[i] = zv
				}
			}
			continue
		}
		for i := range row {
			if c[ic+i*sc] {
				row[i] = x[ix+i*sx]
			} else {
				row[i] = z[iz+i*sz]
			}
		}
	}
}

// arith returns the function of a binary arithmetic or comparison op on
// T, or nil.
func arith[T int64 | float32](op string) (func(x, y T) T, func(x, y T) bool) {
	switch op {
	case "Add":
		return func(x, y T) T { return x + y }, nil
	case "Sub":
		return func(x, y T) T { return x - y }, nil
	case "Mul":
		return func(x, y T) T { return x * y }, nil
	case "Div":
		return func(x, y T) T { return x / y }, nil
	case "Equal":
		return nil, func(x, y T) bool { return x == y }
	case "Less":
		return nil, func(x, y T) bool { return x < y }
	case "Greater":
		return nil, func(x, y T) bool { return x > y }
	}
	return nil, nil
}

// buildBroadcast runs the binary ops and Where on float32 and int64 data
// (Where also on bool).
func buildBroadcast(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	if len(out) != 1 || out[0] == nil {
		return nil
	}
	shapes := make([][]int64, 0, len(in))
	for _, t := range in {
		if t == nil {
			return nil
		}
		shapes = append(shapes, t.Shape)
	}
	if bs, err := kernel.BroadcastShapes(shapes...); err != nil || numel(bs) != numel(out[0].Shape) || len(bs) != len(out[0].Shape) {
		return nil
	}
	p := newBcast(out[0].Shape, shapes...)
	if n.Op == "Where" {
		if len(in) != 3 || in[0].DType != ir.Bool || in[1].DType != in[2].DType || out[0].DType != in[1].DType {
			return nil
		}
		n := numel(out[0].Shape)
		switch in[1].DType {
		case ir.Float32:
			return whereFn[float32](e, p, n)
		case ir.Int64:
			return whereFn[int64](e, p, n)
		case ir.Bool:
			return whereFn[bool](e, p, n)
		}
		return nil
	}
	if len(in) != 2 || in[0].DType != in[1].DType {
		return nil
	}
	size := numel(out[0].Shape)
	switch in[0].DType {
	case ir.Float32:
		if op, ok := f32Ops[n.Op]; ok {
			var a, b, y []float32
			k := newElemKernel(e, size, func(lo, hi int) { binaryF32(p, op, a, b, y, lo, hi) })
			return func(in, out []*ir.Tensor) error {
				a, b, y = in[0].Data.([]float32), in[1].Data.([]float32), out[0].Data.([]float32)
				k.do()
				return nil
			}
		}
		if n.Op == "Pow" {
			return binaryFn(e, p, size, func(x, y float32) float32 { return float32(math.Pow(float64(x), float64(y))) }, nil)
		}
		f, cmp := arith[float32](n.Op)
		return binaryFn(e, p, size, f, cmp)
	case ir.Int64:
		if n.Op == "Div" || n.Op == "Pow" {
			return nil // division by zero and integer powers stay with the reference
		}
		f, cmp := arith[int64](n.Op)
		return binaryFn(e, p, size, f, cmp)
	}
	return nil
}

// f32Ops are the float32 arithmetic ops with closure-free row loops.
var f32Ops = map[string]byte{"Add": '+', "Sub": '-', "Mul": '*', "Div": '/'}

// binaryF32 is binary for the float32 arithmetic op ('+', '-', '*', '/'):
// rows where each input is contiguous or a single broadcast value run as
// plain loops, without a call per element.
func binaryF32(p *bcast, op byte, a, b, y []float32, lo, hi int) {
	sa, sb := p.steps[0], p.steps[1]
	for lo < hi {
		r, c0, c1 := p.piece(lo, hi)
		lo += c1 - c0
		ia, ib := p.offs[0][r]+c0*sa, p.offs[1][r]+c0*sb
		row := y[r*p.inner+c0 : r*p.inner+c1]
		switch {
		case sa == 1 && sb == 1:
			rowVV(op, row, a[ia:ia+len(row)], b[ib:ib+len(row)])
		case sa == 1 && sb == 0:
			rowVS(op, row, a[ia:ia+len(row)], b[ib])
		case sa == 0 && sb == 1:
			rowSV(op, row, a[ia], b[ib:ib+len(row)])
		default:
			s := a[ia]
			v := s
			switch op {
			case '+':
				v = s + b[ib]
			case '-':
				v = s - b[ib]
			case '*':
				v = s * b[ib]
			case '/':
				v = s / b[ib]
			}
			for i := range row {
				row[i] = v
			}
		}
	}
}

func rowVV(op byte, y, a, b []float32) {
	a, b = a[:len(y)], b[:len(y)]
	switch op {
	case '+':
		for i := range y {
			y[i] = a[i] + b[i]
		}
	case '-':
		for i := range y {
			y[i] = a[i] - b[i]
		}
	case '*':
		for i := range y {
			y[i] = a[i] * b[i]
		}
	case '/':
		for i := range y {
			y[i] = a[i] / b[i]
		}
	}
}

func rowVS(op byte, y, a []float32, s float32) {
	a = a[:len(y)]
	switch op {
	case '+':
		for i := range y {
			y[i] = a[i] + s
		}
	case '-':
		for i := range y {
			y[i] = a[i] - s
		}
	case '*':
		for i := range y {
			y[i] = a[i] * s
		}
	case '/':
		for i := range y {
			y[i] = a[i] / s
		}
	}
}

func rowSV(op byte, y []float32, s float32, b []float32) {
	b = b[:len(y)]
	switch op {
	case '+':
		for i := range y {
			y[i] = s + b[i]
		}
	case '-':
		for i := range y {
			y[i] = s - b[i]
		}
	case '*':
		for i := range y {
			y[i] = s * b[i]
		}
	case '/':
		for i := range y {
			y[i] = s / b[i]
		}
	}
}

// binaryFn returns the kernel of f (or, when f is nil, of the comparison
// cmp) over size output elements, or nil when both are.
func binaryFn[T any](e *env, p *bcast, size int, f func(x, y T) T, cmp func(x, y T) bool) runFn {
	var a, b []T
	switch {
	case f != nil:
		var y []T
		k := newElemKernel(e, size, func(lo, hi int) { binary(p, a, b, y, f, lo, hi) })
		return func(in, out []*ir.Tensor) error {
			a, b, y = in[0].Data.([]T), in[1].Data.([]T), out[0].Data.([]T)
			k.do()
			return nil
		}
	case cmp != nil:
		var y []bool
		k := newElemKernel(e, size, func(lo, hi int) { binary(p, a, b, y, cmp, lo, hi) })
		return func(in, out []*ir.Tensor) error {
			a, b, y = in[0].Data.([]T), in[1].Data.([]T), out[0].Data.([]bool)
			k.do()
			return nil
		}
	}
	return nil
}

func whereFn[T any](e *env, p *bcast, size int) runFn {
	var c []bool
	var x, z, y []T
	k := newElemKernel(e, size, func(lo, hi int) { where(p, c, x, z, y, lo, hi) })
	return func(in, out []*ir.Tensor) error {
		c, x, z, y = in[0].Data.([]bool), in[1].Data.([]T), in[2].Data.([]T), out[0].Data.([]T)
		k.do()
		return nil
	}
}

// unaryOps are the float32 unary ops, computed in float64, except Exp and
// Sigmoid, which run in float32 (gemm.Exp and gemm.Sigmoid).
var unaryOps = map[string]func(float64) float64{
	"Erf":        math.Erf,
	"Tanh":       math.Tanh,
	"Sqrt":       math.Sqrt,
	"Exp":        math.Exp,
	"Log":        math.Log,
	"Cos":        math.Cos,
	"Sin":        math.Sin,
	"Abs":        math.Abs,
	"Neg":        func(x float64) float64 { return -x },
	"Relu":       func(x float64) float64 { return max(x, 0) },
	"Sigmoid":    func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
	"Reciprocal": func(x float64) float64 { return 1 / x },
}

func buildUnary(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	f := unaryOps[n.Op]
	if len(in) != 1 || !f32(in[0], out[0]) || numel(in[0].Shape) != numel(out[0].Shape) {
		return nil
	}
	var x, y []float32
	loop := func(lo, hi int) {
		for i, v := range x[lo:hi] {
			y[lo+i] = float32(f(float64(v)))
		}
	}
	switch n.Op {
	case "Exp":
		loop = func(lo, hi int) { gemm.Exp(y[lo:hi], x[lo:hi]) }
	case "Sigmoid":
		loop = func(lo, hi int) { gemm.Sigmoid(y[lo:hi], x[lo:hi]) }
	}
	k := newElemKernel(e, numel(in[0].Shape), loop)
	return func(in, out []*ir.Tensor) error {
		x, y = in[0].Data.([]float32), out[0].Data.([]float32)
		k.do()
		return nil
	}
}

// buildCast converts between float32, int64, int32 and bool: through
// float64, with floats truncated toward zero and true for non-zero.
func buildCast(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	if len(in) != 1 || in[0] == nil || numel(in[0].Shape) != numel(out[0].Shape) {
		return nil
	}
	if in[0].DType == out[0].DType {
		return func(in, out []*ir.Tensor) error {
			copy(codegen.Raw(out[0].Data), codegen.Raw(in[0].Data))
			return nil
		}
	}
	switch in[0].DType {
	case ir.Float32:
		return castFrom(out[0].DType, func(v float32) float64 { return float64(v) })
	case ir.Int64:
		return castFrom(out[0].DType, func(v int64) float64 { return float64(v) })
	case ir.Int32:
		return castFrom(out[0].DType, func(v int32) float64 { return float64(v) })
	case ir.Bool:
		return castFrom(out[0].DType, func(v bool) float64 {
			if v {
				return 1
			}
			return 0
		})
	}
	return nil
}

func castFrom[S any](to ir.DType, get func(S) float64) runFn {
	switch to {
	case ir.Float32:
		return castFn(get, func(x float64) float32 { return float32(x) })
	case ir.Int64:
		return castFn(get, func(x float64) int64 { return int64(x) })
	case ir.Int32:
		return castFn(get, func(x float64) int32 { return int32(int64(x)) })
	case ir.Bool:
		return castFn(get, func(x float64) bool { return x != 0 })
	}
	return nil
}

func castFn[S, D any](get func(S) float64, put func(float64) D) runFn {
	return func(in, out []*ir.Tensor) error {
		y := out[0].Data.([]D)
		for i, v := range in[0].Data.([]S) {
			y[i] = put(get(v))
		}
		return nil
	}
}
