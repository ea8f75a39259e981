package tfc

import (
	"github.com/tfc-project/tfc/exec/plan"
	"github.com/tfc-project/tfc/ir"
)

// Session runs a Model. A session is used by one goroutine at a time; run
// a model concurrently by giving each goroutine its own session. Sessions
// share the model's weights and each owns its arena.
type Session struct {
	r *plan.Runner
}

// NewSession returns a session of m.
func (m *Model) NewSession() *Session { return &Session{r: m.exe.NewRunner()} }

// Run computes the model's outputs, by output name, from its inputs, by
// input name. The returned map and its tensors belong to the session and
// are overwritten by its next Run: clone what must outlive it. After the
// first run at a given set of input shapes, a Run of a model whose ops all
// have destination-passing kernels allocates nothing.
func (s *Session) Run(inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
	return s.r.Run(inputs)
}
