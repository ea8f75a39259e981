package misc

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// stringsOf returns t's elements, or an error when t is not a string tensor.
func stringsOf(ctx *kernel.Context, t *ir.Tensor) ([]string, error) {
	s, ok := t.Data.([]string)
	if !ok {
		return nil, ctx.Errorf("input must be a string tensor, got %v", t.DType)
	}
	return s, nil
}

// stringNormalizer drops the stopwords from a [C] or [1, C] string tensor
// and changes the case of what is left.
func stringNormalizer(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	s, err := stringsOf(ctx, x)
	if err != nil {
		return nil, err
	}
	if x.Rank() != 1 && (x.Rank() != 2 || x.Shape[0] != 1) {
		return nil, ctx.Errorf("input must have shape [C] or [1, C], got %v", x.Shape)
	}
	node := ctx.Node
	sensitive := node.AttrInt("is_case_sensitive", 0) != 0
	key := func(w string) string {
		if sensitive {
			return w
		}
		return strings.ToLower(w)
	}
	stop := map[string]bool{}
	if a := node.Attr("stopwords"); a != nil {
		for _, w := range a.Strings {
			stop[key(w)] = true
		}
	}
	change := map[string]func(string) string{"NONE": nil, "LOWER": strings.ToLower, "UPPER": strings.ToUpper}
	action := node.AttrString("case_change_action", "NONE")
	f, ok := change[action]
	if !ok {
		return nil, ctx.Errorf("unknown case_change_action %q", action)
	}
	var out []string
	for _, w := range s {
		if stop[key(w)] {
			continue
		}
		if f != nil {
			w = f(w)
		}
		out = append(out, w)
	}
	if len(out) == 0 {
		out = []string{""}
	}
	shape := []int64{int64(len(out))}
	if x.Rank() == 2 {
		shape = []int64{1, int64(len(out))}
	}
	return &ir.Tensor{DType: ir.String, Shape: shape, Data: out}, nil
}

// splitWhitespace splits s on runs of white space like Python's
// str.split(None, maxsplit): no empty parts, at most maxsplit splits (all
// when maxsplit < 0), the unsplit rest keeping its trailing space.
func splitWhitespace(s string, maxsplit int) []string {
	var parts []string
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return parts
		}
		if len(parts) == maxsplit {
			return append(parts, s)
		}
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 {
			return append(parts, s)
		}
		parts = append(parts, s[:end])
		s = s[end:]
	}
}

// stringSplit splits every element on the delimiter (white space runs when
// it is empty), padding the parts with "" to a common last dimension, and
// returns the parts and the number of parts of each element.
func stringSplit(ctx *kernel.Context, in []*ir.Tensor) ([]*ir.Tensor, error) {
	x := in[0]
	s, err := stringsOf(ctx, x)
	if err != nil {
		return nil, err
	}
	delim := ctx.Node.AttrString("delimiter", "")
	maxsplit := int(ctx.Node.AttrInt("maxsplit", -1))
	n := -1 // strings.SplitN's count of parts: all of them
	if maxsplit >= 0 {
		n = maxsplit + 1
	}
	parts := make([][]string, len(s))
	counts := make([]int64, len(s))
	width := 0
	for i, e := range s {
		if delim == "" {
			parts[i] = splitWhitespace(e, maxsplit)
		} else {
			parts[i] = strings.SplitN(e, delim, n)
		}
		counts[i] = int64(len(parts[i]))
		width = max(width, len(parts[i]))
	}
	shape := append(append([]int64{}, x.Shape...), int64(width))
	y, err := ir.NewTensor(ir.String, shape)
	if err != nil {
		return nil, err
	}
	yd := y.Data.([]string)
	for i, p := range parts {
		copy(yd[i*width:], p)
	}
	z := &ir.Tensor{DType: ir.Int64, Shape: append([]int64{}, x.Shape...), Data: counts}
	return []*ir.Tensor{y, z}, nil
}

// stringConcat concatenates two string tensors elementwise, broadcasting.
func stringConcat(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	a, err := stringsOf(ctx, in[0])
	if err != nil {
		return nil, err
	}
	b, err := stringsOf(ctx, in[1])
	if err != nil {
		return nil, err
	}
	shape, err := kernel.BroadcastShapes(in[0].Shape, in[1].Shape)
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	ia, ib := kernel.BroadcastIndex(in[0].Shape, shape), kernel.BroadcastIndex(in[1].Shape, shape)
	out := make([]string, len(ia))
	for i := range out {
		out[i] = a[ia[i]] + b[ib[i]]
	}
	return &ir.Tensor{DType: ir.String, Shape: shape, Data: out}, nil
}

// regexFullMatch reports which elements match the pattern attribute as a
// whole. Go's regexp implements RE2 syntax, as the op specifies.
func regexFullMatch(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	s, err := stringsOf(ctx, in[0])
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(`^(?:` + ctx.Node.AttrString("pattern", "") + `)$`)
	if err != nil {
		return nil, ctx.Errorf("bad pattern: %v", err)
	}
	out := make([]bool, len(s))
	for i, e := range s {
		out[i] = re.MatchString(e)
	}
	return &ir.Tensor{DType: ir.Bool, Shape: append([]int64{}, in[0].Shape...), Data: out}, nil
}
