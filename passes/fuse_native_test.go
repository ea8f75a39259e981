package passes

import "testing"

func TestNativeGeluFusion(t *testing.T) {
	checkRewritesTol(t, runFusion(nativeGeluFusion), 1e-6, []rewriteCase{
		{"tanh", `graph (%x:f32[2,3]) -> (%y) {
  opset "" 20
  opset "ai.tfc" 1
  %y:f32[2,3] = Gelu %x {approximate="tanh"}
}`, `graph (%x:f32[2,3]) -> (%y) {
  opset "" 20
  opset "ai.tfc" 1
  %y:f32[2,3] = ai.tfc:Gelu %x {approximate="tanh", name="/Gelu"}
}`, "fused Gelu"},
		{"default", `graph (%x:f32[4]) -> (%y) {
  opset "" 20
  opset "ai.tfc" 1
  %y:f32[4] = Gelu %x
}`, `graph (%x:f32[4]) -> (%y) {
  opset "" 20
  opset "ai.tfc" 1
  %y:f32[4] = ai.tfc:Gelu %x {approximate="none", name="/Gelu"}
}`, "fused Gelu"},
	})
}

func TestNativeRMSNormFusion(t *testing.T) {
	checkRewritesTol(t, runFusion(nativeRMSNormFusion), 1e-6, []rewriteCase{
		{"last axis", `graph (%x:f32[2,3,4], %w:f32[4]) -> (%y) {
  opset "" 23
  opset "ai.tfc" 1
  %y:f32[2,3,4] = RMSNormalization %x, %w {epsilon=0.001}
}`, `graph (%x:f32[2,3,4], %w:f32[4]) -> (%y) {
  opset "" 23
  opset "ai.tfc" 1
  %y:f32[2,3,4] = ai.tfc:RMSNorm %x, %w {epsilon=0.001, name="/RMSNorm"}
}`, "fused RMSNorm"},
		{"two axes stay", `graph (%x:f32[2,3,4], %w:f32[3,4]) -> (%y) {
  opset "" 23
  opset "ai.tfc" 1
  %y:f32[2,3,4] = RMSNormalization %x, %w {axis=1}
}`, `graph (%x:f32[2,3,4], %w:f32[3,4]) -> (%y) {
  opset "" 23
  opset "ai.tfc" 1
  %y:f32[2,3,4] = RMSNormalization %x, %w {axis=1}
}`, ""},
	})
}
