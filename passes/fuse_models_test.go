package passes

import (
	"path/filepath"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/ir"
)

// wantFusions is the number of fused ops each testmodel must end with; a
// Linear with an activation counts as Linear+ACTIVATION. BERT's, ViT's and
// Whisper's self-attention Q, K and V projections merge into one Linear
// (fuse qkv); the feed-forward GELU goes into the first feed-forward
// Linear.
var wantFusions = map[string]map[string]int{
	"bert":          {"Attention": 2, "LayerNorm": 1, "SkipLayerNorm": 4, "BiasGelu": 0, "Linear": 6, "Linear+gelu": 2},
	"vit":           {"Attention": 2, "LayerNorm": 1, "SkipLayerNorm": 4, "BiasGelu": 0, "Linear": 6, "Linear+gelu": 2},
	"gpt2":          {"Attention": 2, "LayerNorm": 1, "SkipLayerNorm": 4, "Gelu": 0, "Linear": 6, "Linear+gelu_tanh": 2},
	"llama":         {"Attention": 2, "RMSNorm": 5, "RotaryEmbedding": 4},
	"torch_encoder": {"Attention": 2, "LayerNorm": 0, "SkipLayerNorm": 4, "Linear": 8},
	"whisper":       {"Attention": 6, "Linear": 18, "Linear+gelu": 4, "Gelu": 2},
}

// TestFusionsOnTestmodels optimizes every testmodel at the Extended level,
// checks the fused-op counts of wantFusions, and compares the optimized
// graph's outputs with the PyTorch goldens.
func TestFusionsOnTestmodels(t *testing.T) {
	dirs, _ := filepath.Glob("../testmodels/*/model.onnx")
	if len(dirs) == 0 {
		t.Skip("no testmodels")
	}
	interp := exec.NewInterpreter()
	tol := golden.Tolerance{Rtol: 1e-3, Atol: 1e-5, MaxRel: 1e-4}
	for _, path := range dirs {
		dir := filepath.Dir(path)
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := golden.LoadCase(dir)
			if err != nil {
				t.Fatal(err)
			}
			m := c.Model
			st, err := Optimize(m.Graph, Options{Level: Extended, Verify: ir.Verify})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, n := range m.Graph.Nodes {
				if n.Domain == "" {
					continue
				}
				if act := n.AttrString("activation", "none"); n.Op == "Linear" && act != "none" {
					got[n.Op+"+"+act]++
					continue
				}
				got[n.Op]++
			}
			t.Logf("nodes %d -> %d, fused %v", st.NodesBefore, st.NodesAfter, got)
			for family, want := range wantFusions {
				if name != family+"_op13" && name != family+"_op14" && name != family+"_op17" && name != family+"_kv_op13" && name != family+"_kv_op17" {
					continue
				}
				for op, n := range want {
					if got[op] != n {
						t.Errorf("fused %s: %d, want %d", op, got[op], n)
					}
				}
			}
			if name == "bert_op13" && st.NodesAfter*2 > st.NodesBefore {
				t.Errorf("nodes %d -> %d, want at least halved", st.NodesBefore, st.NodesAfter)
			}
			for _, sr := range golden.RunCase(c, interp.Run, tol) {
				if sr.Err != nil {
					t.Errorf("%s: %v", sr.Set, sr.Err)
					continue
				}
				for _, o := range sr.Outputs {
					if !o.Pass {
						t.Errorf("%s output %q: %s", sr.Set, o.Name, o.Reason)
					}
				}
			}
		})
	}
}

// TestFusionsAtStaticShapes optimizes testmodels with their input shapes
// fixed to those of data set 0 (what `tfc compile --shape` does): constant
// folding then turns GPT-2's sliced causal buffer into a constant Where
// condition and merges the head merge with the projection's flattening
// Reshape, and every attention must still fuse, causal, and meet the
// goldens.
func TestFusionsAtStaticShapes(t *testing.T) {
	for _, name := range []string{"bert_op17", "gpt2_op17", "gpt2_op13", "llama_op17"} {
		t.Run(name, func(t *testing.T) {
			c, err := golden.LoadCase(filepath.Join("..", "testmodels", name))
			if err != nil {
				t.Skip(err)
			}
			set := c.Sets[0]
			for _, v := range c.Model.Graph.Inputs {
				if in := set.Inputs[v.Name]; in != nil {
					v.Shape = ir.ShapeOf(in.Shape...)
				}
			}
			if _, err := Optimize(c.Model.Graph, Options{Level: Extended, Verify: ir.Verify}); err != nil {
				t.Fatal(err)
			}
			attention := 0
			for _, n := range c.Model.Graph.Nodes {
				if n.Op == "Attention" && n.Domain == ir.TfcDomain {
					attention++
					if name != "bert_op17" && n.AttrInt("causal", 0) != 1 {
						t.Errorf("%s is not causal", n.Describe())
					}
				}
			}
			if attention != 2 {
				t.Errorf("fused Attention: %d, want 2\n%s", attention, ir.Print(c.Model.Graph))
			}
			c.Sets = c.Sets[:1]
			for _, sr := range golden.RunCase(c, exec.NewInterpreter().Run, golden.ModelDefault) {
				if sr.Err != nil {
					t.Fatalf("%s: %v", sr.Set, sr.Err)
				}
				for _, o := range sr.Outputs {
					if !o.Pass {
						t.Errorf("%s output %q: %s", sr.Set, o.Name, o.Reason)
					}
				}
			}
		})
	}
}
