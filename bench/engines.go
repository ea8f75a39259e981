package main

import (
	"fmt"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/tfc-project/tfc/internal/benchkit"
)

// inputSeed makes every engine see the same random inputs.
const inputSeed = 1

// engineFunc adapts a function to the engine interface.
type engineFunc func() error

func (f engineFunc) run() error { return f() }

func openTFC(c workerConfig) (engine, string, error) {
	shapes := map[string][]int64{}
	for _, in := range c.inputs {
		shapes[in.Name] = in.Shape
	}
	m, err := benchkit.LoadTFC(c.model, shapes, c.threads)
	if err != nil {
		return nil, "", err
	}
	inputs, err := benchkit.RandomInputs(m.Inputs, inputSeed)
	if err != nil {
		return nil, "", err
	}
	return engineFunc(func() error { return m.Run(inputs) }), m.Engine, nil
}

func openORT(c workerConfig) (engine, string, error) {
	ort.SetSharedLibraryPath(c.ortLib)
	if err := ort.InitializeEnvironment(); err != nil {
		return nil, "", err
	}
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return nil, "", err
	}
	defer opts.Destroy()
	if err := opts.SetIntraOpNumThreads(c.threads); err != nil {
		return nil, "", err
	}
	if err := opts.SetInterOpNumThreads(1); err != nil {
		return nil, "", err
	}
	var names []string
	var values []ort.Value
	for _, spec := range c.inputs {
		t, err := benchkit.RandomInput(spec, inputSeed)
		if err != nil {
			return nil, "", err
		}
		var v ort.Value
		switch d := t.Data.(type) {
		case []float32:
			v, err = ort.NewTensor(ort.NewShape(spec.Shape...), d)
		case []int64:
			v, err = ort.NewTensor(ort.NewShape(spec.Shape...), d)
		default:
			err = fmt.Errorf("input %s: dtype %v not wired to onnxruntime here", spec.Name, spec.DType)
		}
		if err != nil {
			return nil, "", err
		}
		names = append(names, spec.Name)
		values = append(values, v)
	}
	s, err := ort.NewDynamicAdvancedSession(c.model, names, c.outputs, opts)
	if err != nil {
		return nil, "", err
	}
	run := func() error {
		outs := make([]ort.Value, len(c.outputs))
		if err := s.Run(values, outs); err != nil {
			return err
		}
		for _, o := range outs {
			o.Destroy()
		}
		return nil
	}
	return engineFunc(run), "onnxruntime " + ort.GetVersion(), nil
}
