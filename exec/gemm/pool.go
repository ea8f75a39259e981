package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Pool is a fixed set of worker goroutines that run parallel loops. It is
// created once and reused; no goroutine is started per call. A nil *Pool is
// valid and runs everything on the calling goroutine. A Pool may be used by
// several goroutines at once.
type Pool struct {
	threads int
	cpus    []int // worker i runs on cpus[i], the caller on cpus[0]; nil: unbound
	tasks   chan task
	calls   sync.Pool // of *parCall, so that calls do not allocate
}

type task struct {
	fn     func(lo, hi int)
	lo, hi int
	done   *parCall
}

// parCall tracks the worker parts of one ParallelFor: pending counts those
// not finished, for the caller to poll, and wg lets it sleep instead.
type parCall struct {
	pending atomic.Int32
	wg      sync.WaitGroup
}

// NewPool returns a pool that runs loops on threads goroutines: the caller
// of ParallelFor plus threads-1 workers. threads < 1 means
// runtime.GOMAXPROCS(0).
func NewPool(threads int) *Pool { return NewPoolOnCPUs(threads, nil) }

// NewPoolOnCPUs is NewPool with each worker's thread bound to a CPU of
// cpus, worker i to cpus[i] for i ≥ 1, and cpus[0] left for the caller
// (see Bind). It binds nothing when cpus is shorter than threads (nil,
// say) or when GOMAXPROCS is below threads: bound threads poll for work
// without yielding, which needs a P each.
//
// Why bind: when a run starts after the CPUs idled, Linux may wake a
// worker on the CPU of the thread that woke it, and the two then share
// one CPU for milliseconds before the load balancer moves one. On a
// 2-vCPU machine that made one BERT-base run in three 10–40% slower;
// bound threads cannot meet on a CPU.
func NewPoolOnCPUs(threads int, cpus []int) *Pool {
	if threads < 1 {
		threads = runtime.GOMAXPROCS(0)
	}
	p := &Pool{threads: threads, tasks: make(chan task, threads)}
	if len(cpus) >= threads && threads <= runtime.GOMAXPROCS(0) {
		p.cpus = cpus[:threads]
	}
	for i := 1; i < threads; i++ {
		go p.work(i)
	}
	return p
}

// work runs tasks until the pool closes. A bound worker exits with its
// thread locked, so that the thread, bound to a CPU, ends with it.
func (p *Pool) work(i int) {
	if p.cpus != nil {
		bindThread(p.cpus[i])
	}
	for {
		t, ok := p.next()
		if !ok {
			return
		}
		t.fn(t.lo, t.hi)
		t.done.pending.Add(-1)
		t.done.wg.Done()
	}
}

// spinWait is how long an idle worker polls for its next task before it
// blocks. A blocked worker's thread sleeps in the kernel, and waking it
// takes tens of microseconds, more on a virtual machine, paid on every
// parallel loop of a run, while the caller waits for it; a worker that
// still polls starts at once. The loops of a run follow each other
// closely, so the workers stay awake through a run and sleep soon after.
const spinWait = time.Millisecond

// next waits for a task, polling for up to spinWait before it blocks; ok
// is false once the pool is closed. An unbound worker yields its P now and
// then while it polls; a bound one does not, since its goroutine is locked
// to its thread, and a locked goroutine that yields hands its thread's P
// to another thread and back, two sleeps and wake-ups each time.
func (p *Pool) next() (t task, ok bool) {
	deadline := time.Now().Add(spinWait)
	for i := 1; ; i++ {
		select {
		case t, ok = <-p.tasks:
			return t, ok
		default:
		}
		if i%64 == 0 {
			if time.Now().After(deadline) {
				break
			}
			if p.cpus == nil {
				runtime.Gosched()
			}
		}
	}
	t, ok = <-p.tasks
	return t, ok
}

// wait returns once the worker parts of c are done, polling for up to
// spinWait before it sleeps: the parts are of equal size, so the wait is
// usually short, and a caller that sleeps takes long to wake (for a bound
// caller, locked to its thread, a hand-off of its P between threads). An
// unbound caller yields its P now and then while it polls, in case a
// worker waits for one.
func (c *parCall) wait(bound bool) {
	deadline := time.Now().Add(spinWait)
	for i := 1; c.pending.Load() > 0; i++ {
		if i%64 == 0 {
			if time.Now().After(deadline) {
				break
			}
			if !bound {
				runtime.Gosched()
			}
		}
	}
	c.wg.Wait() // at once when pending is 0: each part calls Done right after
}

// Threads reports how many goroutines run a loop; 1 for a nil pool.
func (p *Pool) Threads() int {
	if p == nil {
		return 1
	}
	return p.threads
}

// Close stops the workers. The pool must not be used afterwards; a nil pool
// may be closed.
func (p *Pool) Close() {
	if p != nil {
		close(p.tasks)
	}
}

// ParallelFor splits [0, n) into at most Threads() contiguous ranges of
// near-equal size and calls fn(lo, hi) on each, concurrently (one of them
// on the calling goroutine), returning when all calls have returned. fn
// must not call ParallelFor on the same pool.
func (p *Pool) ParallelFor(n int, fn func(lo, hi int)) {
	parts := min(p.Threads(), n)
	if parts <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	c, _ := p.calls.Get().(*parCall)
	if c == nil {
		c = new(parCall)
	}
	c.pending.Store(int32(parts - 1))
	c.wg.Add(parts - 1)
	for i := 1; i < parts; i++ {
		p.tasks <- task{fn: fn, lo: i * n / parts, hi: (i + 1) * n / parts, done: c}
	}
	fn(0, n/parts)
	c.wait(p.cpus != nil)
	p.calls.Put(c)
}

// Binding is the binding of a caller's thread made by Bind.
type Binding struct {
	b   cpuBinding
	set bool
}

// Bind binds the calling goroutine's thread to the CPU a bound pool keeps
// for its caller, until Release; it does nothing for an unbound or nil
// pool. Bind before a sequence of ParallelFor calls (a model run), so
// that the caller's part of each loop cannot land on a worker's CPU.
func (p *Pool) Bind() Binding {
	if p == nil || p.cpus == nil {
		return Binding{}
	}
	return Binding{b: bindThread(p.cpus[0]), set: true}
}

// Release restores the thread's former CPU set and unlocks it from the
// goroutine.
func (b *Binding) Release() {
	if b.set {
		b.b.release()
	}
}
