package benchkit

import (
	"fmt"
	"path/filepath"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/ir"
	"github.com/tfc-project/tfc/passes"
)

// Analysis is what a benchmark needs to know of a model at the benchmarked
// input shapes.
type Analysis struct {
	Inputs    []InputSpec
	Outputs   []string // the graph's output names, in order
	FLOPs     int64 // MatMul and Gemm operations per run (MatMulFLOPs)
	Uncounted int   // MatMul/Gemm nodes whose shapes stayed unknown
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
}

// LoadTFC prepares the model at path to run with tfc on threads threads at
// the given input shapes. This is the one function to change when tfc's
// runtime changes: today it runs the optimized graph on the reference
// interpreter, which is single-threaded and has no compiled .tfc format.
func LoadTFC(path string, shapes map[string][]int64, threads int) (*TFC, error) {
	if filepath.Ext(path) == ".tfc" {
		return nil, fmt.Errorf("%s: compiled .tfc models need tfc's Session API, which this build does not have yet", path)
	}
	m, err := importer.Load(path)
	if err != nil {
		return nil, err
	}
	g := m.Graph
	a, err := Analyze(g, shapes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := passes.Optimize(g, passes.Options{Level: passes.Basic}); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	it := exec.NewInterpreter()
	if err := it.Check(g); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	run := func(inputs map[string]*ir.Tensor) error {
		_, err := it.Run(g, inputs)
		return err
	}
	return &TFC{Analysis: a, Engine: "tfc (reference interpreter, 1 thread)", Run: run}, nil
}
