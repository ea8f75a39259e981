package nn

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// Einsum labels are small integers: the 52 letters, then one label per
// dim covered by the ellipsis (right-aligned across operands, as numpy
// broadcasts them).
const ellipsisLabel = 52

// letterLabel maps a-z to 0..25 and A-Z to 26..51; -1 for anything else.
func letterLabel(c byte) int {
	switch {
	case c >= 'a' && c <= 'z':
		return int(c - 'a')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 26
	}
	return -1
}

// parseTerm turns one subscript term into labels: letters as they are,
// "..." into -1 (expanded later).
func parseTerm(term string) ([]int, error) {
	var labels []int
	seenEllipsis := false
	for i := 0; i < len(term); i++ {
		if strings.HasPrefix(term[i:], "...") {
			if seenEllipsis {
				return nil, fmt.Errorf("term %q has two ellipses", term)
			}
			seenEllipsis = true
			labels = append(labels, -1)
			i += 2
			continue
		}
		l := letterLabel(term[i])
		if l < 0 {
			return nil, fmt.Errorf("term %q: unexpected character %q", term, term[i])
		}
		labels = append(labels, l)
	}
	return labels, nil
}

// expand replaces the ellipsis marker of labels with the last n of the
// ellipsis labels (of which there are total).
func expand(labels []int, n, total int) []int {
	var out []int
	for _, l := range labels {
		if l != -1 {
			out = append(out, l)
			continue
		}
		for k := total - n; k < total; k++ {
			out = append(out, ellipsisLabel+k)
		}
	}
	return out
}

// einsumPlan is a parsed equation bound to operand shapes: every label's
// size, each operand's stride per label (summed over repeated labels,
// zero where a dim of size 1 broadcasts) and the output labels.
type einsumPlan struct {
	size    map[int]int64
	strides []map[int]int64
	out     []int
}

// planEinsum parses eq against the operand shapes.
func planEinsum(eq string, shapes [][]int64) (*einsumPlan, error) {
	eq = strings.Join(strings.Fields(eq), "")
	lhs, rhs, explicit := strings.Cut(eq, "->")
	terms := strings.Split(lhs, ",")
	if len(terms) != len(shapes) {
		return nil, fmt.Errorf("equation %q has %d terms for %d inputs", eq, len(terms), len(shapes))
	}
	parsed := make([][]int, len(terms))
	ellipsis := 0
	for i, t := range terms {
		labels, err := parseTerm(t)
		if err != nil {
			return nil, err
		}
		parsed[i] = labels
		if slices.Contains(labels, -1) {
			ellipsis = max(ellipsis, len(shapes[i])-len(labels)+1)
		}
	}
	p := &einsumPlan{size: map[int]int64{}}
	count := map[int]int{}
	for i, labels := range parsed {
		n := 0
		if slices.Contains(labels, -1) {
			n = len(shapes[i]) - len(labels) + 1
		}
		if n < 0 || len(expand(labels, n, ellipsis)) != len(shapes[i]) {
			return nil, fmt.Errorf("term %q does not fit input %d of shape %v", terms[i], i, shapes[i])
		}
		labels = expand(labels, n, ellipsis)
		st := kernel.Strides(shapes[i])
		strides := map[int]int64{}
		for d, l := range labels {
			dim := shapes[i][d]
			old, known := p.size[l]
			switch {
			case !known || old == 1:
				p.size[l] = dim
			case dim != old && dim != 1:
				return nil, fmt.Errorf("label %d has sizes %d and %d", l, old, dim)
			}
			if dim != 1 {
				strides[l] += st[d]
			}
			count[l]++
		}
		p.strides = append(p.strides, strides)
	}
	if explicit {
		out, err := parseTerm(rhs)
		if err != nil {
			return nil, err
		}
		p.out = expand(out, ellipsis, ellipsis)
	} else {
		p.out = expand([]int{-1}, ellipsis, ellipsis)
		for l := 0; l < ellipsisLabel; l++ {
			if count[l] == 1 {
				p.out = append(p.out, l)
			}
		}
	}
	for i, l := range p.out {
		if _, ok := p.size[l]; !ok || slices.Contains(p.out[:i], l) {
			return nil, fmt.Errorf("output of %q: label %d missing from the inputs or repeated", eq, l)
		}
	}
	return p, nil
}

// einsum is Einsum: it walks every combination of label values (output
// labels first, then the summed ones) and accumulates the product of the
// operands' elements into the output.
func einsum(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	shapes := make([][]int64, len(in))
	for i, t := range in {
		if t == nil || t.DType != in[0].DType {
			return nil, ctx.Errorf("input %d is missing or differs in dtype from input 0", i)
		}
		shapes[i] = t.Shape
	}
	p, err := planEinsum(ctx.Node.AttrString("equation", ""), shapes)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	labels := slices.Clone(p.out)
	for l := range p.size {
		if !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	slices.Sort(labels[len(p.out):])
	dims := make([]int64, len(labels))
	for i, l := range labels {
		dims[i] = p.size[l]
	}
	outShape := dims[:len(p.out)]
	if _, err := ir.NumElements(dims); err != nil {
		return nil, ctx.Errorf("iteration space %v: %v", dims, err)
	}
	vals := make([][]float64, len(in))
	for i, t := range in {
		vals[i] = t.Float64s()
	}
	out := make([]float64, kernel.Product(outShape, 0, len(outShape)))
	summed := int(kernel.Product(dims, len(p.out), len(dims)))
	counter := make([]int64, len(dims))
	offs := make([]int64, len(in))
	for e := range out {
		for range summed {
			prod := 1.0
			for i, v := range vals {
				prod *= v[offs[i]]
			}
			out[e] += prod
			// Advance the odometer, keeping the operand offsets in step.
			for d := len(dims) - 1; d >= 0; d-- {
				counter[d]++
				for i := range offs {
					offs[i] += p.strides[i][labels[d]]
				}
				if counter[d] < dims[d] {
					break
				}
				for i := range offs {
					offs[i] -= p.strides[i][labels[d]] * dims[d]
				}
				counter[d] = 0
			}
		}
	}
	return fromFloats(ctx, in[0].DType, outShape, out)
}
