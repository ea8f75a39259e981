//go:build gonnx

package main

import "github.com/advancedclimatesystems/gonnx"

// gonnx registers the same protobuf file (onnx.proto3) as tfc's importer, so
// it is linked only into a separate worker binary (see peerWorker).
func init() { openers["gonnx"] = openGonnx }

func openGonnx(c workerConfig) (engine, string, error) {
	m, err := gonnx.NewModelFromFile(c.model)
	if err != nil {
		return nil, "", err
	}
	ts, err := gorgoniaInputs(c.inputs)
	if err != nil {
		return nil, "", err
	}
	inputs := gonnx.Tensors{}
	for i, spec := range c.inputs {
		inputs[spec.Name] = ts[i]
	}
	return engineFunc(func() error { _, err := m.Run(inputs); return err }), "gonnx " + modVersion("github.com/advancedclimatesystems/gonnx"), nil
}
