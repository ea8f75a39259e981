package plan

import (
	"slices"

	"github.com/tfc-project/tfc/exec/gemm"
	"github.com/tfc-project/tfc/ir"
)

// registerConv adds Conv over one or two spatial dims.
func registerConv() { kernels["Conv"] = kernelDef{build: buildConv} }

// convKernel runs Conv as, for each batch entry and group, an im2col of
// the input into col (the group's channels × kernel taps rows, one column
// per output position) and the product W·col into the output, which is
// then already in NCHW order. A 1-D convolution is a 2-D one of height 1.
type convKernel struct {
	e                  *env
	batch, group, c, m int // batch, groups, input and output channels
	ih, iw, oh, ow     int
	kh, kw             int
	sh, sw, dh, dw     int
	ph, pw             int       // padding before the first row and column
	direct             bool      // 1×1, stride 1, no padding: col is the input itself
	colLen             int       // floats of the im2col of one group
	col                []float32 // the im2col, in the runner's scratch (env.colBuffer)
	opt                *gemm.Options
	xg                 []float32 // the group's input channels, for im2col
	body               func(lo, hi int)
}

func buildConv(e *env, n *ir.Node, in, out []*ir.Tensor, _ []*ir.Tensor) runFn {
	x, w, b := input(in, 0), input(in, 1), input(in, 2)
	y := out[0]
	r := len(x.Shape)
	if !f32(x, w, y) || b != nil && !f32(b) || r != 3 && r != 4 || len(w.Shape) != r || len(y.Shape) != r {
		return nil
	}
	k := &convKernel{e: e, batch: int(x.Shape[0]), c: int(x.Shape[1]), m: int(w.Shape[0]),
		group: int(n.AttrInt("group", 1)), opt: e.gemmOpts()}
	if k.group < 1 || k.c%k.group != 0 || k.m%k.group != 0 || int(w.Shape[1]) != k.c/k.group ||
		int(y.Shape[0]) != k.batch || int(y.Shape[1]) != k.m || b != nil && numel(b.Shape) != k.m {
		return nil
	}
	if ks, ok := n.AttrInts("kernel_shape"); ok && !slices.Equal(ks, w.Shape[2:]) {
		return nil
	}
	spatial := func(s []int64) (int, int) {
		if r == 3 {
			return 1, int(s[2])
		}
		return int(s[2]), int(s[3])
	}
	k.ih, k.iw = spatial(x.Shape)
	k.oh, k.ow = spatial(y.Shape)
	k.kh, k.kw = spatial(w.Shape)
	d := r - 2
	strides, dil, pads := convInts(n, "strides", d, 1), convInts(n, "dilations", d, 1), convInts(n, "pads", 2*d, 0)
	if strides == nil || dil == nil || pads == nil {
		return nil
	}
	if r == 3 { // height 1: stride, dilation and padding 1, 1, 0
		strides, dil, pads = append([]int{1}, strides...), append([]int{1}, dil...), []int{0, pads[0], 0, pads[1]}
	}
	k.sh, k.sw, k.dh, k.dw = strides[0], strides[1], dil[0], dil[1]
	var ok1, ok2 bool
	k.ph, ok1 = padBefore(n.AttrString("auto_pad", "NOTSET"), k.ih, k.oh, k.kh, k.sh, k.dh, pads[0], pads[2])
	k.pw, ok2 = padBefore(n.AttrString("auto_pad", "NOTSET"), k.iw, k.ow, k.kw, k.sw, k.dw, pads[1], pads[3])
	if !ok1 || !ok2 || r == 3 && k.ph != 0 {
		return nil
	}
	k.direct = k.kh == 1 && k.kw == 1 && k.sh == 1 && k.sw == 1 && k.ph == 0 && k.pw == 0 && k.oh == k.ih && k.ow == k.iw
	if !k.direct {
		k.colLen = k.c / k.group * k.kh * k.kw * k.oh * k.ow
	}
	k.body = k.im2colRows
	return func(in, out []*ir.Tensor) error {
		return k.run(in[0].Data.([]float32), in[1].Data.([]float32), opt(input(in, 2)), out[0].Data.([]float32))
	}
}

// convInts reads an ints attribute of n that has want values (def each when
// absent); nil when it has another count or a value below def's floor
// (1 for strides and dilations, 0 for pads).
func convInts(n *ir.Node, name string, want, def int) []int {
	v, ok := n.AttrInts(name)
	out := make([]int, want)
	for i := range out {
		out[i] = def
	}
	if !ok {
		return out
	}
	if len(v) != want {
		return nil
	}
	for i, x := range v {
		if x < int64(min(def, 1)) {
			return nil
		}
		out[i] = int(x)
	}
	return out
}

// padBefore returns the padding before the first position along one
// spatial dim of size in, for the output size out, kernel size kern,
// stride s and dilation dil under auto_pad (explicit pads begin, end for
// NOTSET), and whether out is the size these give.
func padBefore(autoPad string, in, out, kern, s, dil, begin, end int) (int, bool) {
	span := (kern-1)*dil + 1
	switch autoPad {
	case "SAME_UPPER", "SAME_LOWER":
		total := max(0, (out-1)*s+span-in)
		begin = total / 2
		if autoPad == "SAME_LOWER" {
			begin = total - total/2
		}
		return begin, out == (in+s-1)/s
	case "VALID":
		begin, end = 0, 0
	case "NOTSET", "":
	default:
		return 0, false
	}
	room := in + begin + end - span
	return begin, room >= 0 && out == room/s+1
}

// run computes the convolution of x by w plus the bias b (nil for none)
// into y.
func (k *convKernel) run(x, w, b, y []float32) error {
	cg, mg := k.c/k.group, k.m/k.group
	inN, outN, kk := k.ih*k.iw, k.oh*k.ow, cg*k.kh*k.kw
	for bi := range k.batch {
		for g := range k.group {
			k.xg = x[(bi*k.c+g*cg)*inN : (bi*k.c+(g+1)*cg)*inN]
			col := k.xg
			if !k.direct {
				k.col = k.e.colBuffer(k.colLen)
				col = k.col
				if len(col) >= minParallel {
					k.e.parallel(kk, k.body)
				} else {
					k.body(0, kk)
				}
			}
			yg := y[(bi*k.m+g*mg)*outN : (bi*k.m+(g+1)*mg)*outN]
			if err := gemm.Sgemm(false, false, mg, outN, kk, 1, w[g*mg*kk:(g+1)*mg*kk], kk, col, outN, 0, yg, outN, k.opt); err != nil {
				return err
			}
		}
		if b != nil {
			for oc, v := range b {
				row := y[(bi*k.m+oc)*outN : (bi*k.m+oc+1)*outN]
				for i := range row {
					row[i] += v
				}
			}
		}
	}
	return nil
}

// im2colRows fills rows [lo, hi) of col from the group's input xg: row
// (c, ky, kx) holds, at output position (oy, ox), the input at
// (oy·sh − ph + ky·dh, ox·sw − pw + kx·dw), 0 in the padding.
func (k *convKernel) im2colRows(lo, hi int) {
	taps := k.kh * k.kw
	for row := lo; row < hi; row++ {
		c, ky, kx := row/taps, row%taps/k.kw, row%k.kw
		dst := k.col[row*k.oh*k.ow : (row+1)*k.oh*k.ow]
		src := k.xg[c*k.ih*k.iw : (c+1)*k.ih*k.iw]
		x0 := kx*k.dw - k.pw // input column of output column 0
		for oy := range k.oh {
			d := dst[oy*k.ow : (oy+1)*k.ow]
			iy := oy*k.sh - k.ph + ky*k.dh
			if iy < 0 || iy >= k.ih {
				clear(d)
				continue
			}
			srow := src[iy*k.iw : (iy+1)*k.iw]
			if k.sw == 1 {
				a, z := min(max(0, -x0), k.ow), max(min(k.ow, k.iw-x0), 0)
				if z <= a {
					clear(d)
					continue
				}
				clear(d[:a])
				copy(d[a:z], srow[a+x0:z+x0])
				clear(d[z:])
				continue
			}
			for ox := range d {
				if ix := ox*k.sw + x0; ix >= 0 && ix < k.iw {
					d[ox] = srow[ix]
				} else {
					d[ox] = 0
				}
			}
		}
	}
}
