package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/tfc-project/tfc"
	"github.com/tfc-project/tfc/internal/benchkit"
)

// compileTFC compiles model for tfc at the benchmarked input shapes into
// out, as `tfc compile --shape ... -o` would, in a child process, so that
// compiling's memory is not counted as running's. It returns a note on the
// compile.
func compileTFC(model, out string, inputs []benchkit.InputSpec, timeout time.Duration) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	args := []string{"-compile", out}
	for _, in := range inputs {
		args = append(args, "-input", in.String())
	}
	cmd := exec.Command(self, append(args, model)...)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return "", err
	}
	timer := time.AfterFunc(timeout, func() { cmd.Process.Kill() })
	defer timer.Stop()
	if err := cmd.Wait(); err != nil {
		return "", fmt.Errorf("compiling %s for tfc: %w", model, err)
	}
	return strings.TrimSpace(stdout.String()), nil
}

// compileMain is the child of compileTFC: it compiles pos[0] at the input
// shapes to out and prints how long that took and its peak memory.
func compileMain(out string, pos, inputs []string) int {
	if len(pos) != 1 {
		fmt.Fprintf(os.Stderr, "bench compile: want one model, got %q\n", pos)
		return 2
	}
	shapes := map[string][]int64{}
	for _, in := range inputs {
		spec, err := benchkit.ParseInputSpec(in)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench compile: %v\n", err)
			return 2
		}
		shapes[spec.Name] = spec.Shape
	}
	start := time.Now()
	m, err := tfc.Compile(pos[0], tfc.CompileOptions{Shapes: shapes})
	if err == nil {
		err = m.Save(out)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench compile: %v\n", err)
		return 1
	}
	took := time.Since(start)
	hwm, err := benchkit.PeakRSS()
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench compile: %v\n", err)
		return 1
	}
	st, err := os.Stat(out)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench compile: %v\n", err)
		return 1
	}
	fmt.Printf("tfc runs %s (%d MB), compiled from the ONNX model beforehand in %.1f s with a peak RSS of %d MB",
		out, st.Size()>>20, took.Seconds(), hwm>>20)
	return 0
}
