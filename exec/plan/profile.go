package plan

import (
	"cmp"
	"slices"
	"time"
)

// OpTime is the wall time a profiled runner spent in the steps of one
// operator, summed over its runs.
type OpTime struct {
	Op        string        // qualified op type; "(reference)" marks steps run by the reference interpreter
	Steps     int           // plan steps of this op
	Total     time.Duration // time in those steps, all profiled runs together
	Reference bool          // the steps ran on reference kernels
}

// profile accumulates per-step wall time over a runner's runs.
type profile struct {
	prog  *program // the program the times belong to
	times []time.Duration
	runs  int
}

// SetProfiling turns per-step timing on or off and clears what was
// measured. A profiled run reads the clock around every step, which costs
// well under a microsecond per step.
func (r *Runner) SetProfiling(on bool) {
	r.prof = nil
	if on {
		r.prof = &profile{}
	}
}

// ResetProfile clears what a profiling runner measured so far.
func (r *Runner) ResetProfile() {
	if r.prof != nil {
		r.prof = &profile{}
	}
}

// Profile returns the time per operator of the profiled runs since
// SetProfiling(true) at the most recent input shapes, slowest first, and
// how many runs that covers. Runs through the whole-graph interpreter are
// not timed.
func (r *Runner) Profile() ([]OpTime, int) {
	if r.prof == nil || r.prof.prog == nil {
		return nil, 0
	}
	byOp := map[string]*OpTime{}
	var ops []*OpTime
	for i, st := range r.prof.prog.steps {
		key := st.node.QualifiedOp()
		if st.run == nil {
			key += " (reference)"
		}
		o := byOp[key]
		if o == nil {
			o = &OpTime{Op: key, Reference: st.run == nil}
			byOp[key] = o
			ops = append(ops, o)
		}
		o.Steps++
		o.Total += r.prof.times[i]
	}
	out := make([]OpTime, len(ops))
	for i, o := range ops {
		out[i] = *o
	}
	slices.SortStableFunc(out, func(a, b OpTime) int { return cmp.Compare(b.Total, a.Total) })
	return out, r.prof.runs
}

// timesFor returns the per-step accumulator for pr, restarting it when the
// runner moved to another program, or nil when profiling is off.
func (p *profile) timesFor(pr *program) []time.Duration {
	if p == nil {
		return nil
	}
	if p.prog != pr {
		p.prog, p.times, p.runs = pr, make([]time.Duration, len(pr.steps)), 0
	}
	p.runs++
	return p.times
}
