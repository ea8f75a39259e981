package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tfcapi "github.com/tfc-project/tfc" // aliased: the tests name a helper tfc
	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/exec/plan"
	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/internal/benchkit"
	"github.com/tfc-project/tfc/internal/progress"
	"github.com/tfc-project/tfc/ir"
	"github.com/tfc-project/tfc/passes"
)

// artifactFlags are the flags of `tfc compile` that lower the optimized
// graph and write the .tfc artifact.
type artifactFlags struct {
	out    *string
	shapes listFlag
	quiet  *bool
}

// addArtifactFlags registers -o, --shape and --quiet on fs.
func addArtifactFlags(fs *flag.FlagSet) *artifactFlags {
	a := &artifactFlags{}
	a.out = fs.String("o", "", "write the compiled model to this .tfc file")
	fs.Var(&a.shapes, "shape", "fix the shape of a graph input (NAME=SHAPE, e.g. input_ids=1x128)")
	a.quiet = fs.Bool("quiet", false, "draw no progress bar")
	return a
}

// compileJob is one `tfc compile` run: its progress bar and what lowering
// needs.
type compileJob struct {
	bar    *progress.Bar
	model  string
	out    string
	shapes map[string][]int64
	// lower is set when the graph is lowered after the passes: for -o,
	// --shape or --stats.
	lower bool
	m     *tfcapi.Model
	err   error // why lowering failed, when only --stats asked for it
}

// start parses the artifact flags, starts the progress bar (on stderr when
// it is a terminal and --quiet is off) in its loading phase and hooks the
// bar into opts so that it counts the passes.
func (a *artifactFlags) start(model string, opts *passes.Options, stats bool, stderr io.Writer) (*compileJob, error) {
	shapes, err := benchkit.ParseShapeFlags(a.shapes)
	if err != nil {
		return nil, err
	}
	j := &compileJob{model: model, out: *a.out, shapes: shapes, lower: *a.out != "" || len(shapes) > 0 || stats}
	phases := []string{"loading", "passes"}
	if j.lower {
		phases = append(phases, "lowering")
	}
	if j.out != "" {
		phases = append(phases, "writing")
	}
	j.bar = progress.New(barWriter(stderr, *a.quiet), "compiling "+filepath.Base(model), phases...)
	total := 0
	for _, p := range passes.Pipeline {
		if p.Level <= opts.Level && !slices.Contains(opts.Disable, p.Name) {
			total++
		}
	}
	done, after := 0, opts.AfterPass
	opts.AfterPass = func(pass string, g *ir.Graph) {
		done++
		j.bar.Step(done, total)
		if after != nil {
			after(pass, g)
		}
	}
	j.bar.Phase("loading")
	return j, nil
}

// barWriter returns where a progress bar is drawn: stderr when it is a
// terminal and quiet is off, else nowhere.
func barWriter(stderr io.Writer, quiet bool) io.Writer {
	if quiet || !progress.IsTerminal(stderr) {
		return nil
	}
	return stderr
}

// finish lowers the optimized graph g and writes the artifact when the
// flags ask for it. A lowering failure is an error with -o or --shape; for
// --stats alone it is reported by printMemory.
func (j *compileJob) finish(g *ir.Graph) error {
	if !j.lower {
		return nil
	}
	j.bar.Phase("lowering")
	p, err := codegen.Lower(g, codegen.Options{Target: plan.Target{}, Shapes: j.shapes})
	if err == nil {
		j.m, err = tfcapi.FromPlan(p)
	}
	if err != nil {
		if j.out == "" && len(j.shapes) == 0 {
			j.err = err
			return nil
		}
		return fmt.Errorf("%s: %w", j.model, err)
	}
	if j.out == "" {
		return nil
	}
	j.bar.Phase("writing")
	if err := j.m.Save(j.out); err != nil {
		os.Remove(j.out)
		return err
	}
	return nil
}

// printWritten says where the artifact went and how large it is.
func (j *compileJob) printWritten(w io.Writer) {
	if j.out == "" {
		return
	}
	size := "?"
	if st, err := os.Stat(j.out); err == nil {
		size = byteSize(st.Size())
	}
	fmt.Fprintf(w, "wrote %s (%s)\n", j.out, size)
}

// printMemory prints the memory plan's figures: the planned arena, the
// naive sum of all intermediates and the lower bound.
func (j *compileJob) printMemory(w io.Writer) {
	switch {
	case j.err != nil:
		fmt.Fprintf(w, "memory: not planned: %v\n", j.err)
		return
	case j.m == nil:
		return
	}
	p := j.m.Plan()
	mp := p.Memory
	if mp == nil && p.Interpreted == "" {
		if shapes, ok := codegen.StaticShapes(p.Graph); ok {
			mp = codegen.PlanMemory(p, shapes)
		}
	}
	if mp == nil {
		fmt.Fprintln(w, "memory: planned at run time for each input shape (fix the shapes with --shape NAME=SHAPE to plan it now)")
		return
	}
	fmt.Fprintf(w, "memory: arena %s (%d bytes), naive sum of intermediates %s, lower bound %s",
		byteSize(mp.ArenaBytes), mp.ArenaBytes, byteSize(mp.NaiveBytes), byteSize(mp.LowerBound))
	if mp.LowerBound > 0 {
		fmt.Fprintf(w, " (arena %.2fx the bound)", float64(mp.ArenaBytes)/float64(mp.LowerBound))
	}
	fmt.Fprintf(w, "; %d views, %d in place\n", mp.Views, mp.InPlace)
}

// isArtifact reports whether path names a compiled .tfc artifact.
func isArtifact(path string) bool { return strings.EqualFold(filepath.Ext(path), ".tfc") }

// runner is a model ready to run: its graph, which names and types the
// inputs and outputs, and the function that runs it.
type runner struct {
	graph *ir.Graph
	run   func(inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error)
}

// loadRunner loads the model at path to run it: a .tfc artifact, or an
// ONNX model compiled in memory. With reference set the model's graph runs
// on the reference interpreter instead. A progress bar of the loading is
// drawn on barOut unless it is nil, and erased before loadRunner returns.
func loadRunner(path string, reference bool, barOut io.Writer) (*runner, error) {
	verb := "compiling "
	if reference || isArtifact(path) {
		verb = "loading "
	}
	bar := progress.New(barOut, verb+filepath.Base(path), "loading", "passes", "lowering")
	defer bar.Done()
	bar.Phase("loading")
	if !isArtifact(path) {
		im, err := importer.Load(path)
		switch {
		case err != nil:
			return nil, err
		case reference:
			return runnerOf(im.Graph, nil), nil
		}
		return compileRunner(path, im.Graph, bar.Phase)
	}
	p, err := codegen.ReadFile(path)
	switch {
	case err != nil:
		return nil, err
	case reference:
		return runnerOf(p.Graph, nil), nil
	}
	m, err := tfcapi.FromPlan(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return runnerOf(p.Graph, m), nil
}

// compileRunner compiles g, imported from path, which it owns afterwards,
// telling progress each phase.
func compileRunner(path string, g *ir.Graph, progress func(string)) (*runner, error) {
	m, err := tfcapi.CompileGraph(g, tfcapi.CompileOptions{Progress: progress})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return runnerOf(g, m), nil
}

// runnerOf runs m in a session, or g on the reference interpreter when m
// is nil.
func runnerOf(g *ir.Graph, m *tfcapi.Model) *runner {
	if m != nil {
		return &runner{g, m.NewSession().Run}
	}
	interp := exec.NewInterpreter()
	return &runner{g, func(in map[string]*ir.Tensor) (map[string]*ir.Tensor, error) { return interp.Run(g, in) }}
}
