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

// runFunc runs a model: outputs by name from inputs by name.
type runFunc func(inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error)

// source is a model file loaded for tfc run.
type source struct {
	path string
	// graph names and types the inputs and outputs: the imported graph of
	// an ONNX model, the optimized graph of a .tfc artifact.
	graph *ir.Graph
	plan  *codegen.Plan // the artifact's plan; nil for an ONNX model
}

// loadSource reads the model at path: a .tfc artifact when its name ends
// in .tfc, an ONNX model otherwise. An artifact is read into memory of its
// own (huge pages where the system has them) with its weights used in
// place, or, for the reference interpreter, read with its pre-packed
// weights unpacked.
func loadSource(path string, reference bool) (*source, error) {
	if !isArtifact(path) {
		m, err := importer.Load(path)
		if err != nil {
			return nil, err
		}
		return &source{path: path, graph: m.Graph}, nil
	}
	read := codegen.LoadFile
	if reference {
		read = codegen.ReadFile
	}
	p, err := read(path)
	if err != nil {
		return nil, err
	}
	return &source{path: path, graph: p.Graph, plan: p}, nil
}

// runner prepares the model to run: compiled (an ONNX model in memory,
// telling progress each phase), or on the reference interpreter when
// reference is set. overridden lists the graph inputs with an initializer
// that the run supplies: an ONNX model is compiled with them as plain
// inputs, so that no pass folds their initializers; a .tfc artifact may
// have folded them already and refuses them.
func (s *source) runner(reference bool, overridden []*ir.Value, progress func(string)) (runFunc, error) {
	if len(overridden) > 0 && s.plan != nil {
		return nil, fmt.Errorf("%s: input %q has an initializer, which compiling may have folded into the artifact, so it cannot be overridden: run the ONNX model instead",
			s.path, overridden[0].Name)
	}
	switch {
	case reference:
		return interpret(s.graph), nil
	case s.plan != nil:
		m, err := tfcapi.FromPlan(s.plan)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.path, err)
		}
		return session(m), nil
	}
	return compileGraph(s.path, s.graph, tfcapi.CompileOptions{Overridable: names(overridden), Progress: progress})
}

// names lists the values' names.
func names(vs []*ir.Value) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}

// compileGraph compiles g, imported from path, which it owns afterwards,
// and runs it in a session.
func compileGraph(path string, g *ir.Graph, opts tfcapi.CompileOptions) (runFunc, error) {
	m, err := tfcapi.CompileGraph(g, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return session(m), nil
}

// session runs m in a new session.
func session(m *tfcapi.Model) runFunc { return m.NewSession().Run }

// interpret runs g on the reference interpreter.
func interpret(g *ir.Graph) runFunc {
	interp := exec.NewInterpreter()
	return func(in map[string]*ir.Tensor) (map[string]*ir.Tensor, error) { return interp.Run(g, in) }
}
