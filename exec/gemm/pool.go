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
	cpus    []int       // worker i may run on cpus[i], the caller on cpus[0]; nil: never bound
	bound   atomic.Bool // the current run is bound (see Bind)
	caller  cpuBinding  // the caller's binding during a bound run
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

// NewPoolOnCPUs is NewPool whose runs (see Bind) bind worker i's thread
// to cpus[i] for i ≥ 1 and the caller's to cpus[0]. It never binds when
// cpus is shorter than threads (nil, say) or when GOMAXPROCS is below
// threads: bound threads poll for work without yielding, which needs a P
// each.
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

// work runs tasks until the pool closes. It binds its thread to cpus[i]
// when it takes a task of a bound run, and stays bound, asleep or not,
// until it takes a task of an unbound run or, polling, sees another
// session's run in progress.
func (p *Pool) work(i int) {
	var w worker
	defer w.unbind()
	for {
		t, ok := p.next(&w)
		if !ok {
			return
		}
		switch bound := p.bound.Load(); {
		case bound && !w.bound:
			w.b, w.bound = bindThread(p.cpus[i]), true
		case !bound && w.bound:
			w.unbind()
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

// worker is a worker goroutine's binding to its CPU.
type worker struct {
	b     cpuBinding
	bound bool
}

func (w *worker) unbind() {
	if w.bound {
		w.b.release()
		w.bound = false
	}
}

// next waits for a task, polling for up to spinWait before it blocks; ok
// is false once the pool is closed. An unbound worker yields its P now
// and then while it polls; a bound one does not, since its goroutine is
// locked to its thread, and a locked goroutine that yields hands its
// thread's P to another thread and back, two sleeps and wake-ups each
// time.
func (p *Pool) next(w *worker) (t task, ok bool) {
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
			if w.bound && !p.bound.Load() && activeRuns.Load() > 0 {
				w.unbind() // another session runs: yield to it, unbound
			}
			if !w.bound {
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
	if p.bound.Load() && activeRuns.Load() > 1 {
		p.unbindRun() // another session runs too: share the CPUs unbound
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
	c.wait(p.bound.Load())
	p.calls.Put(c)
}

// Binding is a run started by Bind.
type Binding struct{ p *Pool }

// activeRuns counts the runs of multi-threaded pools in progress in the
// process; bindLease is held by the one bound run. A run binds only while
// it is alone: sessions running at the same time would bind their threads
// to the same CPUs (every caller to the first), and bound threads poll
// without yielding their Ps.
var (
	activeRuns atomic.Int32
	bindLease  atomic.Bool
)

// Bind starts a run, a sequence of ParallelFor calls by one goroutine, on
// the pool, until Release. On a pool made with CPUs, when no other run is
// in progress in the process, the calling goroutine's thread is bound to
// the caller's CPU and the workers bind to theirs as they take its loops,
// so that no two of them share a CPU while another idles. The run goes
// unbound as soon as another starts. A pool runs one run at a time.
func (p *Pool) Bind() Binding {
	if p == nil || p.threads < 2 {
		return Binding{}
	}
	if activeRuns.Add(1) == 1 && p.cpus != nil && bindLease.CompareAndSwap(false, true) {
		p.caller = bindThread(p.cpus[0])
		p.bound.Store(true)
	}
	return Binding{p: p}
}

// unbindRun ends the binding of the current run, on the caller's
// goroutine: its thread gets its former CPU set back and is unlocked, and
// the workers unbind as they notice.
func (p *Pool) unbindRun() {
	if p.bound.Load() {
		p.bound.Store(false)
		p.caller.release()
		bindLease.Store(false)
	}
}

// Release ends the run.
func (b *Binding) Release() {
	if b.p == nil {
		return
	}
	b.p.unbindRun()
	activeRuns.Add(-1)
	b.p = nil
}
