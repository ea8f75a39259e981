package gemm

import (
	"runtime"
	"slices"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// threadCPUs lists the CPUs the calling thread may run on.
func threadCPUs(t *testing.T) []int {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		t.Fatal(err)
	}
	var cpus []int
	for c := range len(set) * 64 {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	return cpus
}

// TestPoolOnCPUs: a bound pool's workers run on their CPUs, Bind puts the
// caller on the first and Release gives the caller's thread its CPU set
// back.
func TestPoolOnCPUs(t *testing.T) {
	allowed := AllowedCPUs()
	if len(allowed) == 0 {
		t.Fatal("AllowedCPUs found no CPU")
	}
	cpus := []int{allowed[0], allowed[len(allowed)-1], allowed[0]}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3)) // a P per bound thread
	p := NewPoolOnCPUs(3, cpus)
	defer p.Close()
	b := p.Bind()
	var mu sync.Mutex
	got := make([][]int, 3)
	for range 20 { // every worker takes some task
		p.ParallelFor(3, func(lo, hi int) {
			c := threadCPUs(t)
			mu.Lock()
			defer mu.Unlock()
			if lo == 0 {
				got[0] = c
			} else if !slices.Equal(c, []int{cpus[1]}) && !slices.Equal(c, []int{cpus[2]}) {
				t.Errorf("a worker runs on CPUs %v, want %d or %d", c, cpus[1], cpus[2])
			}
		})
	}
	if !slices.Equal(got[0], []int{cpus[0]}) {
		t.Errorf("the bound caller runs on CPUs %v, want [%d]", got[0], cpus[0])
	}
	b.Release()
	if c := threadCPUs(t); len(c) != len(allowed) {
		// The goroutine may now run on any thread; each has the process's set.
		t.Errorf("after Release the caller runs on CPUs %v, want %v", c, allowed)
	}
}

// TestPoolUnbound: a pool with fewer CPUs than threads, or fewer Ps,
// binds nothing, and Bind is a no-op.
func TestPoolUnbound(t *testing.T) {
	allowed := AllowedCPUs()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	for name, p := range map[string]*Pool{
		"one CPU for two threads": NewPoolOnCPUs(2, allowed[:1]),
		"three threads on two Ps": NewPoolOnCPUs(3, []int{allowed[0], allowed[0], allowed[0]}),
	} {
		b := p.Bind()
		p.ParallelFor(3, func(lo, hi int) {
			if c := threadCPUs(t); len(c) != len(allowed) {
				t.Errorf("%s: a thread runs on CPUs %v, want all of %v", name, c, allowed)
			}
		})
		b.Release()
		p.Close()
	}
}

// TestPoolBindsAlone: a run binds only while no other run is in progress:
// a second pool's run stays unbound, and the first unbinds at its next
// loop; alone again, a run binds again.
func TestPoolBindsAlone(t *testing.T) {
	allowed := AllowedCPUs()
	cpus := []int{allowed[0], allowed[len(allowed)-1]}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	a, b := NewPoolOnCPUs(2, cpus), NewPoolOnCPUs(2, cpus)
	defer a.Close()
	defer b.Close()
	caller := func(p *Pool) []int {
		var got []int
		p.ParallelFor(2, func(lo, hi int) {
			if lo == 0 {
				got = threadCPUs(t)
			}
		})
		return got
	}
	ra := a.Bind()
	if c := caller(a); !slices.Equal(c, cpus[:1]) {
		t.Fatalf("a run alone: the caller runs on CPUs %v, want %v", c, cpus[:1])
	}
	started, finish, done := make(chan []int), make(chan bool), make(chan bool)
	go func() { // b's run, while a's is in progress
		rb := b.Bind()
		started <- caller(b)
		<-finish
		rb.Release()
		done <- true
	}()
	if c := <-started; len(c) != len(allowed) {
		t.Errorf("a second run: the caller runs on CPUs %v, want all of %v", c, allowed)
	}
	if c := caller(a); len(c) != len(allowed) {
		t.Errorf("a run beside another: the caller runs on CPUs %v, want all of %v", c, allowed)
	}
	finish <- true
	<-done
	ra.Release()
	ra = a.Bind()
	if c := caller(a); !slices.Equal(c, cpus[:1]) {
		t.Errorf("alone again: the caller runs on CPUs %v, want %v", c, cpus[:1])
	}
	ra.Release()
}
