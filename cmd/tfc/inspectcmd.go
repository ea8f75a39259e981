package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/importer"
	"github.com/tfc-project/tfc/ir"
)

const inspectUsage = `Usage: tfc inspect model.onnx

Describes a model: ONNX IR version, producer, opset per domain, graph inputs
and outputs with dtypes and (symbolic) shapes, initializer count, parameter
count and bytes, how often each op occurs (subgraphs included), and the ops
the reference interpreter has no kernel for.
`

func cmdInspect(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tfc inspect", flag.ContinueOnError)
	pos, status, ok := parseArgs(fs, inspectUsage, args, stdout, stderr)
	if !ok {
		return status
	}
	if len(pos) != 1 {
		return usageError(stderr, "inspect", inspectUsage, "want one model file, got %d arguments", len(pos))
	}
	m, err := importer.Load(pos[0])
	if err != nil {
		return fail(stderr, "inspect", err)
	}
	g := m.Graph
	fmt.Fprintf(stdout, "model:       %s\n", pos[0])
	fmt.Fprintf(stdout, "ir version:  %d\n", m.IRVersion)
	fmt.Fprintf(stdout, "producer:    %s\n", strings.TrimSpace(m.ProducerName+" "+m.ProducerVersion))
	fmt.Fprintf(stdout, "opsets:      %s\n", opsetList(m.Opsets))
	fmt.Fprintf(stdout, "graph:       %q\n", g.Name)

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "inputs:")
	defaults := 0
	for _, v := range g.Inputs {
		if v.Const != nil {
			defaults++
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\n", v.Name, valueType(v))
	}
	if defaults > 0 {
		fmt.Fprintf(tw, "  (and %d inputs with an initializer as default)\n", defaults)
	}
	fmt.Fprintln(tw, "outputs:")
	for _, v := range g.Outputs {
		fmt.Fprintf(tw, "  %s\t%s\n", v.Name, valueType(v))
	}
	tw.Flush()

	params, bytes := int64(0), int64(0)
	for _, v := range g.Initializers {
		params += int64(v.Const.Len())
		bytes += tensorBytes(v.Const)
	}
	fmt.Fprintf(stdout, "initializers: %d (%d parameters, %s)\n", len(g.Initializers), params, byteSize(bytes))

	counts := map[string]int{}
	nodes := 0
	g.Walk(func(_ *ir.Graph, n *ir.Node) {
		counts[n.QualifiedOp()]++
		nodes++
	})
	fmt.Fprintf(stdout, "ops:         %d nodes (%d in subgraphs), %d distinct ops\n", nodes, nodes-len(g.Nodes), len(counts))
	ops := make([]string, 0, len(counts))
	for op := range counts {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool {
		if counts[ops[i]] != counts[ops[j]] {
			return counts[ops[i]] > counts[ops[j]]
		}
		return ops[i] < ops[j]
	})
	for _, op := range ops {
		fmt.Fprintf(tw, "  %s\t%d\n", op, counts[op])
	}
	tw.Flush()

	err = exec.NewInterpreter().Check(g)
	var unsupported *exec.UnsupportedError
	switch {
	case err == nil:
		fmt.Fprintln(stdout, "unsupported: none (the reference interpreter has a kernel for every op)")
	case errors.As(err, &unsupported):
		fmt.Fprintf(stdout, "unsupported: %d ops without a reference kernel:\n%s\n", len(unsupported.Lines), strings.Join(unsupported.Lines, "\n"))
	default:
		return fail(stderr, "inspect", fmt.Errorf("%s: %w", pos[0], err))
	}
	return exitOK
}

// opsetList prints opset imports sorted by domain, e.g. "ai.onnx 17, com.microsoft 1".
func opsetList(opsets map[string]int64) string {
	var parts []string
	for d, v := range opsets {
		if d == "" {
			d = "ai.onnx"
		}
		parts = append(parts, fmt.Sprintf("%s %d", d, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// valueType prints a value's type, e.g. "i64[batch,seq]", "seq(f32)".
func valueType(v *ir.Value) string {
	dt := "?"
	if v.DType != ir.Undefined {
		dt = v.DType.String()
	}
	switch v.Kind {
	case ir.SequenceValue:
		return "seq(" + dt + ")"
	case ir.MapValue:
		return "map(" + dt + ")"
	case ir.OptionalValue:
		return "optional(" + dt + v.Shape.String() + ")"
	case ir.SparseTensorValue:
		return "sparse " + dt + v.Shape.String()
	}
	return dt + v.Shape.String()
}

// tensorBytes is the in-memory size of t's elements (string bytes for
// string tensors).
func tensorBytes(t *ir.Tensor) int64 {
	if s, ok := t.Data.([]string); ok {
		n := int64(0)
		for _, e := range s {
			n += int64(len(e))
		}
		return n
	}
	return int64(t.Len()) * int64(t.DType.Size())
}

// byteSize prints a byte count in binary units, e.g. "1.5 MiB".
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
