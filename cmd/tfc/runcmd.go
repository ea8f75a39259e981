package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/internal/progress"
	"github.com/tfc-project/tfc/ir"
	"github.com/tfc-project/tfc/npy"
)

const runUsage = `Usage: tfc run model.(onnx|tfc) [--input NAME=FILE ...] [FILE ...] [--output-dir DIR]
               [--reference] [--device cpu|cuda [--precision P]] [--quiet]

Runs the model and prints each output: dtype, shape, first values and, for
floating-point outputs, min, max and mean. A .tfc artifact (written by
` + "`tfc compile -o`" + `) runs as compiled; an ONNX model is first compiled in
memory, with a progress bar on a terminal.

Input files are NumPy .npy files (by their .npy extension) or serialized ONNX
TensorProto files (any other name, e.g. input_0.pb of the ONNX test-data
layout). Positional FILEs bind to the graph inputs in order, skipping inputs
bound with --input and inputs that have an initializer (a default value).

Flags:
  --input NAME=FILE   bind graph input NAME to FILE; repeatable; may also
                      override an input's initializer
  --output-dir DIR    write each output to DIR/<output name>.npy, the name
                      reduced to letters, digits, '.', '-' and '_'
                      (bfloat16 outputs are written as float32)
  --reference         run the model's graph on the reference interpreter
                      instead (the optimized graph, for a .tfc artifact)
  --device D          cpu (the default) or cuda: compile an ONNX model for
                      the GPU at the shapes of the inputs given and run it
                      there (needs a tfc built with -tags cuda, the NVIDIA
                      driver, cuBLAS and NVRTC; an error says what is missing)
  --precision P       matrix products on CUDA: fp32 (exact, the default),
                      tf32, bf16 or fp16
  --quiet             draw no progress bar
`

// listFlag collects the values of a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tfc run", flag.ContinueOnError)
	var named listFlag
	fs.Var(&named, "input", "bind graph input NAME to FILE (NAME=FILE)")
	outDir := fs.String("output-dir", "", "write outputs as .npy files into this folder")
	reference := fs.Bool("reference", false, "run on the reference interpreter")
	quiet := fs.Bool("quiet", false, "draw no progress bar")
	device := fs.String("device", "cpu", "cpu or cuda")
	precision := fs.String("precision", "fp32", "CUDA matrix products: fp32, tf32, bf16 or fp16")
	pos, status, ok := parseArgs(fs, runUsage, args, stdout, stderr)
	if !ok {
		return status
	}
	if len(pos) == 0 {
		return usageError(stderr, "run", runUsage, "no model file given")
	}
	switch {
	case *device != "cpu" && *device != "cuda":
		return usageError(stderr, "run", runUsage, "--device is cpu or cuda, not %q", *device)
	case *device == "cuda" && (*reference || isArtifact(pos[0])):
		return usageError(stderr, "run", runUsage, "--device cuda runs an ONNX model (compiled for the GPU at the input shapes), not --reference or a .tfc artifact")
	}
	label, phases := "compiling ", []string{"loading", "passes", "lowering"}
	if *reference || isArtifact(pos[0]) {
		label, phases = "loading ", phases[:1]
	}
	bar := progress.New(barWriter(stderr, *quiet), label+filepath.Base(pos[0]), phases...)
	defer bar.Done()
	stdout, stderr = bar.Writer(stdout), bar.Writer(stderr)
	bar.Phase("loading")
	src, err := loadSource(pos[0], *reference)
	if err != nil {
		return fail(stderr, "run", err)
	}
	g := src.graph
	binds, err := bindInputs(g, named, pos[1:])
	if err != nil {
		return fail(stderr, "run", fmt.Errorf("%s: %w", pos[0], err))
	}
	inputs, err := loadInputs(pos[0], binds)
	if err != nil {
		return fail(stderr, "run", err)
	}
	var overridden []*ir.Value
	for _, b := range binds {
		if b.input.Const != nil {
			overridden = append(overridden, b.input)
		}
	}
	var runModel runFunc
	if *device == "cuda" {
		runModel, err = cudaRunner(src.path, g, inputs, names(overridden), *precision, bar.Phase)
	} else {
		runModel, err = src.runner(*reference, overridden, bar.Phase)
	}
	if err != nil {
		return fail(stderr, "run", err)
	}
	fmt.Fprintln(stdout, "inputs:")
	for _, b := range binds {
		fmt.Fprintf(stdout, "  %s: %s from %s\n", b.input.Name, tensorType(inputs[b.input.Name]), b.file)
	}
	start := time.Now()
	outs, err := runModel(inputs)
	if err != nil {
		return fail(stderr, "run", fmt.Errorf("%s: %w", pos[0], err))
	}
	fmt.Fprintf(stdout, "ran in %v\noutputs:\n", time.Since(start).Round(time.Microsecond))
	if *outDir != "" {
		if err := os.MkdirAll(*outDir, 0o755); err != nil {
			return fail(stderr, "run", err)
		}
	}
	names := make([]string, len(g.Outputs))
	for i, v := range g.Outputs {
		names[i] = v.Name
	}
	files := outputFileNames(names)
	status = exitOK
	for i, name := range names {
		t := outs[name]
		fmt.Fprintf(stdout, "  %s: %s", name, summarize(t))
		if *outDir == "" {
			continue
		}
		path := filepath.Join(*outDir, files[i])
		if err := npy.WriteFile(path, t); err != nil {
			status = fail(stderr, "run", fmt.Errorf("output %q: %w", name, err))
			continue
		}
		note := ""
		if t.DType == ir.BFloat16 {
			note = " (as f32)"
		}
		fmt.Fprintf(stdout, "    written to %s%s\n", path, note)
	}
	return status
}

// binding pairs a graph input with the file that supplies it.
type binding struct {
	input *ir.Value
	file  string
}

// bindInputs binds the NAME=FILE pairs of named and then the positional
// files, in order, to the graph inputs that are still free and have no
// initializer. Every graph input without an initializer must be bound.
func bindInputs(g *ir.Graph, named, files []string) ([]binding, error) {
	byName := map[string]*ir.Value{}
	for _, v := range g.Inputs {
		byName[v.Name] = v
	}
	bound := map[string]string{}
	var binds []binding
	for _, nf := range named {
		name, file, ok := strings.Cut(nf, "=")
		if !ok || name == "" || file == "" {
			return nil, fmt.Errorf("--input %q: want NAME=FILE", nf)
		}
		v, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("--input %s: the model has no input %q (its inputs: %s)", nf, name, inputList(g.Inputs))
		}
		if prev, dup := bound[name]; dup {
			return nil, fmt.Errorf("input %q is bound twice, to %s and %s", name, prev, file)
		}
		bound[name] = file
		binds = append(binds, binding{v, file})
	}
	var free []*ir.Value
	for _, v := range g.Inputs {
		if _, done := bound[v.Name]; !done && v.Const == nil {
			free = append(free, v)
		}
	}
	if len(files) > len(free) {
		return nil, fmt.Errorf("%d input files given, but only %d inputs are left to bind (%s); extra file %s",
			len(files), len(free), inputList(free), files[len(free)])
	}
	for i, f := range files {
		binds = append(binds, binding{free[i], f})
	}
	if missing := free[len(files):]; len(missing) > 0 {
		return nil, fmt.Errorf("missing input(s) %s: give them as FILE arguments, in order, or as --input NAME=FILE",
			inputList(missing))
	}
	return binds, nil
}

// loadInputs reads the bound files and checks their dtypes against the
// graph inputs of model.
func loadInputs(model string, binds []binding) (map[string]*ir.Tensor, error) {
	inputs := map[string]*ir.Tensor{}
	for _, b := range binds {
		t, err := readTensor(b.file)
		if err != nil {
			return nil, err
		}
		if b.input.DType != ir.Undefined && t.DType != b.input.DType {
			return nil, fmt.Errorf("%s: input %q is %s, but %s expects %s",
				b.file, b.input.Name, tensorType(t), model, valueType(b.input))
		}
		inputs[b.input.Name] = t
	}
	return inputs, nil
}

// inputList names values with their types, e.g. `"x" f32[N,3], "y" i64[N]`.
func inputList(vs []*ir.Value) string {
	if len(vs) == 0 {
		return "none"
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprintf("%q %s", v.Name, valueType(v))
	}
	return strings.Join(parts, ", ")
}

// readTensor reads a .npy file, or an ONNX TensorProto file for any other
// extension.
func readTensor(path string) (*ir.Tensor, error) {
	if strings.EqualFold(filepath.Ext(path), ".npy") {
		return npy.ReadFile(path)
	}
	t, _, err := importer.ReadTensorFile(path)
	return t, err
}

// outputFileNames turns output names into distinct .npy file names made of
// letters, digits, '.', '-' and '_' (not starting with '.'), appending the
// output index where two names would clash, even in case only.
func outputFileNames(names []string) []string {
	files := make([]string, len(names))
	taken := map[string]bool{}
	for i, name := range names {
		b := []byte(name)
		for j, c := range b {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' && j > 0) {
				b[j] = '_'
			}
		}
		base := string(b)
		if base == "" {
			base = fmt.Sprintf("output_%d", i)
		}
		if taken[strings.ToLower(base)] {
			base = fmt.Sprintf("%s_%d", base, i)
		}
		taken[strings.ToLower(base)] = true
		files[i] = base + ".npy"
	}
	return files
}

// tensorType prints a tensor's dtype and shape as the IR does, e.g. "f32[2,3]".
func tensorType(t *ir.Tensor) string {
	return t.DType.String() + ir.ShapeOf(t.Shape...).String()
}

// previewLen is how many values summarize prints.
const previewLen = 8

// summarize describes a tensor in a few lines: dtype, shape, first values
// and, for floats, min, max, mean and the count of NaNs.
func summarize(t *ir.Tensor) string {
	if t == nil {
		return "not computed\n"
	}
	s := fmt.Sprintf("%s, %d elements\n", tensorType(t), t.Len())
	if t.Len() == 0 {
		return s
	}
	head := make([]string, min(t.Len(), previewLen))
	more := ""
	if t.Len() > previewLen {
		more = ", ..."
	}
	switch {
	case t.DType.IsFloat():
		vals := t.Float64s()
		for i := range head {
			head[i] = strconv.FormatFloat(vals[i], 'g', 6, 64)
		}
		return s + fmt.Sprintf("    values: %s%s\n    %s\n", strings.Join(head, ", "), more, floatStats(vals))
	case t.DType.IsInt() && t.DType != ir.Uint64:
		vals := t.Int64s() // also decodes the 4- and 2-bit types
		for i := range head {
			head[i] = strconv.FormatInt(vals[i], 10)
		}
	default: // bool, uint64, string, complex
		format := "%v"
		if t.DType == ir.String {
			format = "%q"
		}
		data := reflect.ValueOf(t.Data)
		for i := range head {
			head[i] = fmt.Sprintf(format, data.Index(i).Interface())
		}
	}
	return s + fmt.Sprintf("    values: %s%s\n", strings.Join(head, ", "), more)
}

// floatStats gives min, max and mean of the values that are not NaN, and
// the count of NaNs.
func floatStats(vals []float64) string {
	lo, hi, sum, nans := math.Inf(1), math.Inf(-1), 0.0, 0
	for _, v := range vals {
		if math.IsNaN(v) {
			nans++
			continue
		}
		lo, hi, sum = min(lo, v), max(hi, v), sum+v
	}
	if nans == len(vals) {
		return "all values are NaN"
	}
	s := fmt.Sprintf("min %.6g  max %.6g  mean %.6g", lo, hi, sum/float64(len(vals)-nans))
	if nans > 0 {
		s += fmt.Sprintf("  (%d NaN)", nans)
	}
	return s
}
