package ir

import (
	"errors"
	"strings"
)

// Inference rules of the contraction, convolution, pooling and attention ops.

// matmulShape is numpy's matmul: 1-D operands are promoted and the
// promoted dim dropped again; batch dims broadcast.
func matmulShape(n *Node, a, b Shape) (Shape, error) {
	if !a.Ranked || !b.Ranked {
		return UnrankedShape, nil
	}
	if len(a.Dims) == 0 || len(b.Dims) == 0 {
		return UnrankedShape, inferErr(n, "matmul of shapes %v and %v: operands must not be scalars", a, b)
	}
	ad, bd := a.Dims, b.Dims
	if len(ad) == 1 {
		ad = []Dim{Fixed(1), ad[0]}
	}
	if len(bd) == 1 {
		bd = []Dim{bd[0], Fixed(1)}
	}
	k1, k2 := ad[len(ad)-1], bd[len(bd)-2]
	if k1.Known() && k2.Known() && k1.Size != k2.Size {
		return UnrankedShape, inferErr(n, "shapes %v and %v cannot be multiplied", a, b)
	}
	batch, err := broadcastShapes(n, ranked(ad[:len(ad)-2]...), ranked(bd[:len(bd)-2]...))
	if err != nil {
		return UnrankedShape, inferErr(n, "batch dims of shapes %v and %v cannot be broadcast", a, b)
	}
	dims := batch.Dims
	if len(a.Dims) > 1 {
		dims = append(dims, ad[len(ad)-2])
	}
	if len(b.Dims) > 1 {
		dims = append(dims, bd[len(bd)-1])
	}
	return ranked(dims...), nil
}

// inferMatMul covers MatMul and MatMulInteger (A, B at inputs 0, 1) and
// QLinearMatMul (at inputs 0, 3).
func inferMatMul(bSlot int) inferFunc {
	return func(_ *inferCtx, n *Node, out []vtype) error {
		if len(out) == 0 {
			return nil
		}
		s, err := matmulShape(n, inShape(n, 0), inShape(n, bSlot))
		out[0].Shape = s
		return err
	}
}

func inferGemm(_ *inferCtx, n *Node, out []vtype) error {
	a, b := inShape(n, 0), inShape(n, 1)
	if len(out) == 0 || !a.Ranked || !b.Ranked {
		return nil
	}
	if len(a.Dims) != 2 || len(b.Dims) != 2 {
		return inferErr(n, "shapes %v and %v are not both 2-D", a, b)
	}
	m, k1 := a.Dims[0], a.Dims[1]
	if n.AttrInt("transA", 0) != 0 {
		m, k1 = k1, m
	}
	k2, nn := b.Dims[0], b.Dims[1]
	if n.AttrInt("transB", 0) != 0 {
		k2, nn = nn, k2
	}
	if k1.Known() && k2.Known() && k1.Size != k2.Size {
		return inferErr(n, "shapes %v and %v cannot be multiplied (transA=%d, transB=%d)", a, b,
			n.AttrInt("transA", 0), n.AttrInt("transB", 0))
	}
	out[0].Shape = ranked(m, nn)
	return nil
}

// window holds the spatial parameters of a convolution or pooling.
type window struct {
	kernel, strides, dilations, pads []int64
	autoPad                          string
	ceil                             bool
}

// readWindow reads kernel (from the attribute, else from kshape), strides,
// dilations, pads and auto_pad for nsp spatial dims.
func readWindow(n *Node, nsp int, kshape []Dim) (window, error) {
	w := window{autoPad: n.AttrString("auto_pad", "NOTSET"), ceil: n.AttrInt("ceil_mode", 0) != 0}
	var ok bool
	if w.kernel, ok = n.AttrInts("kernel_shape"); !ok {
		if len(kshape) != nsp {
			return w, inferErr(n, "no kernel_shape and no weight shape")
		}
		w.kernel = make([]int64, nsp)
		for i, d := range kshape {
			if !d.Known() {
				return w, errUnknownKernel
			}
			w.kernel[i] = d.Size
		}
	}
	w.strides = intsOr(n, "strides", nsp, 1)
	w.dilations = intsOr(n, "dilations", nsp, 1)
	w.pads = intsOr(n, "pads", 2*nsp, 0)
	if len(w.kernel) != nsp || len(w.strides) != nsp || len(w.dilations) != nsp || len(w.pads) != 2*nsp {
		return w, inferErr(n, "kernel_shape %v, strides %v, dilations %v or pads %v do not match %d spatial dims",
			w.kernel, w.strides, w.dilations, w.pads, nsp)
	}
	for i := range w.kernel {
		if w.kernel[i] <= 0 || w.strides[i] <= 0 || w.dilations[i] <= 0 {
			return w, inferErr(n, "kernel_shape %v, strides %v and dilations %v must be positive", w.kernel, w.strides, w.dilations)
		}
	}
	return w, nil
}

// errUnknownKernel stops inference quietly when the kernel size is not known.
var errUnknownKernel = errors.New("kernel size not known")

// intsOr returns an ints attribute, or k copies of def when absent.
func intsOr(n *Node, name string, k int, def int64) []int64 {
	if v, ok := n.AttrInts(name); ok {
		return v
	}
	out := make([]int64, k)
	for i := range out {
		out[i] = def
	}
	return out
}

// outDim computes one spatial output dim of a convolution or pooling.
func (w window) outDim(n *Node, in Dim, i int) (Dim, error) {
	ek := w.dilations[i]*(w.kernel[i]-1) + 1
	s := w.strides[i]
	if !in.Known() {
		// Stride 1 with "same" padding keeps the (symbolic) size.
		same := w.autoPad == "SAME_UPPER" || w.autoPad == "SAME_LOWER" ||
			(w.autoPad == "NOTSET" || w.autoPad == "") && w.pads[i]+w.pads[i+len(w.kernel)] == ek-1
		if s == 1 && same {
			return in, nil
		}
		return UnknownDim, nil
	}
	var num int64
	switch w.autoPad {
	case "SAME_UPPER", "SAME_LOWER":
		return Fixed((in.Size + s - 1) / s), nil
	case "VALID":
		num = in.Size - ek
	case "NOTSET", "":
		num = in.Size + w.pads[i] + w.pads[i+len(w.kernel)] - ek
	default:
		return UnknownDim, inferErr(n, "unknown auto_pad %q", w.autoPad)
	}
	if num < 0 {
		return UnknownDim, inferErr(n, "kernel %v (dilations %v) is larger than the padded input dim %d", w.kernel, w.dilations, in.Size)
	}
	out := num/s + 1
	if w.ceil && num%s != 0 {
		out++
		// A last window that would start in the end padding is dropped.
		if (out-1)*s >= in.Size+w.pads[i] {
			out--
		}
	}
	return Fixed(out), nil
}

// inferConv covers Conv, ConvInteger (X, W at inputs 0, 1) and QLinearConv (0, 3).
func inferConv(wSlot int) inferFunc {
	return func(_ *inferCtx, n *Node, out []vtype) error {
		x, ok, err := input0(n, out, 3, "spatial dims")
		if !ok {
			return err
		}
		wt := inShape(n, wSlot)
		var kshape []Dim
		m := UnknownDim
		if wt.Ranked {
			if len(wt.Dims) != len(x.Dims) {
				return inferErr(n, "weight shape %v does not match input shape %v", wt, x)
			}
			kshape, m = wt.Dims[2:], wt.Dims[0]
		}
		return spatialOut(n, x, m, kshape, out)
	}
}

// spatialOut sets output 0 to [N, channels, spatial outputs...].
func spatialOut(n *Node, x Shape, channels Dim, kshape []Dim, out []vtype) error {
	nsp := len(x.Dims) - 2
	w, err := readWindow(n, nsp, kshape)
	if err == errUnknownKernel {
		out[0].Shape = ranked(append([]Dim{x.Dims[0], channels}, unknownDims(nsp).Dims...)...)
		return nil
	}
	if err != nil {
		return err
	}
	dims := []Dim{x.Dims[0], channels}
	for i := 0; i < nsp; i++ {
		d, err := w.outDim(n, x.Dims[2+i], i)
		if err != nil {
			return err
		}
		dims = append(dims, d)
	}
	out[0].Shape = ranked(dims...)
	return nil
}

// inferPool covers MaxPool (and its Indices), AveragePool and LpPool.
func inferPool(_ *inferCtx, n *Node, out []vtype) error {
	x, ok, err := input0(n, out, 3, "spatial dims")
	if !ok {
		return err
	}
	if err := spatialOut(n, x, x.Dims[1], nil, out); err != nil {
		return err
	}
	for i := 1; i < len(out); i++ {
		out[i].Shape = out[0].Shape
	}
	return nil
}

// inferGlobalPool gives [N, C, 1, ...].
func inferGlobalPool(_ *inferCtx, n *Node, out []vtype) error {
	x, ok, err := input0(n, out, 2, "channel dim")
	if !ok {
		return err
	}
	s := ranked(x.Dims...)
	for i := 2; i < len(s.Dims); i++ {
		s.Dims[i] = Fixed(1)
	}
	out[0].Shape = s
	return nil
}

func inferConvTranspose(_ *inferCtx, n *Node, out []vtype) error {
	x, ok, err := input0(n, out, 3, "spatial dims")
	if !ok {
		return err
	}
	wt := inShape(n, 1)
	nsp := len(x.Dims) - 2
	m := UnknownDim
	var kshape []Dim
	if wt.Ranked {
		if len(wt.Dims) != len(x.Dims) {
			return inferErr(n, "weight shape %v does not match input shape %v", wt, x)
		}
		m, kshape = mulDims(wt.Dims[1], Fixed(n.AttrInt("group", 1))), wt.Dims[2:]
	}
	dims := append([]Dim{x.Dims[0], m}, unknownDims(nsp).Dims...)
	if os, ok := n.AttrInts("output_shape"); ok {
		if len(os) != nsp {
			return inferErr(n, "output_shape %v does not match %d spatial dims", os, nsp)
		}
		for i, v := range os {
			dims[2+i] = Fixed(v)
		}
		out[0].Shape = ranked(dims...)
		return nil
	}
	w, err := readWindow(n, nsp, kshape)
	if err == errUnknownKernel {
		out[0].Shape = ranked(dims...)
		return nil
	}
	if err != nil {
		return err
	}
	outPad := intsOr(n, "output_padding", nsp, 0)
	if len(outPad) != nsp {
		return inferErr(n, "output_padding %v does not match %d spatial dims", outPad, nsp)
	}
	for i := 0; i < nsp; i++ {
		in := x.Dims[2+i]
		if !in.Known() {
			continue
		}
		var v int64
		switch w.autoPad {
		case "SAME_UPPER", "SAME_LOWER":
			v = in.Size * w.strides[i]
		default:
			pads := w.pads[i] + w.pads[i+nsp]
			if w.autoPad == "VALID" {
				pads = 0
			}
			v = w.strides[i]*(in.Size-1) + outPad[i] + (w.kernel[i]-1)*w.dilations[i] + 1 - pads
		}
		if v < 0 {
			return inferErr(n, "output dim %d of input shape %v would be negative", i, x)
		}
		dims[2+i] = Fixed(v)
	}
	out[0].Shape = ranked(dims...)
	return nil
}

// attnDims reads (batch, heads, seq, head size) of an Attention input that
// is 4-D, or 3-D with the heads count given.
func attnDims(s Shape, heads int64) (b, h, seq, hd Dim, ok bool) {
	switch {
	case !s.Ranked:
		return
	case len(s.Dims) == 4:
		return s.Dims[0], s.Dims[1], s.Dims[2], s.Dims[3], true
	case len(s.Dims) == 3 && heads > 0:
		return s.Dims[0], Fixed(heads), s.Dims[1], divDim(s.Dims[2], heads), true
	}
	return
}

// inferAttention follows the ONNX Attention op (opset 23): Y, present_key,
// present_value and qk_matmul_output.
func inferAttention(_ *inferCtx, n *Node, out []vtype) error {
	q, k, v := inShape(n, 0), inShape(n, 1), inShape(n, 2)
	for _, s := range []Shape{q, k, v} {
		if s.Ranked && len(s.Dims) != 3 && len(s.Dims) != 4 {
			return inferErr(n, "Q, K and V shapes %s must be 3-D or 4-D", shapeList([]Shape{q, k, v}))
		}
	}
	qh, kvh := n.AttrInt("q_num_heads", 0), n.AttrInt("kv_num_heads", 0)
	b, qHeads, qSeq, _, okQ := attnDims(q, qh)
	_, kvHeads, kvSeq, hd, okK := attnDims(k, kvh)
	_, _, _, vhd, okV := attnDims(v, kvh)
	total := kvSeq
	if past := inShape(n, 4); past.Ranked && len(past.Dims) == 4 {
		total = addDims(past.Dims[2], kvSeq)
	}
	for i := range out {
		switch i {
		case 0:
			switch {
			case okQ && okV && len(q.Dims) == 4:
				out[0].Shape = ranked(b, qHeads, qSeq, vhd)
			case okQ && okV:
				out[0].Shape = ranked(b, qSeq, mulDims(qHeads, vhd))
			case q.Ranked:
				out[0].Shape = unknownDims(len(q.Dims))
			}
		case 1:
			if okK {
				out[1].Shape = ranked(b, kvHeads, total, hd)
			}
		case 2:
			if okK && okV {
				out[2].Shape = ranked(b, kvHeads, total, vhd)
			}
		case 3:
			if okQ && okK {
				out[3].Shape = ranked(b, qHeads, qSeq, total)
			}
		}
	}
	return nil
}

// inferEinsum computes the output shape from the equation: explicit
// ("ij,jk->ik") or implicit (letters used once, in order), with "...".
func inferEinsum(_ *inferCtx, n *Node, out []vtype) error {
	if len(out) == 0 {
		return nil
	}
	eq := strings.ReplaceAll(n.AttrString("equation", ""), " ", "")
	lhs, rhs, explicit := strings.Cut(eq, "->")
	terms := strings.Split(lhs, ",")
	if len(terms) != len(n.Inputs) {
		return inferErr(n, "equation %q has %d operands, node has %d inputs", eq, len(terms), len(n.Inputs))
	}
	letters := map[rune]Dim{}
	count := map[rune]int{}
	var ellipsis []Shape
	allRanked := true
	for i, t := range terms {
		s := inShape(n, i)
		pre, post, hasEll := strings.Cut(t, "...")
		if !isLetters(pre) || !isLetters(post) {
			return inferErr(n, "invalid einsum term %q in %q", t, eq)
		}
		for _, r := range pre + post {
			count[r]++
		}
		if !s.Ranked {
			allRanked = false
			continue
		}
		np := len(pre) + len(post)
		if len(s.Dims) < np || (!hasEll && len(s.Dims) != np) {
			return inferErr(n, "term %q does not match input shape %v", t, s)
		}
		nell := len(s.Dims) - np
		for j, r := range pre {
			letters[r] = mergeLetter(letters, r, s.Dims[j])
		}
		for j, r := range post {
			letters[r] = mergeLetter(letters, r, s.Dims[len(pre)+nell+j])
		}
		if hasEll {
			ellipsis = append(ellipsis, ranked(s.Dims[len(pre):len(pre)+nell]...))
		}
	}
	if !explicit {
		rhs = ""
		if len(ellipsis) > 0 || strings.Contains(lhs, "...") {
			rhs = "..."
		}
		for r := 'A'; r <= 'z'; r++ {
			if count[r] == 1 {
				rhs += string(r)
			}
		}
	}
	pre, post, hasEll := strings.Cut(rhs, "...")
	if !isLetters(pre) || !isLetters(post) {
		return inferErr(n, "invalid einsum output %q in %q", rhs, eq)
	}
	var ell Shape
	if hasEll {
		if !allRanked {
			return nil
		}
		var err error
		if ell, err = broadcastShapes(n, ellipsis...); err != nil {
			return err
		}
	}
	var dims []Dim
	for _, r := range pre {
		dims = append(dims, letterDim(letters, r))
	}
	dims = append(dims, ell.Dims...)
	for _, r := range post {
		dims = append(dims, letterDim(letters, r))
	}
	out[0].Shape = ranked(dims...)
	return nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// mergeLetter combines what two operands say about a label's dim (1 broadcasts).
func mergeLetter(letters map[rune]Dim, r rune, d Dim) Dim {
	old, ok := letters[r]
	if !ok {
		return d
	}
	m, _ := broadcastDims(old, d)
	return m
}

func letterDim(letters map[rune]Dim, r rune) Dim {
	if d, ok := letters[r]; ok {
		return d
	}
	return UnknownDim
}

// inferFlexAttention: Y has shape (B, Hq, L, Ev) of the 4-D Q and V.
func inferFlexAttention(_ *inferCtx, n *Node, out []vtype) error {
	q, v := inShape(n, 0), inShape(n, 2)
	if len(out) > 0 && q.Rank() == 4 && v.Rank() == 4 {
		out[0].Shape = ranked(q.Dims[0], q.Dims[1], q.Dims[2], v.Dims[3])
	}
	return nil
}

// inferRNN covers RNN, GRU and LSTM: Y, Y_h (and LSTM's Y_c) from X's
// sequence and batch dims, the directions and hidden_size, in the dim
// order the layout attribute (opset 14) selects.
func inferRNN(_ *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if !x.Ranked {
		return nil
	}
	if len(x.Dims) != 3 {
		return inferErr(n, "input shape %v is not 3-D", x)
	}
	seq, batch := x.Dims[0], x.Dims[1]
	layout := n.AttrInt("layout", 0)
	if layout != 0 {
		seq, batch = batch, seq
	}
	dirs := Fixed(1)
	if n.AttrString("direction", "forward") == "bidirectional" {
		dirs = Fixed(2)
	}
	hidden := UnknownDim
	if h := n.AttrInt("hidden_size", -1); h >= 0 {
		hidden = Fixed(h)
	}
	for i := range out {
		switch {
		case i == 0 && layout == 0:
			out[i].Shape = ranked(seq, dirs, batch, hidden)
		case i == 0:
			out[i].Shape = ranked(batch, seq, dirs, hidden)
		case layout == 0:
			out[i].Shape = ranked(dirs, batch, hidden)
		default:
			out[i].Shape = ranked(batch, dirs, hidden)
		}
	}
	return nil
}

// inferLoss covers NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss:
// the loss has the target's shape without reduction and is a scalar
// otherwise; SoftmaxCrossEntropyLoss's log_prob has the scores' shape.
func inferLoss(_ *inferCtx, n *Node, out []vtype) error {
	for i := range out {
		switch {
		case i > 0:
			out[i].Shape = inShape(n, 0)
		case n.AttrString("reduction", "mean") == "none":
			out[i].Shape = inShape(n, 1)
		default:
			out[i].Shape = ranked()
		}
	}
	return nil
}

// inferGridSample gives [N, C] followed by the grid's output spatial dims.
func inferGridSample(_ *inferCtx, n *Node, out []vtype) error {
	x, grid := inShape(n, 0), inShape(n, 1)
	if len(out) == 0 || !x.Ranked || !grid.Ranked {
		return nil
	}
	if len(x.Dims) < 3 || len(grid.Dims) != len(x.Dims) {
		return inferErr(n, "input shape %v and grid shape %v do not match", x, grid)
	}
	out[0].Shape = ranked(append([]Dim{x.Dims[0], x.Dims[1]}, grid.Dims[1:len(grid.Dims)-1]...)...)
	return nil
}
