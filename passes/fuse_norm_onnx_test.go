package passes

import (
	"strings"
	"testing"
)

// layerNormBody is the body of ONNX's LayerNormalization function for X
// [2,3,4] at axis 1 (as the conformance tests expand it, folded).
const layerNormBody = `graph (%x:f32[2,3,4], %w:f32[3,4], %b:f32[3,4]) -> (%y, %mean, %inv) {
  opset "" 17
  %xshape = const i64[3] [2, 3, 4]
  %reduced = const i64[3] [2, 1, 1]
  %eps = const f32[] [0.001]
  %x2d:f32[2,12] = Flatten %x {axis=1}
  %m2d:f32[2,1] = ReduceMean %x2d {axes=[1]}
  %sq:f32[2,12] = Mul %x2d, %x2d
  %msq:f32[2,1] = ReduceMean %sq {axes=[1]}
  %sqm:f32[2,1] = Mul %m2d, %m2d
  %var:f32[2,1] = Sub %msq, %sqm
  %vare:f32[2,1] = Add %var, %eps
  %std:f32[2,1] = Sqrt %vare
  %dev:f32[2,12] = Sub %x2d, %m2d
  %norm:f32[2,12] = Div %dev, %std
  %w2d:f32[1,12] = Flatten %w {axis=0}
  %scaled:f32[2,12] = Mul %norm, %w2d
  %b2d:f32[1,12] = Flatten %b {axis=0}
  %biased:f32[2,12] = Add %scaled, %b2d
  %y:f32[2,3,4] = Reshape %biased, %xshape
  %inv2d:f32[2,1] = Reciprocal %std
  %mean:f32[2,1,1] = Reshape %m2d, %reduced
  %inv:f32[2,1,1] = Reshape %inv2d, %reduced
}`

func TestLayerNormalizationFusion(t *testing.T) {
	checkRewritesTol(t, runFusion(layerNormalizationFusion), 1e-5, []rewriteCase{
		{"axis 1 with Mean and InvStdDev", layerNormBody, `graph (%x:f32[2,3,4], %w:f32[3,4], %b:f32[3,4]) -> (%y, %mean, %inv) {
  opset "" 17
  %y:f32[2,3,4], %mean:f32[2,1,1], %inv:f32[2,1,1] = LayerNormalization %x, %w, %b {axis=1, epsilon=0.001, name="/LayerNormalization"}
}`, "fused LayerNormalization"},
		{"last axis, Y only, no bias", `graph (%x:f32[2,3,4], %w:f32[4]) -> (%y) {
  opset "" 18
  %xshape = const i64[3] [2, 3, 4]
  %axes = const i64[1] [1]
  %eps = const f32[] [1e-05]
  %x2d:f32[6,4] = Flatten %x {axis=-1}
  %m2d:f32[6,1] = ReduceMean %x2d, %axes
  %sq:f32[6,4] = Mul %x2d, %x2d
  %msq:f32[6,1] = ReduceMean %sq, %axes
  %sqm:f32[6,1] = Mul %m2d, %m2d
  %var:f32[6,1] = Sub %msq, %sqm
  %vare:f32[6,1] = Add %var, %eps
  %std:f32[6,1] = Sqrt %vare
  %dev:f32[6,4] = Sub %x2d, %m2d
  %norm:f32[6,4] = Div %dev, %std
  %w2d:f32[1,4] = Flatten %w {axis=0}
  %scaled:f32[6,4] = Mul %norm, %w2d
  %y:f32[2,3,4] = Reshape %scaled, %xshape
}`, `graph (%x:f32[2,3,4], %w:f32[4]) -> (%y) {
  opset "" 18
  %y:f32[2,3,4] = LayerNormalization %x, %w {axis=2, epsilon=1e-05, name="/LayerNormalization"}
}`, "fused LayerNormalization"},
	})
}

func TestLayerNormalizationFusionNeedsOpset17(t *testing.T) {
	before := strings.Replace(layerNormBody, `opset "" 17`, `opset "" 16`, 1)
	checkRewrites(t, runFusion(layerNormalizationFusion), []rewriteCase{{"opset 16 stays", before, before, ""}})
}

func TestRMSNormalizationFusion(t *testing.T) {
	body := `graph (%x:f32[2,3,4], %w:f32[3,4]) -> (%y) {
  opset "" 23
  %axes = const i64[2] [1, 2]
  %eps = const f32[] [1e-05]
  %sq:f32[2,3,4] = Mul %x, %x
  %ms:f32[2,1,1] = ReduceMean %sq, %axes
  %mse:f32[2,1,1] = Add %ms, %eps
  %rms:f32[2,1,1] = Sqrt %mse
  %n:f32[2,3,4] = Div %x, %rms
  %y:f32[2,3,4] = Mul %n, %w
}`
	checkRewritesTol(t, runFusion(rmsNormalizationFusion), 1e-5, []rewriteCase{
		{"axes 1 and 2", body, `graph (%x:f32[2,3,4], %w:f32[3,4]) -> (%y) {
  opset "" 23
  %y:f32[2,3,4] = RMSNormalization %x, %w {axis=1, epsilon=1e-05, name="/RMSNormalization"}
}`, "fused RMSNormalization"},
	})
	old := strings.Replace(body, `opset "" 23`, `opset "" 22`, 1)
	gap := strings.ReplaceAll(strings.Replace(body, `[1, 2]`, `[0, 2]`, 1), "[2,1,1]", "[1,3,1]")
	checkRewrites(t, runFusion(rmsNormalizationFusion), []rewriteCase{
		{"opset 22 stays", old, old, ""},
		{"axes 0 and 2 stay", gap, gap, ""},
	})
}
