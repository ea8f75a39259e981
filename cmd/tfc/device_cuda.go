//go:build cuda

package main

import (
	"fmt"

	tfcapi "github.com/tfc-project/tfc"
	"github.com/tfc-project/tfc/exec/cuda"
	"github.com/tfc-project/tfc/ir"
)

// cudaRunner compiles g, imported from path, for CUDA at the shapes of
// inputs and runs it there, with the matrix products at precision (fp32,
// tf32, bf16 or fp16).
func cudaRunner(path string, g *ir.Graph, inputs map[string]*ir.Tensor, overridable []string, precision string, progress func(string)) (runFunc, error) {
	prec, err := cuda.ParsePrecision(precision)
	if err != nil {
		return nil, err
	}
	if err := cuda.Available(); err != nil {
		return nil, fmt.Errorf("--device cuda: %w", err)
	}
	shapes := map[string][]int64{}
	for name, t := range inputs {
		shapes[name] = t.Shape
	}
	opts := tfcapi.CompileOptions{Overridable: overridable, Shapes: shapes, Progress: progress}
	p, err := tfcapi.LowerGraph(g, opts, cuda.Target{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r, err := cuda.NewRunner(p, cuda.Options{Precision: prec})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r.Run, nil
}
