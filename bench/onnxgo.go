//go:build onnxgo

package main

import (
	"os"

	onnxgo "github.com/owulveryck/onnx-go"
	"github.com/owulveryck/onnx-go/backend/x/gorgonnx"
)

// onnx-go registers protobuf types named like tfc's importer's, so it is
// linked only into a separate worker binary (see peerWorker).
func init() { openers["onnx-go"] = openOnnxGo }

func openOnnxGo(c workerConfig) (engine, string, error) {
	backend := gorgonnx.NewGraph()
	m := onnxgo.NewModel(backend)
	data, err := os.ReadFile(c.model)
	if err != nil {
		return nil, "", err
	}
	if err := m.UnmarshalBinary(data); err != nil {
		return nil, "", err
	}
	ts, err := gorgoniaInputs(c.inputs)
	if err != nil {
		return nil, "", err
	}
	for i, t := range ts {
		if err := m.SetInput(i, t); err != nil {
			return nil, "", err
		}
	}
	return engineFunc(backend.Run), "onnx-go " + modVersion("github.com/owulveryck/onnx-go") + " (gorgonia)", nil
}
