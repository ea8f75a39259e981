package gemm

// prefetchL2 asks for the lines cache lines from p on into the L2 cache.
// It never faults: an address past the data is only a wasted hint.
//
//go:noescape
func prefetchL2(p *float32, lines int)
