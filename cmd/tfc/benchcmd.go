package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"time"

	tfcapi "github.com/tfc-project/tfc"
	"github.com/tfc-project/tfc/internal/benchkit"
)

const benchUsage = `Usage: tfc bench model.(onnx|tfc) [--threads N] [--iters N] [--warmup N] [--profile] [--shape NAME=SHAPE ...]

Times the model with tfc on random inputs (floats uniform in [-1, 1),
integers 0 or 1, so token ids stay within any vocabulary) and prints a
Markdown table: median and 90th-percentile latency, the achieved GFLOP/s of
its MatMul/Gemm nodes (2·M·N·K each at the benchmarked shapes) and the
process's peak resident memory (VmHWM, Linux). The bench/ module compares
the same figures with onnxruntime.

Flags:
  --threads N        threads tfc may use (default 1)
  --iters N          timed runs (default 10)
  --warmup N         untimed runs before them (default 1)
  --profile          also time every plan step and print the time per
                     operator over the timed runs (reading the clock around
                     each step adds well under a microsecond per step)
  --shape NAME=SHAPE size of a graph input with dynamic dims, e.g.
                     input_ids=1x128; repeatable
`

func cmdBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tfc bench", flag.ContinueOnError)
	threads := fs.Int("threads", 1, "threads tfc may use")
	iters := fs.Int("iters", 10, "timed runs")
	warmup := fs.Int("warmup", 1, "untimed runs before the timed ones")
	profile := fs.Bool("profile", false, "print the time per operator")
	var shapeFlags listFlag
	fs.Var(&shapeFlags, "shape", "size of a graph input (NAME=SHAPE, e.g. input_ids=1x128)")
	pos, status, ok := parseArgs(fs, benchUsage, args, stdout, stderr)
	if !ok {
		return status
	}
	switch {
	case len(pos) != 1:
		return usageError(stderr, "bench", benchUsage, "want exactly one model file, got %d arguments", len(pos))
	case *threads < 1 || *iters < 1 || *warmup < 0:
		return usageError(stderr, "bench", benchUsage, "--threads and --iters must be at least 1, --warmup at least 0")
	}
	shapes, err := benchkit.ParseShapeFlags(shapeFlags)
	if err != nil {
		return usageError(stderr, "bench", benchUsage, "%v", err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(*threads))
	var opts []tfcapi.SessionOption
	if *profile {
		opts = append(opts, tfcapi.WithProfiling())
	}
	m, err := benchkit.LoadTFC(pos[0], shapes, *threads, opts...)
	if err != nil {
		return fail(stderr, "bench", err)
	}
	inputs, err := benchkit.RandomInputs(m.Inputs, 1)
	if err != nil {
		return fail(stderr, "bench", err)
	}
	for _, in := range m.Inputs {
		fmt.Fprintf(stdout, "input %s\n", in)
	}
	fmt.Fprintf(stdout, "matmul work: %.3f GFLOP per run", float64(m.FLOPs)/1e9)
	if m.Uncounted > 0 {
		fmt.Fprintf(stdout, " (%d MatMul/Gemm nodes of unknown shape not counted)", m.Uncounted)
	}
	fmt.Fprintf(stdout, "\nwarmup %d, timed runs %d\n\n", *warmup, *iters)
	times := make([]time.Duration, 0, *iters)
	for i := range *warmup + *iters {
		start := time.Now()
		if err := m.Run(inputs); err != nil {
			return fail(stderr, "bench", fmt.Errorf("%s: %w", pos[0], err))
		}
		if i >= *warmup {
			times = append(times, time.Since(start))
		}
		if i+1 == *warmup && *profile {
			m.Session.ResetProfile() // profile the timed runs only
		}
	}
	row := benchkit.Row{Model: filepath.Base(pos[0]), Threads: *threads, Engine: m.Engine, Summary: benchkit.Summarize(times)}
	row.GFLOPS = benchkit.GFLOPSAt(m.FLOPs, row.Median)
	if row.PeakRSS, err = benchkit.PeakRSS(); err != nil {
		fmt.Fprintf(stderr, "tfc bench: %v\n", err)
	}
	if err := benchkit.WriteTable(stdout, []benchkit.Row{row}); err != nil {
		return fail(stderr, "bench", err)
	}
	if *profile {
		ops, runs := m.Session.Profile()
		fmt.Fprintf(stdout, "\ntime per operator, %d timed runs:\n\n", runs)
		if err := benchkit.WriteProfile(stdout, ops, runs); err != nil {
			return fail(stderr, "bench", err)
		}
	}
	return exitOK
}
