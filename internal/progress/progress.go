// Package progress draws a one-line progress bar for a command's phases
// (e.g. loading, passes, lowering, writing) on a terminal.
package progress

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// width is the number of cells of the bar.
const width = 24

// Bar shows how far a command got through its phases. A Bar without a
// writer draws nothing, so callers need not check whether to show one.
type Bar struct {
	w           io.Writer
	label       string
	phases      []string
	phase       int // index in phases of the current phase, -1 before the first
	done, total int // steps of the current phase, when it reports them
	start       time.Time
	drawn       bool
}

// New returns a bar labelled label over the given phases, drawn on w; a
// nil w gives a bar that stays quiet.
func New(w io.Writer, label string, phases ...string) *Bar {
	return &Bar{w: w, label: label, phases: phases, phase: -1, start: time.Now()}
}

// IsTerminal reports whether w is a terminal (a character device).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Phase starts the named phase. A name that is not one of the bar's
// phases is added after the current one. Its signature fits
// tfc.CompileOptions.Progress.
func (b *Bar) Phase(name string) {
	i := slices.Index(b.phases, name)
	if i < 0 {
		i = b.phase + 1
		b.phases = slices.Insert(b.phases, i, name)
	}
	b.phase, b.done, b.total = i, 0, 0
	b.draw()
}

// Step reports that done of total steps of the current phase are done.
func (b *Bar) Step(done, total int) {
	b.done, b.total = done, total
	b.draw()
}

// Done erases the bar, leaving the line free for what follows.
func (b *Bar) Done() {
	if b.w != nil && b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.drawn = false
	}
}

// Writer returns a writer that erases the bar before passing each write on
// to w, so that a command's output and errors never share the bar's line.
// The bar is drawn again at the next Phase or Step.
func (b *Bar) Writer(w io.Writer) io.Writer { return erasing{b, w} }

type erasing struct {
	b *Bar
	w io.Writer
}

func (e erasing) Write(p []byte) (int, error) {
	e.b.Done()
	return e.w.Write(p)
}

// Line returns the bar's text as drawn, without the terminal controls.
func (b *Bar) Line() string {
	frac := 0.0
	name := ""
	if b.phase >= 0 {
		frac = float64(b.phase)
		name = b.phases[b.phase]
		if b.total > 0 {
			frac += float64(min(b.done, b.total)) / float64(b.total)
			name += fmt.Sprintf(" %d/%d", b.done, b.total)
		}
		frac /= float64(len(b.phases))
	}
	cells := int(frac * width)
	bar := strings.Repeat("=", cells) + strings.Repeat(" ", width-cells)
	return fmt.Sprintf("%s [%s] %3.0f%% %s (%.1fs)", b.label, bar, 100*frac, name, time.Since(b.start).Seconds())
}

func (b *Bar) draw() {
	if b.w == nil {
		return
	}
	fmt.Fprintf(b.w, "\r%s\x1b[K", b.Line())
	b.drawn = true
}
