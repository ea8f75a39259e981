package codegen

import (
	"cmp"
	"math/rand/v2"
	"testing"
)

// gpt2Buffers are the arena buffers of testmodels/gpt2 (one block, Q, K
// and V packed): {bytes, first step, last step}. Greedy by size leaves them
// at 25088 bytes; the lower bound, 21504, is reachable.
var gpt2Buffers = [][3]int64{
	{16, 0, 1}, {8, 1, 3}, {56, 3, 6}, {3584, 5, 12}, {1792, 6, 7}, {3584, 8, 9},
	{10752, 9, 10}, {3584, 10, 11}, {3584, 11, 12}, {3584, 12, 13}, {3584, 12, 16}, {14336, 13, 15},
	{3584, 15, 16}, {3584, 16, 17}, {3584, 16, 20}, {10752, 17, 18}, {3584, 18, 19}, {3584, 19, 20},
	{3584, 20, 21}, {3584, 20, 24}, {14336, 21, 23}, {3584, 23, 24}, {3584, 24, 25}, {7168, 25, 26},
}

func buffersOf(spec [][3]int64) []*buffer {
	bufs := make([]*buffer, len(spec))
	for i, s := range spec {
		bufs[i] = &buffer{bytes: s[0], start: int(s[1]), end: int(s[2])}
	}
	return bufs
}

// checkPlacement fails t when two buffers live at one step overlap or one
// reaches past the arena.
func checkPlacement(t *testing.T, bufs []*buffer, arena int64) {
	t.Helper()
	for i, a := range bufs {
		if a.offset < 0 || a.offset%Alignment != 0 || a.offset+a.bytes > arena {
			t.Errorf("buffer %d at %d (+%d) outside the arena of %d or unaligned", i, a.offset, a.bytes, arena)
		}
		for j, b := range bufs[:i] {
			if a.start <= b.end && b.start <= a.end && a.offset < b.offset+b.bytes && b.offset < a.offset+a.bytes {
				t.Errorf("buffers %d [%d,%d]@%d+%d and %d [%d,%d]@%d+%d overlap", i, a.start, a.end, a.offset, a.bytes,
					j, b.start, b.end, b.offset, b.bytes)
			}
		}
	}
}

func TestPlaceGPT2(t *testing.T) {
	bufs := buffersOf(gpt2Buffers)
	bound := lowerBound(bufs, 27)
	arena := place(bufs, bound)
	checkPlacement(t, bufs, arena)
	if arena != bound {
		t.Errorf("arena %d, want the lower bound %d", arena, bound)
	}
}

// randomBuffers returns n buffers shaped like a transformer's: started in
// schedule order, most read by the next step or two, some (residual
// streams, K/V) long lived, sizes a few multiples of one width plus small
// odd ones.
func randomBuffers(rng *rand.Rand, n int) []*buffer {
	bufs := make([]*buffer, n)
	step := 0
	for i := range bufs {
		if rng.IntN(3) > 0 {
			step++
		}
		life := 1 + rng.IntN(2)
		if rng.IntN(5) == 0 {
			life = 2 + rng.IntN(8)
		}
		bytes := int64(1+rng.IntN(4)) * 3584
		if rng.IntN(6) == 0 {
			bytes = int64(1 + rng.IntN(200))
		}
		bufs[i] = &buffer{bytes: bytes, start: step, end: step + life}
	}
	return bufs
}

func steps(bufs []*buffer) int {
	s := 0
	for _, b := range bufs {
		s = max(s, b.end+1)
	}
	return s
}

// optimum is the smallest arena of bufs: first fit in some order reaches
// it (first fit in the order of an optimal packing's offsets places every
// buffer at or below its offset there), so it tries every order.
func optimum(bufs []*buffer) int64 {
	p := newPlacer(bufs)
	order := p.sorted(func(a, b int32) int { return 0 })
	best := int64(-1)
	var perm func(k int)
	perm = func(k int) {
		if k == len(order) {
			p.best = -1
			if a := p.try(order, false); best < 0 || a < best {
				best = a
			}
			return
		}
		for i := k; i < len(order); i++ {
			order[k], order[i] = order[i], order[k]
			perm(k + 1)
			order[k], order[i] = order[i], order[k]
		}
	}
	perm(0)
	return best
}

func TestPlaceRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var hit, small, total int
	for range 300 {
		bufs := randomBuffers(rng, 2+rng.IntN(60))
		bound := lowerBound(bufs, steps(bufs))
		g := newPlacer(bufs)
		greedy := g.try(g.sorted(func(a, b int32) int { return cmp.Compare(g.size[b], g.size[a]) }), false)
		arena := place(bufs, bound)
		checkPlacement(t, bufs, arena)
		if arena < bound || arena > greedy {
			t.Errorf("%d buffers: arena %d, want between the lower bound %d and greedy by size %d", len(bufs), arena, bound, greedy)
		}
		total++
		if arena == bound {
			hit++
		}
	}
	for range 200 {
		bufs := randomBuffers(rng, 2+rng.IntN(6))
		arena := place(bufs, lowerBound(bufs, steps(bufs)))
		checkPlacement(t, bufs, arena)
		if opt := optimum(bufs); arena == opt {
			small++
		} else if arena < opt {
			t.Errorf("arena %d below the optimum %d", arena, opt)
		}
	}
	t.Logf("lower bound reached on %d of %d; optimum on %d of 200 small ones", hit, total, small)
}
