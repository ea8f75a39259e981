// Command bench times tfc against onnxruntime (and the pure-Go ONNX
// libraries gonnx and onnx-go where they can run the model) on full-size
// transformer models, and prints the results as a Markdown table, also
// written to RESULTS.md. See README.md.
//
// Each engine runs in its own worker process (this binary re-executed with
// -worker), so that each one's peak memory is its own; the parent drives
// the workers one run at a time, interleaved (A B A B ...), after warmup.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tfc-project/tfc/exec/gemm"
	"github.com/tfc-project/tfc/internal/benchkit"
)

// defaultORTLib is where `npm install onnxruntime-node` in bench/ puts the
// onnxruntime library, relative to bench/.
const defaultORTLib = "node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"

// listFlag collects the values of a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// config is the parent's command line.
type config struct {
	models  []string
	threads []int
	engines []string
	iters   int
	warmup  int
	budget  time.Duration
	gap     time.Duration
	warm    time.Duration
	timeout time.Duration
	ortLib  string
	out     string
}

func main() {
	os.Exit(mainStatus(os.Args[1:]))
}

func mainStatus(args []string) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	models := fs.String("models", "models/bert_base.onnx,models/gpt2_small.onnx", "comma-separated ONNX models")
	threads := fs.String("threads", "1,2", "comma-separated thread counts")
	engines := fs.String("engines", "onnxruntime,tfc,gonnx,onnx-go", "comma-separated engines (onnxruntime, tfc, gonnx, onnx-go)")
	iters := fs.Int("iters", 10, "timed runs per engine")
	warmup := fs.Int("warmup", 1, "untimed runs per engine before the timed ones")
	budget := fs.Duration("budget", time.Minute, "an engine stops after this much timed running (with at least one timed run)")
	gap := fs.Duration("gap", 100*time.Millisecond, "idle time before each run, so that no engine's threads still spin from its previous run")
	warm := fs.Duration("warm", 10*time.Millisecond, "after the gap, keep every CPU busy this long before each run, so that no engine starts on cores woken from idle")
	timeout := fs.Duration("timeout", 3*time.Minute, "longest wait for one model load or run")
	ortLib := fs.String("ort-lib", envOr("TFC_ORT_LIB", defaultORTLib), "the onnxruntime shared library (default $TFC_ORT_LIB, else the npm one in bench/)")
	out := fs.String("out", "RESULTS.md", "Markdown file for the results (\"\" for none)")
	workerEngine := fs.String("worker", "", "internal: run as the worker process of this engine")
	compileOut := fs.String("compile", "", "internal: compile the model for tfc into this .tfc file")
	var inputs listFlag
	fs.Var(&inputs, "input", "internal: a worker's input, NAME:DTYPE:SHAPE")
	outputs := fs.String("outputs", "", "internal: a worker's comma-separated output names")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *workerEngine != "" {
		return workerMain(*workerEngine, fs.Args(), inputs, *outputs, *threads, *ortLib)
	}
	if *compileOut != "" {
		return compileMain(*compileOut, fs.Args(), inputs)
	}
	c := config{models: split(*models), engines: split(*engines), iters: *iters, warmup: *warmup,
		budget: *budget, gap: *gap, warm: *warm, timeout: *timeout, ortLib: *ortLib, out: *out}
	for _, t := range split(*threads) {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: bad thread count %q\n", t)
			return 2
		}
		c.threads = append(c.threads, n)
	}
	for _, e := range c.engines {
		if !knownEngine(e) {
			fmt.Fprintf(os.Stderr, "bench: unknown engine %q\n", e)
			return 2
		}
	}
	if c.iters < 1 || c.warmup < 0 {
		fmt.Fprintln(os.Stderr, "bench: -iters must be at least 1 and -warmup at least 0")
		return 2
	}
	if err := benchmark(c, args); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		return 1
	}
	return 0
}

func workerMain(engine string, pos, inputs []string, outputs, threads, ortLib string) int {
	n, err := strconv.Atoi(threads)
	if err != nil || len(pos) != 1 {
		fmt.Fprintf(os.Stderr, "bench worker: want one model and one thread count, got %q and %q\n", pos, threads)
		return 2
	}
	c := workerConfig{engine: engine, model: pos[0], threads: n, outputs: split(outputs), ortLib: ortLib}
	for _, in := range inputs {
		spec, err := benchkit.ParseInputSpec(in)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench worker: %v\n", err)
			return 2
		}
		c.inputs = append(c.inputs, spec)
	}
	return worker(c, os.Stdin, os.NewFile(replyFD, "replies"))
}

// benchmark runs every model at every thread count and writes the table.
func benchmark(c config, args []string) error {
	peak := gemm.PeakGFLOPS()
	var rows []benchkit.Row
	var notes []string
	for _, model := range c.models {
		a, err := benchkit.AnalyzeFile(model, nil)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.Base(model), filepath.Ext(model))
		notes = append(notes, fmt.Sprintf("%s: %.2f GFLOP of MatMul/Gemm per run, inputs %s", name, float64(a.FLOPs)/1e9, specList(a.Inputs)))
		artifact := ""
		if slices.Contains(c.engines, "tfc") {
			fmt.Fprintf(os.Stderr, "bench: compiling %s for tfc\n", name)
			artifact = strings.TrimSuffix(model, ".onnx") + ".tfc" // beside the model, git-ignored like it
			note, err := compileTFC(model, artifact, a.Inputs, c.timeout)
			if err != nil {
				return err
			}
			notes = append(notes, fmt.Sprintf("%s: %s", name, note))
		}
		for _, threads := range c.threads {
			fmt.Fprintf(os.Stderr, "bench: %s at %d thread(s)\n", name, threads)
			rs := runConfig(c, model, artifact, a, threads)
			for i := range rs {
				rs[i].Model = name
				if rs[i].Err == "" && peak > 0 {
					rs[i].PeakFraction = rs[i].GFLOPS / (peak * float64(threads))
				}
			}
			rows = append(rows, rs...)
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "Command: `go run . %s` (in bench/)\n\n", strings.Join(args, " "))
	fmt.Fprintf(&b, "Machine: %s, %d logical CPUs, %s; single-core float32 FMA peak %.1f GFLOP/s "+
		"(%% of peak at N threads is against N times that).\n\n", cpuModel(), runtime.NumCPU(), runtime.Version(), peak)
	if err := benchkit.WriteTable(&b, rows); err != nil {
		return err
	}
	b.WriteString("\n")
	for _, n := range notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	os.Stdout.Write(b.Bytes())
	if c.out == "" {
		return nil
	}
	return os.WriteFile(c.out, append([]byte("# Benchmark results\n\n"), b.Bytes()...), 0o644)
}

// runConfig times the engines on one model at one thread count, their runs
// interleaved, and returns one row per engine. tfc runs artifact, the
// model compiled beforehand.
func runConfig(c config, model, artifact string, a *benchkit.Analysis, threads int) []benchkit.Row {
	rows := make([]benchkit.Row, len(c.engines))
	procs := make([]*workerProc, len(c.engines))
	times := make([][]time.Duration, len(c.engines))
	for i, e := range c.engines {
		rows[i] = benchkit.Row{Threads: threads, Engine: e}
		file := model
		if e == "tfc" {
			file = artifact
		}
		p, err := startWorker(workerConfig{engine: e, model: file, threads: threads, inputs: a.Inputs,
			outputs: a.Outputs, ortLib: c.ortLib}, c.timeout)
		if err != nil {
			rows[i].Err = err.Error()
			continue
		}
		procs[i] = p
		rows[i].Engine = p.name
	}
	spent := make([]time.Duration, len(c.engines))
	for iter := range c.warmup + c.iters {
		for i, p := range procs {
			if p == nil || (len(times[i]) > 0 && spent[i] >= c.budget) {
				continue
			}
			time.Sleep(c.gap)
			busy(c.warm)
			d, err := p.step()
			if err != nil {
				rows[i].Err = err.Error()
				procs[i] = nil
				continue
			}
			if iter >= c.warmup {
				times[i] = append(times[i], d)
				spent[i] += d
			}
		}
	}
	for i, p := range procs {
		if p == nil {
			continue
		}
		hwm, err := p.quit()
		if err != nil {
			rows[i].Err = err.Error()
			continue
		}
		rows[i].Summary = benchkit.Summarize(times[i])
		rows[i].GFLOPS = benchkit.GFLOPSAt(a.FLOPs, rows[i].Median)
		rows[i].PeakRSS = hwm
	}
	if i := slices.Index(c.engines, "onnxruntime"); i >= 0 && rows[i].Err == "" {
		for j := range rows {
			if rows[j].Err == "" {
				rows[j].Ratio = float64(rows[j].Median) / float64(rows[i].Median)
			}
		}
	}
	return rows
}

// busy keeps every CPU busy for d: a core that idled (here, during the
// gap) runs slowly for its first milliseconds, on this 2-vCPU machine
// enough to add 20–30% to a 2-thread run that starts on it.
func busy(d time.Duration) {
	if d <= 0 {
		return
	}
	var wg sync.WaitGroup
	end := time.Now().Add(d)
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) {
			}
		}()
	}
	wg.Wait()
}

func specList(specs []benchkit.InputSpec) string {
	parts := make([]string, len(specs))
	for i, s := range specs {
		parts[i] = s.String()
	}
	return strings.Join(parts, ", ")
}

// cpuModel returns the CPU's model name from /proc/cpuinfo, or GOARCH.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err == nil {
		for line := range strings.Lines(string(data)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}

// modVersion returns the version of module path in this binary.
func modVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == path {
				return d.Version
			}
		}
	}
	return "(unknown version)"
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
