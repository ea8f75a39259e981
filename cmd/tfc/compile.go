package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/ir"
	"github.com/tfc-project/tfc/passes"
)

const compileUsage = `Usage: tfc compile model.onnx [-o model.tfc] [--emit-onnx out.onnx]
                   [--shape NAME=SHAPE ...] [--quiet]
                   [--level basic|extended] [--disable PASS,...]
                   [--stats] [--explain-fusion] [--dump-ir PASS|all] [--check]

Imports a model and runs the optimizer's passes on it; with -o, lowers it
to a plan and writes the compiled .tfc artifact, which tfc run runs.

  -o FILE              write the compiled model to FILE (a .tfc artifact)
  --emit-onnx FILE     write the optimized graph to FILE as an ONNX model:
                       tfc's fused ops in their own domain "ai.tfc"
                       (imported at version 1), weights as initializers,
                       known shapes as value_info; tfc run and tfc inspect
                       read it back, other runtimes need the ai.tfc ops
  --shape NAME=SHAPE   fix input NAME's shape at compile time, e.g.
                       input_ids=1x128 (symbolic dims become sizes and the
                       memory plan is made now); repeatable
  --quiet              draw no progress bar (one is drawn only when stderr
                       is a terminal)
  --level L            basic (plain ONNX rewrites) or extended (also fusions
                       into tfc's own ops; the default)
  --disable P1,P2      skip the named passes
  --stats              print node counts before and after, and the time and
                       counters of every pass ("fused Attention: 12"),
                       and the memory plan: arena bytes, naive sum of all
                       intermediates, lower bound
  --explain-fusion     for every anchor a fusion left unfused, say why
  --dump-ir PASS|all   print the text IR after the named pass (or after every pass)
  --check              run ir.Verify after every pass
`

func cmdCompile(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tfc compile", flag.ContinueOnError)
	level := fs.String("level", "extended", "basic or extended")
	disable := fs.String("disable", "", "comma-separated passes to skip")
	stats := fs.Bool("stats", false, "print per-pass time and counters")
	explain := fs.Bool("explain-fusion", false, "say why fusions did not match")
	dump := fs.String("dump-ir", "", "print the IR after PASS, or all")
	check := fs.Bool("check", false, "verify the graph after every pass")
	emit := fs.String("emit-onnx", "", "write the optimized graph to this ONNX file")
	art := addArtifactFlags(fs)
	pos, status, ok := parseArgs(fs, compileUsage, args, stdout, stderr)
	if !ok {
		return status
	}
	if len(pos) != 1 {
		return usageError(stderr, "compile", compileUsage, "want one model file, got %d arguments", len(pos))
	}
	opts := passes.Options{}
	switch *level {
	case "basic":
		opts.Level = passes.Basic
	case "extended":
		opts.Level = passes.Extended
	default:
		return usageError(stderr, "compile", compileUsage, "unknown level %q", *level)
	}
	if *disable != "" {
		opts.Disable = strings.Split(*disable, ",")
	}
	if *check {
		opts.Verify = ir.Verify
	}
	if *dump != "" {
		opts.AfterPass = func(pass string, g *ir.Graph) {
			if *dump == "all" || *dump == pass {
				fmt.Fprintf(stdout, "# after %s\n%s\n", pass, ir.Print(g))
			}
		}
	}
	job, err := art.start(pos[0], &opts, *stats, stderr)
	if err != nil {
		return usageError(stderr, "compile", compileUsage, "%v", err)
	}
	defer job.bar.Done()
	stdout, stderr = job.bar.Writer(stdout), job.bar.Writer(stderr)
	m, err := importer.Load(pos[0])
	if err != nil {
		return fail(stderr, "compile", err)
	}
	job.bar.Phase("passes")
	st, err := passes.Optimize(m.Graph, opts)
	if err != nil {
		return fail(stderr, "compile", err)
	}
	if *emit != "" {
		if err := emitONNX(m, *emit); err != nil {
			return fail(stderr, "compile", err)
		}
	}
	if err := job.finish(m.Graph); err != nil {
		return fail(stderr, "compile", err)
	}
	job.printWritten(stdout)
	if *emit != "" {
		size := "?"
		if st, err := os.Stat(*emit); err == nil {
			size = byteSize(st.Size())
		}
		fmt.Fprintf(stdout, "wrote %s (%s)\n", *emit, size)
	}
	if *stats {
		fmt.Fprint(stdout, st.String())
		fmt.Fprintln(stdout, "fused ops:")
		for _, line := range fusedCounts(m.Graph) {
			fmt.Fprintln(stdout, "  "+line)
		}
		job.printMemory(stdout)
	}
	if *explain {
		for _, line := range passes.ExplainFusions(m.Graph) {
			fmt.Fprintln(stdout, line)
		}
	}
	if !*stats && !*explain && *dump == "" {
		fmt.Fprintf(stdout, "%s: %d nodes -> %d nodes\n", pos[0], st.NodesBefore, st.NodesAfter)
	}
	return exitOK
}

// emitONNX writes the optimized model m to path as an ONNX model.
func emitONNX(m *importer.Model, path string) error {
	data, err := m.Encode()
	if err != nil {
		return fmt.Errorf("--emit-onnx: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// fusedCounts lists how many nodes of tfc's own ops g holds, by op.
func fusedCounts(g *ir.Graph) []string {
	counts := map[string]int{}
	g.Walk(func(_ *ir.Graph, n *ir.Node) {
		if n.Domain == ir.TfcDomain {
			counts[n.Op]++
		}
	})
	var lines []string
	for op, n := range counts {
		lines = append(lines, fmt.Sprintf("%s: %d", op, n))
	}
	sort.Strings(lines)
	return lines
}
