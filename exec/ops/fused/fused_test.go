package fused_test

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/exec/ops/fused"
	"github.com/tfc-project/tfc/exec/ops/opstest"
	"github.com/tfc-project/tfc/ir"
)

func randTensor(r *rand.Rand, shape ...int64) *ir.Tensor {
	n, _ := ir.NumElements(shape)
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = r.NormFloat64()
	}
	t, _ := ir.FromFloat64s(ir.Float32, shape, vals)
	return t
}

type fusedCase struct {
	op     string
	attrs  map[string]*ir.Attr
	inputs [][]int64 // nil: omitted input
	outs   int
}

// TestFusedEqualsDecomposed runs each fused op's kernel and its
// decomposition through the reference interpreter on random inputs.
func TestFusedEqualsDecomposed(t *testing.T) {
	eps := opstest.Attrs("epsilon", float32(1e-5))
	cases := []fusedCase{
		{"Linear", nil, [][]int64{{2, 3, 8}, {8, 5}, {5}}, 1},
		{"Linear", nil, [][]int64{{3, 8}, {8, 5}}, 1},
		{"Linear", opstest.Attrs("activation", "gelu"), [][]int64{{2, 3, 8}, {8, 5}, {5}}, 1},
		{"Linear", opstest.Attrs("activation", "gelu_tanh"), [][]int64{{3, 8}, {8, 5}}, 1},
		{"LayerNorm", eps, [][]int64{{2, 3, 8}, {8}, {8}}, 1},
		{"LayerNorm", eps, [][]int64{{4, 8}, {8}}, 1},
		{"SkipLayerNorm", eps, [][]int64{{2, 3, 8}, {2, 3, 8}, {8}, {8}}, 2},
		{"RMSNorm", eps, [][]int64{{2, 3, 8}, {8}}, 1},
		{"Gelu", nil, [][]int64{{2, 7}}, 1},
		{"Gelu", opstest.Attrs("approximate", "tanh"), [][]int64{{2, 7}}, 1},
		{"BiasGelu", nil, [][]int64{{2, 7}, {7}}, 1},
		{"RotaryEmbedding", nil, [][]int64{{2, 4, 5, 8}, {1, 1, 5, 8}, {1, 1, 5, 8}}, 1},
		{"Attention", opstest.Attrs("num_heads", 2, "scale", float32(0.25)), [][]int64{{2, 5, 8}, {2, 5, 8}, {2, 5, 8}, {2, 1, 1, 5}}, 1},
		{"Attention", opstest.Attrs("num_heads", 4, "kv_num_heads", 2, "scale", float32(0.3), "causal", 1), [][]int64{{1, 3, 16}, {1, 5, 8}, {1, 5, 8}}, 1},
		{"Attention", opstest.Attrs("num_heads", 4, "scale", float32(0.25), "causal", 1), [][]int64{{2, 3, 32}, {2, 4, 7, 8}, {2, 4, 7, 8}}, 1},
		{"Attention", opstest.Attrs("scale", float32(0.5), "causal", 1), [][]int64{{2, 2, 4, 4}, {2, 2, 4, 4}, {2, 2, 4, 4}, {1, 1, 4, 4}}, 1},
		// packed QKV (K and V omitted): [B, S, (H + 2·Hkv)·D]
		{"Attention", opstest.Attrs("num_heads", 2, "scale", float32(0.25)), [][]int64{{2, 5, 24}}, 1},
		{"Attention", opstest.Attrs("num_heads", 4, "kv_num_heads", 2, "scale", float32(0.3), "causal", 1), [][]int64{{1, 6, 32}, nil, nil, {1, 1, 1, 6}}, 1},
	}
	r := rand.New(rand.NewSource(1))
	interp := exec.NewInterpreter()
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.op), func(t *testing.T) {
			n := &ir.Node{Name: c.op, Op: c.op, Domain: ir.TfcDomain, Version: 1, Attrs: c.attrs}
			g := &ir.Graph{Name: c.op, Opsets: map[string]int64{"": 17, ir.TfcDomain: 1}}
			feeds := map[string]*ir.Tensor{}
			var ins []*ir.Tensor
			for j, shape := range c.inputs {
				if shape == nil { // an omitted optional input
					n.Inputs = append(n.Inputs, nil)
					ins = append(ins, nil)
					continue
				}
				x := randTensor(r, shape...)
				v := &ir.Value{Name: fmt.Sprint("in", j), DType: ir.Float32, Shape: ir.ShapeOf(shape...)}
				g.Inputs = append(g.Inputs, v)
				n.Inputs = append(n.Inputs, v)
				feeds[v.Name] = x
				ins = append(ins, x)
			}
			for j := 0; j < c.outs; j++ {
				n.Outputs = append(n.Outputs, &ir.Value{Name: fmt.Sprint("out", j), Producer: n})
			}
			want, err := interp.RunNode(n, ins)
			if err != nil {
				t.Fatal(err)
			}
			nodes, err := fused.Decompose(n)
			if err != nil {
				t.Fatal(err)
			}
			g.Nodes, g.Outputs = nodes, n.Outputs
			got, err := interp.Run(g, feeds)
			if err != nil {
				t.Fatal(err)
			}
			for j, o := range n.Outputs {
				a, b := want[j].Float64s(), got[o.Name].Float64s()
				if fmt.Sprint(want[j].Shape) != fmt.Sprint(got[o.Name].Shape) {
					t.Fatalf("output %d: fused shape %v, decomposed %v", j, want[j].Shape, got[o.Name].Shape)
				}
				for k := range a {
					if math.Abs(a[k]-b[k]) > 1e-5*(1+math.Abs(b[k])) {
						t.Fatalf("output %d element %d: fused %v, decomposed %v", j, k, a[k], b[k])
					}
				}
			}
		})
	}
}
