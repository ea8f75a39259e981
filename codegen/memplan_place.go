package codegen

import (
	"cmp"
	"slices"
)

// Offset assignment is the dynamic storage allocation problem: buffers of
// fixed sizes and lifetimes get offsets so that no two live at one step
// overlap, in as small an arena as possible. It is NP-hard, but a greedy
// placement in a good order comes close, and which order is good depends
// on the graph. place therefore tries several (greedy by size as in
// onnxruntime and TFLite, by lifetime start as in TVM's storage rewrite, by
// size × lifetime, TFLite's greedy by breadth), each with first fit and best
// fit, and keeps the smallest arena. When that is still above the lower
// bound, a bounded backtracking search (fit) looks for a placement within
// it. Everything is deterministic: one graph and one set of shapes always
// give the same offsets.

// placeFitBudget bounds the search for a placement within the lower bound
// when the greedy orders miss it: the number of buffer placements it may
// try.
const placeFitBudget = 1 << 15

// placer holds one placement problem: aligned sizes, lifetimes and, for
// each buffer, the buffers live at some step together with it.
type placer struct {
	size       []int64
	start, end []int
	nbrs       [][]int32

	off    []int64 // offsets of the current try
	done   []bool
	clash  []int32 // scratch
	bestAt []int64 // offsets of the best try so far
	best   int64   // its arena size; -1 before the first try
}

func newPlacer(bufs []*buffer) *placer {
	n := len(bufs)
	p := &placer{
		size: make([]int64, n), start: make([]int, n), end: make([]int, n), nbrs: make([][]int32, n),
		off: make([]int64, n), done: make([]bool, n), bestAt: make([]int64, n), best: -1,
	}
	for i, b := range bufs {
		p.size[i], p.start[i], p.end[i] = align(b.bytes), b.start, b.end
	}
	// Sweep by start: every buffer that starts during a's lifetime overlaps it.
	byStart := p.sorted(func(a, b int32) int { return cmp.Compare(p.start[a], p.start[b]) })
	for k, a := range byStart {
		for _, b := range byStart[k+1:] {
			if p.start[b] > p.end[a] {
				break
			}
			p.nbrs[a] = append(p.nbrs[a], b)
			p.nbrs[b] = append(p.nbrs[b], a)
		}
	}
	return p
}

// sorted returns the buffer indices in the order of less, ties broken by
// index.
func (p *placer) sorted(less func(a, b int32) int) []int32 {
	order := make([]int32, len(p.size))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, less)
	return order
}

// try places the buffers in order, each at the lowest offset free of the
// placed buffers it overlaps (first fit) or in the smallest free gap among
// them that fits, else above them all (best fit). It records the result if
// its arena is the smallest so far and returns the arena, giving up early
// (returning a size above the best) once it cannot match it.
func (p *placer) try(order []int32, bestFit bool) int64 {
	clear(p.done)
	var arena int64
	for _, b := range order {
		sz := p.size[b]
		p.placedNeighbours(b)
		at, gap, top := int64(-1), int64(-1), int64(0)
		for _, q := range p.clash {
			if g := p.off[q] - top; g >= sz && (gap < 0 || g < gap) {
				at, gap = top, g
				if !bestFit {
					break
				}
			}
			top = max(top, p.off[q]+p.size[q])
		}
		if at < 0 {
			at = top
		}
		p.off[b], p.done[b] = at, true
		arena = max(arena, at+sz)
		if p.best >= 0 && arena > p.best {
			return arena
		}
	}
	if p.best < 0 || arena < p.best {
		p.best = arena
		copy(p.bestAt, p.off)
	}
	return arena
}

// place assigns every buffer's offset and returns the arena size: the
// smallest of the greedy orders' and, when none reaches bound (the lower
// bound), fit's.
func place(bufs []*buffer, bound int64) int64 {
	if len(bufs) == 0 {
		return 0
	}
	p := newPlacer(bufs)
	lifetime := func(b int32) int64 { return int64(p.end[b] - p.start[b] + 1) }
	bySize := func(a, b int32) int {
		return cmp.Or(cmp.Compare(p.size[b], p.size[a]), cmp.Compare(p.start[a], p.start[b]))
	}
	orders := []func() []int32{
		// greedy by size (onnxruntime, TFLite): the large buffers first
		func() []int32 { return p.sorted(bySize) },
		// by lifetime start (TVM's storage rewrite, linear scan)
		func() []int32 {
			return p.sorted(func(a, b int32) int {
				return cmp.Or(cmp.Compare(p.start[a], p.start[b]), cmp.Compare(p.size[b], p.size[a]))
			})
		},
		// by area, size × lifetime
		func() []int32 {
			return p.sorted(func(a, b int32) int {
				return cmp.Or(cmp.Compare(p.size[b]*lifetime(b), p.size[a]*lifetime(a)), bySize(a, b))
			})
		},
		// greedy by breadth (TFLite): the steps with most bytes live first
		func() []int32 { return p.byBreadth(bySize) },
	}
	for _, order := range orders {
		if p.best == bound {
			break
		}
		o := order()
		p.try(o, false)
		if p.best != bound {
			p.try(o, true)
		}
	}
	if p.best > bound {
		p.fit(bound, placeFitBudget)
	}
	for i, b := range bufs {
		b.offset = p.bestAt[i]
	}
	return p.best
}

// byBreadth orders the buffers by the steps they live at, the step with the
// most bytes live first: the buffers live at that step, in the order of
// less, then those of the next step not yet taken, and so on.
func (p *placer) byBreadth(less func(a, b int32) int) []int32 {
	steps := 0
	for _, e := range p.end {
		steps = max(steps, e+1)
	}
	breadth := make([]int64, steps+1)
	for b, sz := range p.size {
		breadth[p.start[b]] += sz
		breadth[p.end[b]+1] -= sz
	}
	for t := 1; t < len(breadth); t++ {
		breadth[t] += breadth[t-1]
	}
	ts := make([]int, steps)
	for t := range ts {
		ts[t] = t
	}
	slices.SortStableFunc(ts, func(a, b int) int { return cmp.Compare(breadth[b], breadth[a]) })
	// live[t] lists the buffers live at step t in the order of less.
	live := make([][]int32, steps)
	for _, b := range p.sorted(less) {
		for t := p.start[b]; t <= p.end[b]; t++ {
			live[t] = append(live[t], b)
		}
	}
	seen := make([]bool, len(p.size))
	order := make([]int32, 0, len(p.size))
	for _, t := range ts {
		for _, b := range live[t] {
			if !seen[b] {
				seen[b] = true
				order = append(order, b)
			}
		}
	}
	return order
}

// fit looks for offsets that keep every buffer below limit. It places the
// buffers by lifetime start, each in one of the free gaps that its placed
// neighbours leave below limit (the smallest gap first, at its bottom, then
// at its top), and at a dead end jumps back to the latest placed buffer
// among the culprits: the dead buffer's neighbours and the culprits of the
// dead ends below it (conflict-directed backjumping). Trying only the ends
// of gaps, it can miss a packing that needs a buffer inside a gap, and it
// gives up after budget placements (its time is exponential in the worst
// case). fit records the placement it finds and reports whether it found
// one.
func (p *placer) fit(limit int64, budget int) bool {
	n := len(p.size)
	order := p.sorted(func(a, b int32) int {
		return cmp.Or(cmp.Compare(p.start[a], p.start[b]), cmp.Compare(p.size[b], p.size[a]))
	})
	depth := make([]int32, n)
	for k, b := range order {
		depth[b] = int32(k)
	}
	cands := make([][]int64, n) // the offsets to try at each depth
	next := make([]int, n)      // the next of them
	culprits := make([][]int32, n)
	clear(p.done)
	for k, enter := 0, true; k < n; {
		b := order[k]
		if enter {
			cands[k] = p.gaps(b, limit, cands[k][:0])
			next[k], culprits[k], enter = 0, culprits[k][:0], false
		}
		if next[k] < len(cands[k]) {
			if budget--; budget < 0 {
				return false
			}
			p.off[b], p.done[b] = cands[k][next[k]], true
			next[k]++
			k, enter = k+1, true
			continue
		}
		// A dead end: no gap left for b.
		h := int32(-1)
		for _, q := range p.nbrs[b] {
			if p.done[q] {
				h = max(h, depth[q])
			}
		}
		for _, d := range culprits[k] {
			h = max(h, d)
		}
		if h < 0 {
			return false
		}
		blame := func(d int32) {
			if d < h && !slices.Contains(culprits[h], d) {
				culprits[h] = append(culprits[h], d)
			}
		}
		for _, q := range p.nbrs[b] {
			if p.done[q] {
				blame(depth[q])
			}
		}
		for _, d := range culprits[k] {
			blame(d)
		}
		for _, q := range order[h:k] {
			p.done[q] = false
		}
		k = int(h)
	}
	var arena int64
	for b, at := range p.off {
		arena = max(arena, at+p.size[b])
	}
	if p.best < 0 || arena < p.best {
		p.best = arena
		copy(p.bestAt, p.off)
	}
	return true
}

// placedNeighbours sets p.clash to b's neighbours (buffers live at the
// same time) that are placed already, by offset.
func (p *placer) placedNeighbours(b int32) {
	p.clash = p.clash[:0]
	for _, q := range p.nbrs[b] {
		if p.done[q] {
			p.clash = append(p.clash, q)
		}
	}
	slices.SortFunc(p.clash, func(x, y int32) int { return cmp.Compare(p.off[x], p.off[y]) })
}

// gaps appends to cands the offsets below limit where b fits among its
// placed neighbours: the bottom and the top of each free gap large enough,
// the smallest gaps first.
func (p *placer) gaps(b int32, limit int64, cands []int64) []int64 {
	sz := p.size[b]
	p.placedNeighbours(b)
	type gap struct{ lo, hi int64 }
	var free []gap
	top := int64(0)
	for _, q := range p.clash {
		if p.off[q]-top >= sz {
			free = append(free, gap{top, p.off[q]})
		}
		top = max(top, p.off[q]+p.size[q])
	}
	if limit-top >= sz {
		free = append(free, gap{top, limit})
	}
	slices.SortStableFunc(free, func(x, y gap) int { return cmp.Compare(x.hi-x.lo, y.hi-y.lo) })
	for _, g := range free {
		cands = append(cands, g.lo)
		if g.hi-sz > g.lo {
			cands = append(cands, g.hi-sz)
		}
	}
	return cands
}
