// Package tfc compiles ONNX models and runs them.
//
// A model is compiled once, with `tfc compile model.onnx -o model.tfc` or
// with Compile, and loaded with Load; each goroutine that runs it opens
// its own Session. Sessions of one Model share its weights and each owns
// an arena for the intermediate tensors:
//
//	m, err := tfc.Load("model.tfc")
//	sess := m.NewSession()
//	out, err := sess.Run(inputs)
//
// Load reads the artifact into huge-page memory where Linux allows it,
// LoadMapped maps the file instead. A session runs on as many threads as
// GOMAXPROCS (WithThreads), bound to CPUs when it has one per CPU
// (WithCPUBinding), and WithProfiling times every operator.
package tfc

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec/plan"
	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/ir"
	"github.com/tfc-project/tfc/passes"
)

// Model is a compiled model, ready to run.
type Model struct {
	exe *plan.Executor
}

// CompileOptions control Compile.
type CompileOptions struct {
	// Level is the optimization level; the zero value means passes.Extended.
	Level passes.Level
	// Disable names optimizer passes to skip.
	Disable []string
	// Shapes fixes input shapes by input name (`--shape input_ids=1x128`).
	Shapes map[string][]int64
	// Overridable names graph inputs with an initializer that the caller
	// will supply at run time: they are compiled as plain, required inputs.
	// Every other initializer input is frozen to its initializer (folded
	// and fused like any weight) and a Run that supplies it is refused as
	// an unknown input, so an override can never be silently ignored.
	Overridable []string
	// Progress, when set, is told each phase as it starts
	// ("loading", "passes", "lowering", "writing").
	Progress func(phase string)
}

// Compile loads an ONNX file, optimizes and lowers it.
func Compile(path string, opts CompileOptions) (*Model, error) {
	progress := opts.Progress
	if progress == nil {
		progress = func(string) {}
	}
	progress("loading")
	m, err := importer.Load(path)
	if err != nil {
		return nil, err
	}
	return CompileGraph(m.Graph, opts)
}

// CompileGraph optimizes and lowers an imported graph, which the model
// owns afterwards.
func CompileGraph(g *ir.Graph, opts CompileOptions) (*Model, error) {
	p, err := LowerGraph(g, opts, plan.Target{})
	if err != nil {
		return nil, err
	}
	return FromPlan(p)
}

// LowerGraph optimizes an imported graph, which the plan owns afterwards,
// and lowers it for target: CompileGraph's work, for a target other than
// the CPU (the CUDA runner of package exec/cuda takes the plan).
func LowerGraph(g *ir.Graph, opts CompileOptions, target codegen.Target) (*codegen.Plan, error) {
	progress := opts.Progress
	if progress == nil {
		progress = func(string) {}
	}
	level := opts.Level
	if level == passes.None {
		level = passes.Extended
	}
	if err := freezeInitializerInputs(g, opts.Overridable); err != nil {
		return nil, err
	}
	progress("passes")
	if _, err := passes.Optimize(g, passes.Options{Level: level, Disable: opts.Disable}); err != nil {
		return nil, err
	}
	progress("lowering")
	return codegen.Lower(g, codegen.Options{Target: target, Shapes: opts.Shapes})
}

// freezeInitializerInputs turns each graph input with an initializer into
// a constant, except those named in overridable, which become plain inputs.
func freezeInitializerInputs(g *ir.Graph, overridable []string) error {
	keep := map[string]bool{}
	for _, name := range overridable {
		keep[name] = true
	}
	var inputs []*ir.Value
	for _, v := range g.Inputs {
		switch {
		case keep[v.Name] && v.Const != nil:
			v.Const = nil
			g.Initializers = slices.DeleteFunc(g.Initializers, func(w *ir.Value) bool { return w == v })
		case v.Const != nil:
			continue
		}
		delete(keep, v.Name)
		inputs = append(inputs, v)
	}
	if len(keep) > 0 {
		names := slices.Sorted(maps.Keys(keep))
		return fmt.Errorf("overridable input(s) %q: not inputs of graph %q", names, g.Name)
	}
	g.Inputs = inputs
	return nil
}

// FromPlan returns a model running p.
func FromPlan(p *codegen.Plan) (*Model, error) {
	exe, err := plan.New(p)
	if err != nil {
		return nil, err
	}
	return &Model{exe: exe}, nil
}

// Plan returns the model's compiled plan.
func (m *Model) Plan() *codegen.Plan { return m.exe.Plan() }

// MemoryStats returns the memory plan of the input shapes the model ran at
// most recently (nil before any run): arena, naive sum and lower bound.
func (m *Model) MemoryStats() *codegen.MemPlan { return m.exe.Stats() }

// Load loads a .tfc artifact, or compiles an .onnx file in memory.
//
// An artifact is read into memory of its own (codegen.LoadFile): on Linux
// outside the Go heap, backed by transparent huge pages where the system
// allows them, which the GEMM kernels stream the weights from faster and
// more steadily than from a mapped file. Its weights, pre-packed for the
// GEMM kernels, are used in place, and the file's checksum is checked, so
// a truncated or tampered file is an error. Weights stored as packed
// panels alone keep no row-major copy, so the constants of the model's
// Plan may lack data (see codegen.ReadPacked). The memory is released
// when the model and all its sessions are unreachable (a
// garbage-collection cleanup; there is nothing to close). Output tensors
// that are constants of the model alias it: clone them to keep them
// longer.
func Load(path string) (*Model, error) {
	return load(path, codegen.LoadFile)
}

// LoadMapped is Load with the artifact mapped into memory read-only
// (codegen.MapFile) instead of read: loading copies nothing, pages are
// read from disk as they are first touched, and processes that map the
// same file share its pages. Runs are slower than after Load where huge
// pages are available (about 10% for BERT-base on one thread, measured
// with bench/). Do not truncate or rewrite a mapped model's file in place
// (replace it by renaming a new file over it): on Linux the next access to
// a vanished page is a SIGBUS fault, not an error.
func LoadMapped(path string) (*Model, error) {
	return load(path, codegen.MapFile)
}

func load(path string, read func(string) (*codegen.Plan, error)) (*Model, error) {
	if strings.EqualFold(strings.TrimPrefix(pathExt(path), "."), "onnx") {
		return Compile(path, CompileOptions{})
	}
	p, err := read(path)
	if err != nil {
		return nil, err
	}
	return FromPlan(p)
}

// Save writes the model as a .tfc artifact to path.
func (m *Model) Save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := m.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// Write writes the model as a .tfc artifact to w.
func (m *Model) Write(w io.Writer) error { return codegen.Write(w, m.exe.Plan()) }

func pathExt(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 && !strings.ContainsRune(path[i:], os.PathSeparator) {
		return path[i:]
	}
	return ""
}
