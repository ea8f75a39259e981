package passes

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/ir"
)

// backendNodeDir is the node suite of the ONNX backend tests
// (TFC_ONNX_BACKEND_TESTS, or ../shared/onnx-backend-tests beside the
// repository), "" when absent.
func backendNodeDir() string {
	dir := os.Getenv("TFC_ONNX_BACKEND_TESTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "onnx-backend-tests")
	}
	if st, err := os.Stat(filepath.Join(dir, "node")); err != nil || !st.IsDir() {
		return ""
	}
	return filepath.Join(dir, "node")
}

// expandedFamilies maps the prefix of a function-expanded conformance
// test to the ops (qualified) its graph may fuse back into: tfc's own op,
// or the plain ONNX op where tfc's does not fit (LayerNormalization whose
// Mean and InvStdDev are graph outputs, RMSNormalization over several
// axes).
var expandedFamilies = []struct {
	prefix string
	ops    []string
}{
	{"test_layer_normalization_", []string{"ai.tfc:LayerNorm", "LayerNormalization"}},
	{"test_rms_normalization_", []string{"ai.tfc:RMSNorm", "RMSNormalization"}},
	{"test_gelu_", []string{"ai.tfc:Gelu"}},
	{"test_softmax_", []string{"Softmax"}},
	{"test_logsoftmax_", []string{"LogSoftmax"}},
	{"test_attention_", []string{"ai.tfc:Attention"}},
}

// expandedMisses lists the expanded tests that do not end as the single
// op, by pattern, with the reason; besides names the ops left beside the
// fused op when it fuses all the same. A listed test that fuses (or, with
// besides, ends as the single op) fails the test, so the list only
// shrinks. Where several patterns match, the last one counts.
var expandedMisses = []struct {
	pattern *regexp.Regexp
	reason  string
	besides []string
}{
	{regexp.MustCompile(`^test_attention_4d_attn_mask_bool(_4d)?_`),
		"the bool attn_mask becomes the additive bias Where(mask, 0, −inf) before the Attention: tfc's Attention takes float biases only",
		[]string{"Where"}},
	{regexp.MustCompile(`^test_attention_4d_attn_mask_[34]d_causal_`),
		"is_causal with 4 queries and 6 keys: ONNX aligns the causal mask top-left, tfc's causal=1 bottom-right, so the folded " +
			"causal mask stays a constant that an Add puts on attn_mask before the Attention",
		[]string{"Add"}},
	{regexp.MustCompile(`^test_attention_4d_diff_heads_mask4d_padded_kv_`),
		"nonpad_kv_seqlen (Attention-24): the padding mask from the key lengths and the −inf padding of the short attn_mask " +
			"are computed before the Attention, which has no per-batch key lengths",
		[]string{"Pad", "Unsqueeze", "Less", "Where", "Add"}},
	{regexp.MustCompile(`^test_attention_[34]d(_diff_heads|_gqa)?_with_past_and_present(_fp16|_mask[34]d)?_expanded$`),
		"present_key and present_value are graph outputs: the Concats of the past and new keys and values (for 3-D inputs " +
			"after the head split of K and V) stay beside the Attention, which has no KV-cache outputs",
		[]string{"Concat", "Identity", "Reshape", "Transpose"}},
	{regexp.MustCompile(`^test_attention_[34]d_with_(past_and_present_)?qk_matmul`),
		"qk_matmul_output is a graph output: the scores (after the MatMul, the mask or the Softmax, by qk_matmul_output_mode) " +
			"are read outside the attention, and tfc's Attention does not return them",
		nil},
	{regexp.MustCompile(`^test_attention_.*softcap`),
		"softcap: the scores go through softcap·tanh(scores/softcap) (Mul, Tanh, Mul) before the mask; tfc's Attention has no softcap",
		nil},
}

var expandedName = regexp.MustCompile(`_expanded(_ver\d+)?$`)

// TestExpandedConformanceFusesBack optimizes the function-expanded ONNX
// conformance tests of the ops tfc fuses and wants each graph to end as
// the single fused op (with its goldens still met), except the misses
// listed with their reasons.
func TestExpandedConformanceFusesBack(t *testing.T) {
	dir := backendNodeDir()
	if dir == "" {
		t.Skip("ONNX backend test data not found (set TFC_ONNX_BACKEND_TESTS or put it in ../shared/onnx-backend-tests)")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	interp := exec.NewInterpreter()
	fused, partly, missed, total := 0, 0, 0, 0
	for _, e := range entries {
		name := e.Name()
		if !expandedName.MatchString(name) {
			continue
		}
		for _, fam := range expandedFamilies {
			if !strings.HasPrefix(name, fam.prefix) {
				continue
			}
			total++
			miss, besides := "", []string(nil)
			for _, m := range expandedMisses {
				if m.pattern.MatchString(name) {
					miss, besides = m.reason, m.besides
				}
			}
			switch {
			case miss == "":
				fused++
			case besides != nil:
				partly++
			default:
				missed++
			}
			t.Run(name, func(t *testing.T) {
				g, c := optimizeCase(t, filepath.Join(dir, name), false)
				ops := nodeOps(g)
				has := slices.ContainsFunc(ops, func(op string) bool { return slices.Contains(fam.ops, op) })
				single := len(ops) == 1 && has
				switch {
				case miss != "" && besides == nil && has:
					t.Errorf("fuses into %v now: drop it from expandedMisses (%s)", ops, miss)
				case besides != nil && single:
					t.Errorf("ends as the single op %s now: drop it from expandedMisses (%s)", ops[0], miss)
				case besides != nil && !has:
					t.Errorf("no longer fuses into %v, got %v:\n  %s", fam.ops, ops, strings.Join(ExplainFusions(g), "\n  "))
				case besides != nil:
					for _, op := range ops {
						if !slices.Contains(fam.ops, op) && !slices.Contains(besides, op) {
							t.Errorf("%s is left beside the fused op; expandedMisses allows %v", op, besides)
						}
					}
				case miss == "" && !single:
					t.Errorf("want the single op %v, got:\n%s\nwhy:\n  %s", fam.ops,
						ir.Print(g), strings.Join(ExplainFusions(g), "\n  "))
				case fam.prefix == "test_gelu_":
					want := map[bool]string{true: "tanh", false: "none"}[strings.Contains(name, "tanh")]
					if got := g.Nodes[0].AttrString("approximate", "none"); got != want {
						t.Errorf("approximate=%q, want %q", got, want)
					}
				}
				if single {
					checkNativeTaken(t, g)
				}
				checkGoldens(t, c, interp, len(g.Outputs))
			})
			if fam.prefix == "test_layer_normalization_" {
				// Without Mean and InvStdDev, the last axis ends as tfc's LayerNorm.
				t.Run(name+"/Y_only", func(t *testing.T) {
					g, c := optimizeCase(t, filepath.Join(dir, name), true)
					if ops := nodeOps(g); len(ops) != 1 || !slices.Contains(fam.ops, ops[0]) {
						t.Fatalf("want one of %v, got %v", fam.ops, ops)
					}
					checkNativeTaken(t, g)
					checkGoldens(t, c, interp, 1)
				})
			}
		}
	}
	t.Logf("fused %d of %d expanded tests into the single op; %d more fuse with ops left beside; %d listed misses",
		fused, total, partly, missed)
	if fused == 0 {
		t.Error("no expanded test found to fuse")
	}
}

// optimizeCase loads a conformance test and optimizes its graph at the
// Extended level; yOnly drops every graph output but the first.
func optimizeCase(t *testing.T, dir string, yOnly bool) (*ir.Graph, *golden.Case) {
	t.Helper()
	c, err := golden.LoadCase(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := c.Model.Graph
	if yOnly {
		g.Outputs = g.Outputs[:1]
	}
	if _, err := Optimize(g, Options{Level: Extended, Verify: ir.Verify}); err != nil {
		t.Fatal(err)
	}
	return g, c
}

func nodeOps(g *ir.Graph) []string {
	var ops []string
	g.Walk(func(_ *ir.Graph, n *ir.Node) { ops = append(ops, n.QualifiedOp()) })
	return ops
}

// checkNativeTaken fails when a plain LayerNormalization or
// RMSNormalization is left that tfc's op could take: over the last axis,
// with its statistics unused.
func checkNativeTaken(t *testing.T, g *ir.Graph) {
	t.Helper()
	n := g.Nodes[0]
	if n.Domain != "" || n.Op != "LayerNormalization" && n.Op != "RMSNormalization" {
		return
	}
	r := int64(n.Inputs[0].Shape.Rank())
	axis := n.AttrInt("axis", -1)
	if (axis == -1 || axis == r-1) && len(g.Outputs) == 1 {
		t.Errorf("%s over the last axis with only Y used: the native fusion should have taken it", n.Op)
	}
}

// checkGoldens runs the optimized graph of c on its data sets and
// compares its first outputs (up to n) with the reference.
func checkGoldens(t *testing.T, c *golden.Case, interp *exec.Interpreter, n int) {
	t.Helper()
	for i := range c.Sets {
		c.Sets[i].Outputs = c.Sets[i].Outputs[:min(n, len(c.Sets[i].Outputs))]
	}
	for _, sr := range golden.RunCase(c, interp.Run, golden.ONNXDefault) {
		if sr.Err != nil {
			t.Errorf("%s: %v", sr.Set, sr.Err)
		}
		for _, o := range sr.Outputs {
			if !o.Pass {
				t.Errorf("%s output %q: %s", sr.Set, o.Name, o.Reason)
			}
		}
	}
}
