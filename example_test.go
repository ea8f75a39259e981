package tfc_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/tfc-project/tfc"
	"github.com/tfc-project/tfc/golden"
)

// Compile a model to a .tfc artifact, load it and run it in a session.
func Example() {
	c, err := golden.LoadCase("testmodels/bert_op17")
	if err != nil {
		log.Fatal(err)
	}
	compiled, err := tfc.Compile("testmodels/bert_op17/model.onnx", tfc.CompileOptions{})
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(os.TempDir(), "example-bert.tfc")
	defer os.Remove(path)
	if err := compiled.Save(path); err != nil {
		log.Fatal(err)
	}

	m, err := tfc.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	sess := m.NewSession()
	out, err := sess.Run(c.Sets[0].Inputs)
	if err != nil {
		log.Fatal(err)
	}
	for _, want := range c.Sets[0].Outputs {
		fmt.Println(want.Name, out[want.Name].Shape, golden.Compare(out[want.Name], want.Tensor, golden.ModelDefault).Pass)
	}
	// Output:
	// last_hidden_state [2 7 64] true
}
