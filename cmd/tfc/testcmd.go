package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	tfcapi "github.com/tfc-project/tfc"
	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/ir"
)

const testUsage = `Usage: tfc test DIR [--rtol R] [--atol A] [--max-rel M] [--compiled] [-v]

Runs the model DIR/model.onnx with the reference interpreter (or, with
--compiled, compiled as tfc run runs it) on every
DIR/test_data_set_N (input_K.pb bound to the K-th graph input, output_K.pb
the reference for the K-th graph output) and prints, per data set and
output, the max absolute error, the max relative error (max |got-want| over
max |want|) and PASS or FAIL, then a summary line. The exit status is 1 if
anything failed.

An element passes when |got-want| <= atol + rtol*|want|, and an output
passes when every element does and, with --max-rel, its max relative error
is at most M; integer, bool and string outputs must match exactly. The
defaults suit whole float32 models, where rounding accumulates through the
layers; the ONNX backend tests use --atol 1e-7 and no --max-rel.

Flags:
  --rtol R     relative tolerance (default 1e-3)
  --atol A     absolute tolerance (default 1e-5)
  --max-rel M  tensor-wide relative error bound (default 1e-4; 0 turns it off)
  --compiled   compile the model (all passes, then the plan) and run it
               in a session instead of on the reference interpreter
  -v           also print each data set's inputs and run time
`

func cmdTest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tfc test", flag.ContinueOnError)
	rtol := fs.Float64("rtol", golden.ModelDefault.Rtol, "relative tolerance")
	atol := fs.Float64("atol", golden.ModelDefault.Atol, "absolute tolerance")
	maxRel := fs.Float64("max-rel", golden.ModelDefault.MaxRel, "tensor-wide relative error bound")
	compiled := fs.Bool("compiled", false, "run the compiled model")
	verbose := fs.Bool("v", false, "verbose")
	pos, status, ok := parseArgs(fs, testUsage, args, stdout, stderr)
	if !ok {
		return status
	}
	if len(pos) != 1 {
		return usageError(stderr, "test", testUsage, "want one model folder, got %d arguments", len(pos))
	}
	if *rtol < 0 || *atol < 0 || *maxRel < 0 {
		return usageError(stderr, "test", testUsage, "tolerances must not be negative")
	}
	c, err := golden.LoadCase(pos[0])
	if err != nil {
		return fail(stderr, "test", err)
	}
	run, engine := interpret(c.Model.Graph), ""
	if *compiled {
		if run, err = compileGraph(filepath.Join(c.Dir, "model.onnx"), c.Model.Graph, tfcapi.CompileOptions{Overridable: c.OverriddenInitializers()}); err != nil {
			return fail(stderr, "test", err)
		}
		engine = ", compiled"
	}
	var times []time.Duration
	timed := func(_ *ir.Graph, in map[string]*ir.Tensor) (map[string]*ir.Tensor, error) {
		start := time.Now()
		out, err := run(in)
		times = append(times, time.Since(start))
		return out, err
	}
	results := golden.RunCase(c, timed, golden.Tolerance{Rtol: *rtol, Atol: *atol, MaxRel: *maxRel})

	rows := [][]string{{"data set", "output", "max abs", "max rel", "result"}}
	notes := [][]string{nil} // lines printed under each row, none under the header
	passed, failed := 0, 0
	for i, sr := range results {
		if *verbose {
			var lines []string
			for _, v := range c.Model.Graph.Inputs {
				if t, ok := c.Sets[i].Inputs[v.Name]; ok {
					lines = append(lines, fmt.Sprintf("input %s: %s", v.Name, tensorType(t)))
				}
			}
			lines = append(lines, fmt.Sprintf("ran in %v", times[i].Round(time.Microsecond)))
			rows, notes = append(rows, []string{sr.Set, "", "", "", ""}), append(notes, lines)
		}
		if sr.Err != nil {
			failed++
			rows, notes = append(rows, []string{sr.Set, "", "", "", "ERROR"}), append(notes, []string{sr.Err.Error()})
			continue
		}
		for _, o := range sr.Outputs {
			row := []string{sr.Set, o.Name, fmt.Sprintf("%.3g", o.MaxAbs), fmt.Sprintf("%.3g", o.MaxRel), "PASS"}
			var lines []string
			if o.Pass {
				passed++
			} else {
				failed++
				row[4], lines = "FAIL", []string{o.Reason}
			}
			rows, notes = append(rows, row), append(notes, lines)
		}
	}
	printTable(stdout, rows, notes)
	verdict := "PASS"
	if failed > 0 {
		verdict = "FAIL"
	}
	fmt.Fprintf(stdout, "%s %s: %d passed, %d failed (%d data sets, rtol %g, atol %g, max-rel %g%s)\n",
		verdict, c.Dir, passed, failed, len(c.Sets), *rtol, *atol, *maxRel, engine)
	if failed > 0 {
		return exitFail
	}
	return exitOK
}

// printTable prints rows in aligned columns, each followed by its notes,
// indented (every line of a multi-line note).
func printTable(w io.Writer, rows, notes [][]string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for j, cell := range r {
			widths[j] = max(widths[j], len(cell))
		}
	}
	for i, r := range rows {
		line := ""
		for j, cell := range r {
			line += fmt.Sprintf("%-*s  ", widths[j], cell)
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
		for _, n := range notes[i] {
			fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(n, "\n", "\n    "))
		}
	}
}
