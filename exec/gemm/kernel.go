package gemm

import (
	"fmt"
	"unsafe"
)

// maxMR bounds the micro-tile height of every kernel.
const maxMR = 16

// kernel is a micro-kernel: fn multiplies an mr×k packed A micro-panel
// (mr values per step of k) by a k×16 packed B panel and stores (acc == 0)
// or adds (acc != 0) the mr×16 product into c, whose rows are ldc apart.
// fn2, if not nil, does the same for an mr×32 tile: b is two adjacent
// panels, the second k·16 floats after the first.
type kernel struct {
	name string
	mr   int
	fn   func(k int, a, b, c *float32, ldc, acc int)
	fn2  func(k int, a, b, c *float32, ldc, acc int)
	// row, if not nil, multiplies one row of op(A) (k values) by one
	// packed B panel into the 16 values at c, stored (acc == 0) or added.
	row func(k int, a, b, c *float32, acc int)
}

// goKernel is the portable micro-kernel.
var goKernel = newGoKernel(4)

// activeKernel is the kernel used by every call; tests switch it to cover
// all kernels the CPU can run.
var activeKernel = bestKernel()

// newGoKernel returns a portable kernel for mr×16 tiles (mr <= maxMR).
// Tests also use it with the tile heights of the assembly kernels, to run
// the packing and edge paths of those on any CPU.
func newGoKernel(mr int) *kernel {
	fn := func(k int, a, b, c *float32, ldc, acc int) {
		as := unsafe.Slice(a, k*mr)
		bs := unsafe.Slice(b, k*nr)
		var t [maxMR * nr]float32
		for p := range k {
			bp := (*[nr]float32)(bs[p*nr:])
			for r, av := range as[p*mr : (p+1)*mr] {
				tr := (*[nr]float32)(t[r*nr:])
				for x, bv := range bp {
					tr[x] += av * bv
				}
			}
		}
		merge(unsafe.Slice(c, (mr-1)*ldc+nr), ldc, t[:], mr, nr, acc)
	}
	return &kernel{name: fmt.Sprintf("go%d", mr), mr: mr, fn: fn, row: goRow}
}

// goRow is the portable kernel.row.
func goRow(k int, a, b, c *float32, acc int) {
	as, bs, cs := unsafe.Slice(a, k), unsafe.Slice(b, k*nr), (*[nr]float32)(unsafe.Slice(c, nr))
	var t [nr]float32
	for p, av := range as {
		for x, bv := range (*[nr]float32)(bs[p*nr:]) {
			t[x] += av * bv
		}
	}
	for x, v := range t {
		if acc != 0 {
			v += cs[x]
		}
		cs[x] = v
	}
}

// withPairs returns k with an fn2 made of two calls of fn, so that tests
// cover the two-panel path of the assembly kernels on any CPU.
func withPairs(k *kernel) *kernel {
	fn := k.fn
	pk := *k
	pk.name += "x2"
	pk.fn2 = func(kb int, a, b, c *float32, ldc, acc int) {
		fn(kb, a, b, c, ldc, acc)
		fn(kb, a, &unsafe.Slice(b, 2*kb*nr)[kb*nr], &unsafe.Slice(c, nr+1)[nr], ldc, acc)
	}
	return &pk
}
