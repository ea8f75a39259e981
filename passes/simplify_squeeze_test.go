package passes

import "testing"

func TestSimplifySqueeze(t *testing.T) {
	checkRewrites(t, simplifySqueeze, []rewriteCase{
		{"Unsqueeze then Squeeze", `graph (%x:f32[2,3]) -> (%y) {
  opset "" 17
  %a = const i64[2] [0, -1]
  %u:f32[1,2,3,1] = Unsqueeze %x, %a
  %s:f32[2,3] = Squeeze %u, %a
  %y:f32[2,3] = Relu %s
}`, `graph (%x:f32[2,3]) -> (%y) {
  opset "" 17
  %y:f32[2,3] = Relu %x
}`, "removed Unsqueeze/Squeeze pairs"},
		{"Squeeze then Unsqueeze (opset 11 attributes)", `graph (%x:f32[2,1,3]) -> (%y) {
  opset "" 11
  %s:f32[2,3] = Squeeze %x {axes=[-2]}
  %u:f32[2,1,3] = Unsqueeze %s {axes=[1]}
  %y:f32[2,1,3] = Relu %u
}`, `graph (%x:f32[2,1,3]) -> (%y) {
  opset "" 11
  %y:f32[2,1,3] = Relu %x
}`, "removed Unsqueeze/Squeeze pairs"},
		{"Unsqueeze of Unsqueeze at the front", `graph (%x:f32[2,3]) -> (%y) {
  opset "" 17
  %a = const i64[1] [0]
  %b = const i64[1] [1]
  %u:f32[1,2,3] = Unsqueeze %x, %a
  %y:f32[1,1,2,3] = Unsqueeze %u, %b
}`, `graph (%x:f32[2,3]) -> (%y) {
  opset "" 17
  %y_axes = const i64[2] [0, 1]
  %y:f32[1,1,2,3] = Unsqueeze %x, %y_axes
}`, "merged Unsqueezes"},
		{"Unsqueeze of Unsqueeze (BERT's mask)", `graph (%x:i64[2,5]) -> (%y) {
  opset "" 17
  %a = const i64[1] [1]
  %b = const i64[1] [2]
  %u:i64[2,1,5] = Unsqueeze %x, %a
  %v:i64[2,1,1,5] = Unsqueeze %u, %b
  %y:f32[2,1,1,5] = Cast %v {to=1}
}`, `graph (%x:i64[2,5]) -> (%y) {
  opset "" 17
  %v_axes = const i64[2] [1, 2]
  %v:i64[2,1,1,5] = Unsqueeze %x, %v_axes
  %y:f32[2,1,1,5] = Cast %v {to=1}
}`, "merged Unsqueezes"},
		{"Unsqueeze of Unsqueeze, interleaved axes", `graph (%x:f32[2,3]) -> (%y) {
  opset "" 11
  %u:f32[2,1,3,1] = Unsqueeze %x {axes=[1, -1]}
  %y:f32[1,2,1,3,1,1] = Unsqueeze %u {axes=[0, 5]}
}`, `graph (%x:f32[2,3]) -> (%y) {
  opset "" 11
  %y:f32[1,2,1,3,1,1] = Unsqueeze %x {axes=[0, 2, 4, 5]}
}`, "merged Unsqueezes"},
		{"different axes stay", `graph (%x:f32[2,1,3]) -> (%y) {
  opset "" 17
  %a = const i64[1] [0]
  %b = const i64[1] [2]
  %u:f32[1,2,1,3] = Unsqueeze %x, %a
  %y:f32[1,2,3] = Squeeze %u, %b
}`, `graph (%x:f32[2,1,3]) -> (%y) {
  opset "" 17
  %a = const i64[1] [0]
  %b = const i64[1] [2]
  %u:f32[1,2,1,3] = Unsqueeze %x, %a
  %y:f32[1,2,3] = Squeeze %u, %b
}`, ""},
		{"graph output stays", `graph (%x:f32[2,3]) -> (%y) {
  opset "" 17
  %a = const i64[1] [0]
  %u:f32[1,2,3] = Unsqueeze %x, %a
  %y:f32[2,3] = Squeeze %u, %a
}`, `graph (%x:f32[2,3]) -> (%y) {
  opset "" 17
  %a = const i64[1] [0]
  %u:f32[1,2,3] = Unsqueeze %x, %a
  %y:f32[2,3] = Squeeze %u, %a
}`, ""},
	})
}
