package passes

import "testing"

func TestCanonicalize(t *testing.T) {
	checkRewrites(t, canonicalize, []rewriteCase{
		{"CastLike to the same type", `graph (%x:f32[3]) -> (%y) {
  opset "" 20
  %h = const f32[] [0.5]
  %c:f32[] = CastLike %h, %x
  %y:f32[3] = Mul %c, %x
}`, `graph (%x:f32[3]) -> (%y) {
  opset "" 20
  %h = const f32[] [0.5]
  %y:f32[3] = Mul %h, %x
}`, "removed no-op CastLike"},
		{"CastLike to another type stays", `graph (%x:f16[3]) -> (%y) {
  opset "" 20
  %h = const f32[] [0.5]
  %c:f16[] = CastLike %h, %x
  %y:f16[3] = Mul %c, %x
}`, `graph (%x:f16[3]) -> (%y) {
  opset "" 20
  %h = const f32[] [0.5]
  %c:f16[] = CastLike %h, %x
  %y:f16[3] = Mul %c, %x
}`, ""},
		{"Sum of two to Add", `graph (%x:f32[3], %z:f32[3]) -> (%y) {
  opset "" 20
  %s:f32[3] = Sum %x, %z
  %y:f32[3] = Relu %s
}`, `graph (%x:f32[3], %z:f32[3]) -> (%y) {
  opset "" 20
  %s:f32[3] = Add %x, %z
  %y:f32[3] = Relu %s
}`, "Sum of two to Add"},
		{"Sum of one", `graph (%x:f32[3]) -> (%y) {
  opset "" 20
  %s:f32[3] = Sum %x
  %y:f32[3] = Relu %s
}`, `graph (%x:f32[3]) -> (%y) {
  opset "" 20
  %y:f32[3] = Relu %x
}`, "removed Sum of one"},
		{"Sum of three stays", `graph (%x:f32[3]) -> (%y) {
  opset "" 20
  %y:f32[3] = Sum %x, %x, %x
}`, `graph (%x:f32[3]) -> (%y) {
  opset "" 20
  %y:f32[3] = Sum %x, %x, %x
}`, ""},
	})
}
