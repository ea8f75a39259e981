package gemm

import "unsafe"

// maxMR bounds the micro-tile height of every kernel.
const maxMR = 16

// kernel is a micro-kernel: fn multiplies an mr×k packed A micro-panel
// (mr values per step of k) by a k×16 packed B panel and stores (acc == 0)
// or adds (acc != 0) the mr×16 product into c, whose rows are ldc apart.
type kernel struct {
	name string
	mr   int
	fn   func(k int, a, b, c *float32, ldc, acc int)
}

// goKernel is the portable micro-kernel.
var goKernel = &kernel{name: "go", mr: 4, fn: kernGo}

// activeKernel is the kernel used by every call; tests switch it to cover
// all kernels the CPU can run.
var activeKernel = bestKernel()

func kernGo(k int, a, b, c *float32, ldc, acc int) {
	const mr = 4
	as := unsafe.Slice(a, k*mr)
	bs := unsafe.Slice(b, k*nr)
	var t [mr * nr]float32
	for p := range k {
		bp := (*[nr]float32)(bs[p*nr:])
		for r := range mr {
			av, tr := as[p*mr+r], (*[nr]float32)(t[r*nr:])
			for x, bv := range bp {
				tr[x] += av * bv
			}
		}
	}
	merge(unsafe.Slice(c, (mr-1)*ldc+nr), ldc, t[:], mr, nr, acc)
}
