package benchkit

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/tfc-project/tfc"
	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/ir"
)

// Analysis is what a benchmark needs to know of a model at the benchmarked
// input shapes.
type Analysis struct {
	Inputs    []InputSpec
	Outputs   []string // the graph's output names, in order
	FLOPs     int64    // MatMul and Gemm operations per run (MatMulFLOPs)
	Uncounted int      // MatMul/Gemm nodes whose shapes stayed unknown
}

// Analyze binds g's input shapes (BindShapes) and counts its FLOPs.
func Analyze(g *ir.Graph, shapes map[string][]int64) (*Analysis, error) {
	specs, err := BindShapes(g, shapes)
	if err != nil {
		return nil, err
	}
	flops, uncounted := MatMulFLOPs(g)
	a := &Analysis{Inputs: specs, FLOPs: flops, Uncounted: uncounted}
	for _, o := range g.Outputs {
		a.Outputs = append(a.Outputs, o.Name)
	}
	return a, nil
}

// AnalyzeFile imports the ONNX model at path and analyzes it.
func AnalyzeFile(path string, shapes map[string][]int64) (*Analysis, error) {
	m, err := importer.Load(path)
	if err != nil {
		return nil, err
	}
	a, err := Analyze(m.Graph, shapes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// TFC is a model prepared to run with tfc.
type TFC struct {
	*Analysis
	Engine string // what runs the model, for the results table
	Run    func(inputs map[string]*ir.Tensor) error
	// Session is the session Run uses.
	Session *tfc.Session
}

// LoadTFC prepares the model at path (.onnx, compiled in memory for the
// given input shapes, or a compiled .tfc artifact) to run with tfc's
// Session API on threads threads (and the further session options), and
// analyzes it. This is the one
// function that ties the benchmarks to tfc's runtime.
func LoadTFC(path string, shapes map[string][]int64, threads int, opts ...tfc.SessionOption) (*TFC, error) {
	var m *tfc.Model
	var a *Analysis
	if filepath.Ext(path) == ".tfc" {
		var err error
		if m, err = tfc.Load(path); err != nil {
			return nil, err
		}
		if a, err = Analyze(m.Plan().Graph, shapes); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	} else {
		im, err := importer.Load(path)
		if err != nil {
			return nil, err
		}
		// Count the FLOPs before the optimizer fuses MatMuls away.
		if a, err = Analyze(im.Graph, shapes); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		bound := map[string][]int64{}
		for _, in := range a.Inputs {
			bound[in.Name] = in.Shape
		}
		if m, err = tfc.CompileGraph(im.Graph, tfc.CompileOptions{Shapes: bound}); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	sess := m.NewSession(append([]tfc.SessionOption{tfc.WithThreads(threads)}, opts...)...)
	run := func(inputs map[string]*ir.Tensor) error {
		_, err := sess.Run(inputs)
		return err
	}
	return &TFC{Analysis: a, Engine: engineName(m.Plan()), Run: run, Session: sess}, nil
}

// engineName names tfc in the results table, saying how much of the plan
// still runs on reference kernels.
func engineName(p *codegen.Plan) string {
	if p.Interpreted != "" {
		return "tfc (reference interpreter: " + p.Interpreted + ")"
	}
	ref := 0
	for _, s := range p.Steps {
		if strings.HasPrefix(s.Kernel, "ref:") {
			ref++
		}
	}
	if ref == 0 {
		return "tfc"
	}
	return fmt.Sprintf("tfc (%d of %d steps on reference kernels)", ref, len(p.Steps))
}
