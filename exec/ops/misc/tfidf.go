package misc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

// tfIdfVectorizer counts, per row of a [C] or [N, C] tensor, the n-grams
// of the pool (with up to max_skip_count items skipped between members)
// and weighs the counts by mode: TF, IDF or TFIDF.
func tfIdfVectorizer(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	node := ctx.Node
	if x.Rank() != 1 && x.Rank() != 2 {
		return nil, ctx.Errorf("input must be 1-D or 2-D, got shape %v", x.Shape)
	}
	minN, maxN := int(node.AttrInt("min_gram_length", 1)), int(node.AttrInt("max_gram_length", 1))
	maxSkip := int(node.AttrInt("max_skip_count", 0))
	counts, _ := node.AttrInts("ngram_counts")
	indexes, _ := node.AttrInts("ngram_indexes")
	if minN < 1 || maxN < minN || maxSkip < 0 || len(indexes) == 0 {
		return nil, ctx.Errorf("bad n-gram lengths [%d, %d], max_skip_count %d or empty ngram_indexes", minN, maxN, maxSkip)
	}
	// Items are compared as strings; integers as their decimal form.
	var items, pool []string
	if s, ok := x.Data.([]string); ok {
		items = s
		if a := node.Attr("pool_strings"); a != nil {
			pool = a.Strings
		}
	} else {
		for _, v := range x.Int64s() {
			items = append(items, fmt.Sprint(v))
		}
		p, _ := node.AttrInts("pool_int64s")
		for _, v := range p {
			pool = append(pool, fmt.Sprint(v))
		}
	}
	// gram maps an n-gram (members joined by NUL) to its number in the pool.
	gram := map[string]int{}
	number := 0
	for k, start := range counts {
		end := int64(len(pool))
		if k+1 < len(counts) {
			end = counts[k+1]
		}
		size := int64(k + 1)
		if start < 0 || start > end || end > int64(len(pool)) || (end-start)%size != 0 {
			return nil, ctx.Errorf("ngram_counts %v do not fit a pool of %d", counts, len(pool))
		}
		for i := start; i < end; i += size {
			gram[strings.Join(pool[i:i+size], "\x00")] = number
			number++
		}
	}
	if number != len(indexes) {
		return nil, ctx.Errorf("pool holds %d n-grams but ngram_indexes has %d", number, len(indexes))
	}
	weights, hasWeights := node.AttrFloats("weights")
	if hasWeights && len(weights) != number {
		return nil, ctx.Errorf("weights has %d entries, want %d", len(weights), number)
	}
	width := slices.Max(indexes) + 1
	if slices.Min(indexes) < 0 {
		return nil, ctx.Errorf("negative entry in ngram_indexes %v", indexes)
	}
	rows, cols := 1, int(x.Shape[0])
	shape := []int64{width}
	if x.Rank() == 2 {
		rows, cols = int(x.Shape[0]), int(x.Shape[1])
		shape = []int64{int64(rows), width}
	}
	if _, err := ir.NumElements(shape); err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	tf := make([]float64, rows*int(width))
	for r := 0; r < rows; r++ {
		row := items[r*cols : (r+1)*cols]
		for n := minN; n <= maxN; n++ {
			skips := maxSkip
			if n == 1 {
				skips = 0 // skipping changes nothing for 1-grams
			}
			for skip := 0; skip <= skips; skip++ {
				step := skip + 1
				for start := 0; start+(n-1)*step < cols; start++ {
					members := make([]string, n)
					for m := range members {
						members[m] = row[start+m*step]
					}
					if g, ok := gram[strings.Join(members, "\x00")]; ok {
						tf[r*int(width)+int(indexes[g])]++
					}
				}
			}
		}
	}
	mode := node.AttrString("mode", "TF")
	for g, idx := range indexes {
		w := 1.0
		if hasWeights {
			w = float64(weights[g])
		}
		for r := 0; r < rows; r++ {
			v := &tf[r*int(width)+int(idx)]
			switch mode {
			case "TF":
			case "IDF":
				*v = min(*v, 1) * w
			case "TFIDF":
				*v *= w
			default:
				return nil, ctx.Errorf("unknown mode %q", mode)
			}
		}
	}
	return ir.FromFloat64s(ir.Float32, shape, tf)
}
