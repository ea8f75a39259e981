package passes

import (
	"testing"

	"github.com/tfc-project/tfc/ir"
)

func TestLinearGeluFusion(t *testing.T) {
	const consts = `  %w = const f32[3,2] [0.5, -1.0, 2.0, 0.25, -0.75, 1.5]
  %b = const f32[2] [0.1, -0.2]
`
	pass := func(g *ir.Graph, c Counters) error {
		if err := runFusion(linearGeluFusion)(g, c); err != nil {
			return err
		}
		return runFusion(linearBiasGeluFusion)(g, c)
	}
	checkRewritesTol(t, pass, 1e-6, []rewriteCase{
		{"bias gelu into matmul", `graph (%x:f32[4,3]) -> (%y) {
  opset "" 17
  opset "ai.tfc" 1
` + consts + `  %m:f32[4,2] = MatMul %x, %w
  %y:f32[4,2] = ai.tfc:BiasGelu %m, %b
}`, `graph (%x:f32[4,3]) -> (%y) {
  opset "" 17
  opset "ai.tfc" 1
` + consts + `  %y:f32[4,2] = ai.tfc:Linear %x, %w, %b {activation="gelu", name="/Linear"}
}`, "fused LinearGelu"},
		{"tanh gelu into linear", `graph (%x:f32[2,4,3]) -> (%y) {
  opset "" 17
  opset "ai.tfc" 1
` + consts + `  %m:f32[2,4,2] = ai.tfc:Linear %x, %w, %b
  %y:f32[2,4,2] = ai.tfc:Gelu %m {approximate="tanh"}
}`, `graph (%x:f32[2,4,3]) -> (%y) {
  opset "" 17
  opset "ai.tfc" 1
` + consts + `  %y:f32[2,4,2] = ai.tfc:Linear %x, %w, %b {activation="gelu_tanh", name="/Linear"}
}`, "fused LinearGelu"},
		{"product read twice stays", `graph (%x:f32[4,3]) -> (%y, %m) {
  opset "" 17
  opset "ai.tfc" 1
` + consts + `  %m:f32[4,2] = ai.tfc:Linear %x, %w, %b
  %y:f32[4,2] = ai.tfc:Gelu %m
}`, `graph (%x:f32[4,3]) -> (%y, %m) {
  opset "" 17
  opset "ai.tfc" 1
` + consts + `  %m:f32[4,2] = ai.tfc:Linear %x, %w, %b
  %y:f32[4,2] = ai.tfc:Gelu %m
}`, ""},
		{"two biases stay", `graph (%x:f32[4,3]) -> (%y) {
  opset "" 17
  opset "ai.tfc" 1
` + consts + `  %m:f32[4,2] = ai.tfc:Linear %x, %w, %b
  %y:f32[4,2] = ai.tfc:BiasGelu %m, %b
}`, `graph (%x:f32[4,3]) -> (%y) {
  opset "" 17
  opset "ai.tfc" 1
` + consts + `  %m:f32[4,2] = ai.tfc:Linear %x, %w, %b
  %y:f32[4,2] = ai.tfc:BiasGelu %m, %b
}`, ""},
	})
}
