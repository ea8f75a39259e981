// Package plan runs a codegen.Plan: every intermediate tensor lives in one
// arena laid out by the memory plan, and the nodes run through
// destination-passing kernels that write into it, or through the reference
// kernel followed by a copy into the arena for ops without one.
//
// A plan whose shapes are symbolic is planned once per input-shape
// signature: the first run at a new signature infers every shape (running
// the reference kernels only where values, not shapes, decide them: see
// record.go) and plans memory; every run at that signature, the first
// included, uses the arena. An Executor is shared by many Runners (one per
// session), each with its own arena.
package plan

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/ir"
)

// maxSignatures bounds the shape signatures cached by an Executor and by
// each Runner; the oldest is dropped first.
const maxSignatures = 16

// Executor holds what the sessions of one plan share: the plan, its
// weights, and the memory plans of the shape signatures seen so far.
type Executor struct {
	p      *codegen.Plan
	interp *exec.Interpreter
	inIDs  []int                      // value ids of the graph inputs
	outIDs []int                      // value ids of the graph outputs
	rp     atomic.Pointer[recordPlan] // what recording runs and needs (record.go)

	mu   sync.Mutex
	sigs []*signature

	packs packCache // packed weights of the fast kernels, shared by the runners
}

// signature is the plan of one input-shape signature; immutable once made.
type signature struct {
	key    [][]int64 // input shapes in graph-input order (nil: input omitted)
	shapes [][]int64 // every value's shape, by value id
	mem    *codegen.MemPlan
	params [][]*ir.Tensor // per step, per input slot: the recorded parameter inputs
	// dynamic marks signatures whose shapes depend on input data: they
	// always run through the interpreter.
	dynamic bool
}

// New returns an executor for p.
func New(p *codegen.Plan) (*Executor, error) {
	e := &Executor{p: p, interp: exec.NewInterpreter()}
	if err := e.interp.Check(p.Graph); err != nil {
		return nil, err
	}
	e.packs.init(p)
	e.rp.Store(newRecordPlan(p, make([]bool, len(p.Steps))))
	for _, v := range p.Graph.Inputs {
		e.inIDs = append(e.inIDs, p.ValueID(v))
	}
	for _, v := range p.Graph.Outputs {
		id := p.ValueID(v)
		if id < 0 {
			return nil, fmt.Errorf("plan: graph output %q is not a value of the graph", v.Name)
		}
		e.outIDs = append(e.outIDs, id)
	}
	return e, nil
}

// Plan returns the executor's plan.
func (e *Executor) Plan() *codegen.Plan { return e.p }

// Runner runs the plan for one session: it owns the arenas and the
// output map, and must not be used by two goroutines at once.
type Runner struct {
	e     *Executor
	progs []*program
	out   map[string]*ir.Tensor
	env   env
	prof  *profile // nil unless SetProfiling(true)
}

// NewRunner returns a single-threaded runner with no arena yet.
func (e *Executor) NewRunner() *Runner {
	r := &Runner{e: e, out: make(map[string]*ir.Tensor, len(e.outIDs)), env: env{packs: &e.packs}}
	return r
}

// errReplan reports that a shape or parameter differs from the plan of the
// signature: the shapes of the model depend on input data.
var errReplan = errors.New("shapes depend on input data")

// Run computes the graph outputs by name. The returned map and the
// tensors in it belong to the runner and stay valid until its next Run.
func (r *Runner) Run(inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
	e := r.e
	if e.p.Interpreted != "" {
		return r.interpret(inputs)
	}
	if pr := r.find(inputs); pr != nil {
		return r.runProgram(pr, inputs)
	}
	sig, outs, err := e.signatureFor(inputs)
	if err != nil {
		return nil, err
	}
	if e.isDynamic(sig) {
		return r.interpret(inputs)
	}
	pr, err := newProgram(e, sig, &r.env)
	if err != nil {
		return nil, err
	}
	if len(r.progs) == maxSignatures {
		r.progs = r.progs[1:]
	}
	r.progs = append(r.progs, pr)
	if outs != nil {
		for i, v := range e.p.Graph.Outputs {
			r.out[v.Name] = outs[i]
		}
		return r.out, nil
	}
	return r.runProgram(pr, inputs)
}

// runProgram runs pr and publishes its outputs. When a shape or parameter
// differs from its signature's plan, the signature is marked dynamic and
// the inputs go through the interpreter.
func (r *Runner) runProgram(pr *program, inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
	bind := r.env.pool.Bind()
	err := pr.run(inputs, r.prof.timesFor(pr))
	bind.Release()
	if err == nil {
		return r.publish(pr.slots), nil
	}
	if !errors.Is(err, errReplan) {
		return nil, err
	}
	r.e.markDynamic(pr.sig)
	r.progs = slices.DeleteFunc(r.progs, func(q *program) bool { return q == pr })
	return r.interpret(inputs)
}

// publish fills the output map from the program's slots.
func (r *Runner) publish(slots []*ir.Tensor) map[string]*ir.Tensor {
	for i, v := range r.e.p.Graph.Outputs {
		r.out[v.Name] = slots[r.e.outIDs[i]]
	}
	return r.out
}

// interpret runs the whole graph through the reference interpreter.
func (r *Runner) interpret(inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
	run := r.e.interp.Run
	if r.e.p.HasMissing() {
		run = func(_ *ir.Graph, in map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
			return r.e.interpretUnpacked(in)
		}
	}
	outs, err := run(r.e.p.Graph, inputs)
	if err != nil {
		return nil, err
	}
	for k, t := range outs {
		r.out[k] = t
	}
	return r.out, nil
}

// find returns the runner's program for the inputs' shapes, or nil. It
// does not allocate.
func (r *Runner) find(inputs map[string]*ir.Tensor) *program {
	for i := len(r.progs) - 1; i >= 0; i-- {
		if r.e.matches(r.progs[i].sig, inputs) {
			return r.progs[i]
		}
	}
	return nil
}

// matches reports whether inputs have exactly sig's shapes and no input
// beyond the graph's.
func (e *Executor) matches(sig *signature, inputs map[string]*ir.Tensor) bool {
	given := 0
	for i, v := range e.p.Graph.Inputs {
		t := inputs[v.Name]
		if t == nil {
			if sig.key[i] != nil {
				return false
			}
			continue
		}
		given++
		if sig.key[i] == nil || !slices.Equal(t.Shape, sig.key[i]) {
			return false
		}
	}
	return given == len(inputs)
}

// isDynamic reports whether sig's shapes depend on data.
func (e *Executor) isDynamic(sig *signature) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return sig.dynamic
}

// markDynamic records that sig's shapes depend on data.
func (e *Executor) markDynamic(sig *signature) {
	e.mu.Lock()
	defer e.mu.Unlock()
	sig.dynamic = true
}

// signatureFor returns the plan of the inputs' shape signature, recording
// it when it is new; outs are the graph outputs when that took a reference
// run of the whole graph (nil otherwise).
func (e *Executor) signatureFor(inputs map[string]*ir.Tensor) (*signature, []*ir.Tensor, error) {
	e.mu.Lock()
	for _, s := range e.sigs {
		if e.matches(s, inputs) {
			e.mu.Unlock()
			return s, nil, nil
		}
	}
	e.mu.Unlock()
	if err := exec.CheckInputs(e.p.Graph, inputs); err != nil {
		return nil, nil, err
	}
	sig, outs, err := e.newSignature(inputs)
	if err != nil {
		return nil, nil, err
	}
	e.mu.Lock()
	if len(e.sigs) == maxSignatures {
		e.sigs = e.sigs[1:]
	}
	e.sigs = append(e.sigs, sig)
	e.mu.Unlock()
	return sig, outs, nil
}

// Stats returns the memory plan of the most recently planned signature,
// or nil before the first run.
func (e *Executor) Stats() *codegen.MemPlan {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.sigs) == 0 {
		return nil
	}
	return e.sigs[len(e.sigs)-1].mem
}
