package tfc

import (
	"runtime"

	"github.com/tfc-project/tfc/exec/gemm"
	"github.com/tfc-project/tfc/exec/plan"
	"github.com/tfc-project/tfc/ir"
)

// Session runs a Model. A session is used by one goroutine at a time; run
// a model concurrently by giving each goroutine its own session. Sessions
// share the model's weights and each owns its arena.
type Session struct {
	r *plan.Runner
}

// SessionOption configures NewSession.
type SessionOption func(*sessionConfig)

type sessionConfig struct {
	threads int
	profile bool
	bind    *bool // nil: bind when the session has a thread per CPU
}

// WithThreads sets how many goroutines run a session's kernels: the
// caller of Run plus n-1 workers. The default is runtime.GOMAXPROCS(0)
// (the number of cores unless the program or GOMAXPROCS says less); 1 runs
// everything on the caller.
func WithThreads(n int) SessionOption { return func(c *sessionConfig) { c.threads = n } }

// WithCPUBinding sets whether a multi-threaded session may bind its
// threads to CPUs: during a Run, the calling goroutine's thread to one
// CPU and each worker to another, so that two of them never share a CPU
// while others idle (which Linux's scheduler lets happen for milliseconds
// after the CPUs idled). A Run binds only while no other session's Run is
// in progress in the process, and stops binding when one starts, since
// sessions running side by side would meet on the same CPUs. By default
// a session may bind when it has one thread per CPU the process may use
// (the default thread count), and not when it has fewer. Binding is done
// on Linux only, and only when GOMAXPROCS is at least the thread count.
func WithCPUBinding(on bool) SessionOption { return func(c *sessionConfig) { c.bind = &on } }

// WithProfiling makes the session time each plan step; Profile reports
// the times per operator.
func WithProfiling() SessionOption { return func(c *sessionConfig) { c.profile = true } }

// NewSession returns a session of m. Its worker goroutines stop at Close,
// or when the session is garbage collected.
func (m *Model) NewSession(opts ...SessionOption) *Session {
	var cfg sessionConfig
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.threads < 1 {
		cfg.threads = runtime.GOMAXPROCS(0)
	}
	cpus := gemm.AllowedCPUs()
	if cfg.bind == nil && len(cpus) != cfg.threads || cfg.bind != nil && !*cfg.bind {
		cpus = nil
	}
	r := m.exe.NewRunnerOnCPUs(cfg.threads, cpus)
	r.SetProfiling(cfg.profile)
	s := &Session{r: r}
	runtime.AddCleanup(s, (*plan.Runner).Close, r)
	return s
}

// Close stops the session's worker goroutines; the session must not be
// used afterwards.
func (s *Session) Close() { s.r.Close() }

// Run computes the model's outputs, by output name, from its inputs, by
// input name. The returned map and its tensors belong to the session and
// are overwritten by its next Run: clone what must outlive it. After the
// first run at a given set of input shapes, a Run of a model whose ops all
// have destination-passing kernels allocates nothing.
func (s *Session) Run(inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
	out, err := s.r.Run(inputs)
	// s must outlive the run: its garbage-collection cleanup closes the
	// worker pool the kernels are running on.
	runtime.KeepAlive(s)
	return out, err
}

// Profile returns, for a session made WithProfiling, the wall time spent
// per operator over its runs at the most recent input shapes (slowest
// first), and how many runs that sums.
func (s *Session) Profile() ([]plan.OpTime, int) { return s.r.Profile() }

// ResetProfile clears what a session made WithProfiling measured so far,
// e.g. after warm-up runs.
func (s *Session) ResetProfile() { s.r.ResetProfile() }
