package codegen_test

import (
	"os"
	"testing"

	"github.com/tfc-project/tfc"
	"github.com/tfc-project/tfc/codegen"
)

// BenchmarkPlanMemory times memory planning (liveness, views, in place,
// offsets) of the bench models at sequence length 128, when present.
func BenchmarkPlanMemory(b *testing.B) {
	seq := []int64{1, 128}
	for _, m := range []struct {
		name   string
		inputs []string
	}{
		{"bert_base", []string{"input_ids", "attention_mask", "token_type_ids"}},
		{"gpt2_small", []string{"input_ids"}},
	} {
		b.Run(m.name, func(b *testing.B) {
			path := "../bench/models/" + m.name + ".onnx"
			if _, err := os.Stat(path); err != nil {
				b.Skip(err)
			}
			shapes := map[string][]int64{}
			for _, in := range m.inputs {
				shapes[in] = seq
			}
			model, err := tfc.Compile(path, tfc.CompileOptions{Shapes: shapes})
			if err != nil {
				b.Fatal(err)
			}
			p := model.Plan()
			static, ok := codegen.StaticShapes(p.Graph)
			if !ok {
				b.Skip("shapes not static")
			}
			var mp *codegen.MemPlan
			for b.Loop() {
				mp = codegen.PlanMemory(p, static)
			}
			b.ReportMetric(float64(mp.ArenaBytes), "arena-bytes")
			b.ReportMetric(float64(mp.ArenaBytes)/float64(mp.LowerBound), "x-bound")
		})
	}
}
