package nn

import (
	"fmt"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// Tap values of positions that read no input element.
const (
	// onPad marks a position on the declared padding.
	onPad = -1
	// pastPad marks a position beyond the end padding (the extra reach of
	// ceil_mode windows); pools ignore it entirely.
	pastPad = -2
)

// grid is the geometry of a sliding window over the spatial dims: position
// f of the from grid with kernel offset k touches position
// f*stride - padBegin + k*dilation of the to grid. Conv and the pools slide
// over the output (from) reading the input (to); ConvTranspose slides over
// its input writing the output.
type grid struct {
	from, to, kernel, strides, dilations, padBegin, padEnd []int64
}

// forEachIndex calls f with every multi-index of dims in row-major order
// (f must not keep idx).
func forEachIndex(dims []int64, f func(idx []int64)) {
	idx := make([]int64, len(dims))
	for _, d := range dims {
		if d == 0 {
			return
		}
	}
	for {
		f(idx)
		d := len(dims) - 1
		for ; d >= 0; d-- {
			idx[d]++
			if idx[d] < dims[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// taps returns, for every from position and kernel offset (both row-major,
// kernel offsets innermost), the flat to position touched, or onPad or
// pastPad.
func (g grid) taps() ([]int, error) {
	nFrom, err := ir.NumElements(g.from)
	if err != nil {
		return nil, err
	}
	nk, err := ir.NumElements(g.kernel)
	if err != nil {
		return nil, err
	}
	if _, err := ir.NumElements([]int64{nFrom, nk}); err != nil {
		return nil, err
	}
	st := kernel.Strides(g.to)
	taps := make([]int, 0, nFrom*nk)
	forEachIndex(g.from, func(f []int64) {
		forEachIndex(g.kernel, func(k []int64) {
			t, status := 0, 0
			for i := range f {
				p := f[i]*g.strides[i] - g.padBegin[i] + k[i]*g.dilations[i]
				switch {
				case p >= g.to[i]+g.padEnd[i]:
					status = pastPad
				case p < 0 || p >= g.to[i]:
					status = min(status, onPad)
				default:
					t += int(p * st[i])
				}
			}
			if status != 0 {
				t = status
			}
			taps = append(taps, t)
		})
	})
	return taps, nil
}

// windowAttrs reads the sliding-window attributes of a node over r
// spatial dims: strides and dilations (default 1) and pads (default 0).
func windowAttrs(n *ir.Node, r int) (strides, dilations, pads []int64, err error) {
	ones := make([]int64, r)
	for i := range ones {
		ones[i] = 1
	}
	strides = intsAttr(n, "strides", ones)
	dilations = intsAttr(n, "dilations", ones)
	pads = intsAttr(n, "pads", make([]int64, 2*r))
	if len(strides) != r || len(dilations) != r || len(pads) != 2*r {
		return nil, nil, nil, fmt.Errorf("strides %v, dilations %v, pads %v do not fit %d spatial dims", strides, dilations, pads, r)
	}
	for i := range r {
		if strides[i] <= 0 || dilations[i] <= 0 || pads[i] < 0 || pads[r+i] < 0 {
			return nil, nil, nil, fmt.Errorf("strides %v, dilations %v, pads %v must be positive (pads non-negative)", strides, dilations, pads)
		}
	}
	return strides, dilations, pads, nil
}

// slidingGrid computes the output size of Conv or a pool over the spatial
// input dims in with the given kernel, honoring auto_pad and (for pools)
// ceil_mode, and returns the grid from output to input.
func slidingGrid(n *ir.Node, in, kern []int64, ceil bool) (grid, error) {
	r := len(in)
	if len(kern) != r {
		return grid{}, fmt.Errorf("kernel shape %v does not fit %d spatial dims", kern, r)
	}
	strides, dilations, pads, err := windowAttrs(n, r)
	if err != nil {
		return grid{}, err
	}
	g := grid{from: make([]int64, r), to: in, kernel: kern, strides: strides, dilations: dilations,
		padBegin: append([]int64{}, pads[:r]...), padEnd: append([]int64{}, pads[r:]...)}
	autoPad := n.AttrString("auto_pad", "NOTSET")
	for i := range r {
		s, span := strides[i], (kern[i]-1)*dilations[i]+1
		switch autoPad {
		case "SAME_UPPER", "SAME_LOWER":
			g.from[i] = (in[i] + s - 1) / s
			total := max(0, (g.from[i]-1)*s+span-in[i])
			g.padBegin[i] = total / 2
			if autoPad == "SAME_LOWER" {
				g.padBegin[i] = total - total/2
			}
			g.padEnd[i] = total - g.padBegin[i]
			continue
		case "VALID":
			g.padBegin[i], g.padEnd[i] = 0, 0
		case "NOTSET", "":
		default:
			return grid{}, fmt.Errorf("unknown auto_pad %q", autoPad)
		}
		room := in[i] + g.padBegin[i] + g.padEnd[i] - span
		if kern[i] <= 0 || room < 0 {
			return grid{}, fmt.Errorf("kernel %v (dilations %v) larger than the padded input %v", kern, dilations, in)
		}
		g.from[i] = room/s + 1
		if ceil && room%s != 0 {
			g.from[i]++
			// A window must start inside the input or its begin padding.
			if (g.from[i]-1)*s >= in[i]+g.padBegin[i] {
				g.from[i]--
			}
		}
	}
	return g, nil
}
