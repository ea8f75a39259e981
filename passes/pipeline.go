// Package passes optimizes ir graphs. Each pass is a plain function over
// *ir.Graph in its own file with its test beside it; the pipeline is the one
// ordered table below, with levels and disable-by-name, in the manner of the
// Go compiler's SSA pass list.
package passes

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tfc-project/tfc/ir"
)

// Level selects how far the optimizer goes.
type Level int

const (
	// None runs no pass.
	None Level = iota
	// Basic runs rewrites that keep the graph in plain ONNX ops.
	Basic
	// Extended adds fusions into tfc's own ops.
	Extended
)

// Pass is one step of the pipeline.
type Pass struct {
	Name  string
	Level Level
	Run   func(g *ir.Graph, c Counters) error
}

// Pipeline is the ordered list of passes. A pass may appear twice under
// different names.
var Pipeline = []Pass{
	{"early dce", Basic, deadCode},
	{"identity", Basic, removeIdentities},
	{"canonicalize", Basic, canonicalize},
	{"shapes", Basic, foldShapeArithmetic},
	{"constfold", Basic, foldConstants},
	{"cse", Basic, eliminateCommonSubexpressions},
	{"simplify movement", Basic, simplifyMovement},
	{"simplify squeeze", Basic, simplifySqueeze},
	{"div to mul", Basic, divToMul},
	{"simplify matmul", Basic, simplifyMatMul},
	{"fuse softmax", Basic, runFusion(softmaxFusion)},
	{"fuse log softmax", Basic, runFusion(logSoftmaxFusion)},
	{"fuse layer normalization", Basic, runFusion(layerNormalizationFusion)},
	{"fuse rms normalization", Basic, runFusion(rmsNormalizationFusion)},
	{"late dce", Basic, deadCode},
	{"fuse layernorm", Extended, runFusion(layerNormFusion)},
	{"fuse native layernorm", Extended, runFusion(nativeLayerNormFusion)},
	{"fuse rmsnorm", Extended, runFusion(rmsNormFusion)},
	{"fuse native rmsnorm", Extended, runFusion(nativeRMSNormFusion)},
	{"fuse gelu", Extended, runFusion(geluFusion)},
	{"fuse native gelu", Extended, runFusion(nativeGeluFusion)},
	{"fuse bias gelu", Extended, runFusion(biasGeluFusion)},
	{"fuse rotary", Extended, runFusion(rotaryFusion)},
	{"fuse attention", Extended, runFusion(attentionFusion)},
	{"fuse linear", Extended, runFusion(linearFusion)},
	{"fuse gemm linear", Extended, runFusion(gemmLinearFusion)},
	{"fuse linear gelu", Extended, runFusion(linearGeluFusion)},
	{"fuse linear bias gelu", Extended, runFusion(linearBiasGeluFusion)},
	{"fuse qkv", Extended, packQKV},
	{"fuse batch-first in-projection", Extended, runFusion(batchFirstInProjection)},
	{"fuse batch-first out-projection", Extended, runFusion(batchFirstOutProjection)},
	{"fuse skip layernorm", Extended, runFusion(skipLayerNormFusion)},
	{"fusion dce", Extended, deadCode},
}

// fusions lists the patterns ExplainFusions checks.
var fusions = []fusion{softmaxFusion, logSoftmaxFusion, layerNormalizationFusion, rmsNormalizationFusion, layerNormFusion, nativeLayerNormFusion, rmsNormFusion,
	nativeRMSNormFusion, geluFusion, nativeGeluFusion, biasGeluFusion,
	rotaryFusion, attentionFusion, linearFusion, gemmLinearFusion, linearGeluFusion, linearBiasGeluFusion, skipLayerNormFusion}

// Options control Optimize.
type Options struct {
	Level Level
	// Disable names passes to skip.
	Disable []string
	// Verify, when set (normally to ir.Verify), runs after every pass; its
	// error fails Optimize, naming the pass.
	Verify func(*ir.Graph) error
	// AfterPass, when set, is called after each pass that ran (for --dump-ir).
	AfterPass func(pass string, g *ir.Graph)
}

// Counters records what a pass did, e.g. "folded constants": 143.
type Counters map[string]int

// Add increases counter name by n.
func (c Counters) Add(name string, n int) { c[name] += n }

// PassStats is what one pass did and how long it took.
type PassStats struct {
	Name     string
	Duration time.Duration
	Counters Counters
}

// Stats describe a whole Optimize run.
type Stats struct {
	NodesBefore, NodesAfter int
	Passes                  []PassStats
}

// String prints the stats as a small table.
func (s *Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "nodes: %d -> %d\n", s.NodesBefore, s.NodesAfter)
	width := 0
	for _, p := range s.Passes {
		width = max(width, len(p.Name))
	}
	for _, p := range s.Passes {
		fmt.Fprintf(&b, "  %-*s %8.2fms", width, p.Name, float64(p.Duration.Microseconds())/1000)
		keys := make([]string, 0, len(p.Counters))
		for k := range p.Counters {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "  %s: %d", k, p.Counters[k])
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Optimize runs the pipeline's passes up to opts.Level on g, in place.
func Optimize(g *ir.Graph, opts Options) (*Stats, error) {
	disabled := map[string]bool{}
	for _, name := range opts.Disable {
		if !knownPass(name) {
			return nil, fmt.Errorf("unknown pass %q (passes: %s)", name, passNames())
		}
		disabled[name] = true
	}
	st := &Stats{NodesBefore: countNodes(g)}
	for _, p := range Pipeline {
		if p.Level > opts.Level || disabled[p.Name] {
			continue
		}
		c := Counters{}
		start := time.Now()
		if err := p.Run(g, c); err != nil {
			return st, fmt.Errorf("pass %q: %w", p.Name, err)
		}
		st.Passes = append(st.Passes, PassStats{Name: p.Name, Duration: time.Since(start), Counters: c})
		if opts.Verify != nil {
			if err := opts.Verify(g); err != nil {
				return st, fmt.Errorf("after pass %q: %w", p.Name, err)
			}
		}
		if opts.AfterPass != nil {
			opts.AfterPass(p.Name, g)
		}
	}
	st.NodesAfter = countNodes(g)
	return st, nil
}

func knownPass(name string) bool {
	for _, p := range Pipeline {
		if p.Name == name {
			return true
		}
	}
	return false
}

func passNames() string {
	names := make([]string, len(Pipeline))
	for i, p := range Pipeline {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

func countNodes(g *ir.Graph) int {
	n := 0
	g.Walk(func(*ir.Graph, *ir.Node) { n++ })
	return n
}
