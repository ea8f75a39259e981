//go:build gonnx || onnxgo

package main

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/tfc-project/tfc/internal/benchkit"
	"github.com/tfc-project/tfc/ir"
)

// gorgoniaInputs converts the benchmark inputs to gorgonia tensors, in order.
func gorgoniaInputs(specs []benchkit.InputSpec) ([]tensor.Tensor, error) {
	var ts []tensor.Tensor
	for _, spec := range specs {
		t, err := benchkit.RandomInput(spec, inputSeed)
		if err != nil {
			return nil, err
		}
		if spec.DType != ir.Float32 && spec.DType != ir.Int64 {
			return nil, fmt.Errorf("input %s: dtype %v not wired to gorgonia here", spec.Name, spec.DType)
		}
		shape := make([]int, len(spec.Shape))
		for i, n := range spec.Shape {
			shape[i] = int(n)
		}
		ts = append(ts, tensor.New(tensor.WithShape(shape...), tensor.WithBacking(t.Data)))
	}
	return ts, nil
}
