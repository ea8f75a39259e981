package golden

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/ir"
)

// Case is a model folder in the ONNX test-data layout.
type Case struct {
	Dir   string
	Model *importer.Model
	Sets  []DataSet
}

// DataSet is one test_data_set_N folder: inputs by graph input name and the
// expected outputs in graph output order.
type DataSet struct {
	Name    string
	Inputs  map[string]*ir.Tensor
	Outputs []Expected
}

// Expected is one reference output.
type Expected struct {
	Name   string
	Tensor *ir.Tensor
}

// LoadCase reads dir/model.onnx and every dir/test_data_set_N.
// input_K.pb binds to the K-th graph input, output_K.pb to the K-th graph
// output, as in the ONNX backend test runner.
func LoadCase(dir string) (*Case, error) {
	m, err := importer.Load(filepath.Join(dir, "model.onnx"))
	if err != nil {
		return nil, err
	}
	c := &Case{Dir: dir, Model: m}
	setDirs, err := filepath.Glob(filepath.Join(dir, "test_data_set_*"))
	if err != nil {
		return nil, err
	}
	sort.Slice(setDirs, func(i, j int) bool { return setIndex(setDirs[i]) < setIndex(setDirs[j]) })
	for _, sd := range setDirs {
		ds, err := loadSet(sd, m.Graph)
		if err != nil {
			return nil, err
		}
		c.Sets = append(c.Sets, *ds)
	}
	if len(c.Sets) == 0 {
		return nil, fmt.Errorf("%s: no test_data_set_N folders", dir)
	}
	return c, nil
}

func setIndex(path string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(path), "test_data_set_"))
	if err != nil {
		return 1 << 30
	}
	return n
}

func loadSet(dir string, g *ir.Graph) (*DataSet, error) {
	ds := &DataSet{Name: filepath.Base(dir), Inputs: map[string]*ir.Tensor{}}
	for k := 0; ; k++ {
		path := filepath.Join(dir, fmt.Sprintf("input_%d.pb", k))
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			break
		}
		if k >= len(g.Inputs) {
			return nil, fmt.Errorf("%s: graph has only %d inputs", path, len(g.Inputs))
		}
		if err := tensorKind(g.Inputs[k], path); err != nil {
			return nil, err
		}
		t, _, err := importer.ReadTensorFile(path)
		if err != nil {
			return nil, err
		}
		ds.Inputs[g.Inputs[k].Name] = t
	}
	for k := 0; ; k++ {
		path := filepath.Join(dir, fmt.Sprintf("output_%d.pb", k))
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			break
		}
		if k >= len(g.Outputs) {
			return nil, fmt.Errorf("%s: graph has only %d outputs", path, len(g.Outputs))
		}
		if err := tensorKind(g.Outputs[k], path); err != nil {
			return nil, err
		}
		t, _, err := importer.ReadTensorFile(path)
		if err != nil {
			return nil, err
		}
		ds.Outputs = append(ds.Outputs, Expected{Name: g.Outputs[k].Name, Tensor: t})
	}
	return ds, nil
}

// valueKinds names the non-tensor kinds of values for error messages.
var valueKinds = map[ir.ValueKind]string{
	ir.SequenceValue: "sequence", ir.OptionalValue: "optional", ir.MapValue: "map", ir.SparseTensorValue: "sparse tensor",
}

// tensorKind refuses, with a clear message, data files for values that are
// not dense tensors: tfc computes only tensors.
func tensorKind(v *ir.Value, path string) error {
	if kind, ok := valueKinds[v.Kind]; ok {
		return fmt.Errorf("%s: %q is a %s value; tfc runs only tensor values", path, v.Name, kind)
	}
	return nil
}

// RunFunc computes a graph's outputs; exec.Interpreter.Run is one.
type RunFunc func(g *ir.Graph, inputs map[string]*ir.Tensor) (map[string]*ir.Tensor, error)

// OutputResult is the comparison of one output.
type OutputResult struct {
	Name string
	Result
}

// SetResult is the outcome of one data set: an error if the run failed,
// otherwise one comparison per expected output.
type SetResult struct {
	Set     string
	Err     error
	Outputs []OutputResult
}

// Pass reports whether the run succeeded and every output matched.
func (s SetResult) Pass() bool {
	if s.Err != nil {
		return false
	}
	for _, o := range s.Outputs {
		if !o.Pass {
			return false
		}
	}
	return true
}

// RunCase runs every data set of c through run and compares the outputs.
func RunCase(c *Case, run RunFunc, tol Tolerance) []SetResult {
	var res []SetResult
	for _, ds := range c.Sets {
		sr := SetResult{Set: ds.Name}
		got, err := run(c.Model.Graph, ds.Inputs)
		if err != nil {
			sr.Err = err
			res = append(res, sr)
			continue
		}
		for _, want := range ds.Outputs {
			sr.Outputs = append(sr.Outputs, OutputResult{Name: want.Name, Result: Compare(got[want.Name], want.Tensor, tol)})
		}
		res = append(res, sr)
	}
	return res
}

// Failure summarizes the first failure among results, or "" if all passed.
func Failure(results []SetResult) string {
	for _, sr := range results {
		if sr.Err != nil {
			return fmt.Sprintf("%s: %v", sr.Set, sr.Err)
		}
		for _, o := range sr.Outputs {
			if !o.Pass {
				return fmt.Sprintf("%s: output %q: %s", sr.Set, o.Name, o.Reason)
			}
		}
	}
	return ""
}

// OverriddenInitializers names the graph inputs with an initializer that a
// data set supplies: compiling the case keeps them as inputs
// (tfc.CompileOptions.Overridable).
func (c *Case) OverriddenInitializers() []string {
	var names []string
	for _, v := range c.Model.Graph.Inputs {
		if v.Const == nil {
			continue
		}
		for _, s := range c.Sets {
			if _, ok := s.Inputs[v.Name]; ok {
				names = append(names, v.Name)
				break
			}
		}
	}
	return names
}
