package passes

import "testing"

func TestDivToMul(t *testing.T) {
	checkRewrites(t, divToMul, []rewriteCase{
		{"power of two", `graph (%x:f32[2,3]) -> (%y) {
  opset "" 17
  %c = const f32[] [4.0]
  %y:f32[2,3] = Div %x, %c
}`, `graph (%x:f32[2,3]) -> (%y) {
  opset "" 17
  %c_reciprocal = const f32[] [0.25]
  %y:f32[2,3] = Mul %x, %c_reciprocal
}`, "Div by power of two to Mul"},
		{"powers of two per column, negative and tiny", `graph (%x:f32[2,3]) -> (%y) {
  opset "" 17
  %c = const f32[3] [-0.5, 1024.0, 1.1754943508222875e-38]
  %y:f32[2,3] = Div %x, %c
}`, `graph (%x:f32[2,3]) -> (%y) {
  opset "" 17
  %c_reciprocal = const f32[3] [-2.0, 0.0009765625, 8.507059173023462e+37]
  %y:f32[2,3] = Mul %x, %c_reciprocal
}`, "Div by power of two to Mul"},
		{"f16", `graph (%x:f16[4]) -> (%y) {
  opset "" 17
  %c = const f16[] [8.0]
  %y:f16[4] = Div %x, %c
}`, `graph (%x:f16[4]) -> (%y) {
  opset "" 17
  %c_reciprocal = const f16[] [0.125]
  %y:f16[4] = Mul %x, %c_reciprocal
}`, "Div by power of two to Mul"},
		{"√2 stays (inexact)", `graph (%x:f32[2]) -> (%y) {
  opset "" 17
  %c = const f32[] [1.4142135381698608]
  %y:f32[2] = Div %x, %c
}`, `graph (%x:f32[2]) -> (%y) {
  opset "" 17
  %c = const f32[] [1.4142135381698608]
  %y:f32[2] = Div %x, %c
}`, ""},
		{"reciprocal out of range stays", `graph (%x:f32[2]) -> (%y) {
  opset "" 17
  %c = const f32[] [1e-45]
  %y:f32[2] = Div %x, %c
}`, `graph (%x:f32[2]) -> (%y) {
  opset "" 17
  %c = const f32[] [1e-45]
  %y:f32[2] = Div %x, %c
}`, ""},
		{"integer division stays", `graph (%x:i64[2]) -> (%y) {
  opset "" 17
  %c = const i64[] [2]
  %y:i64[2] = Div %x, %c
}`, `graph (%x:i64[2]) -> (%y) {
  opset "" 17
  %c = const i64[] [2]
  %y:i64[2] = Div %x, %c
}`, ""},
		{"inside an If branch (dce keeps a nested graph's dead constants)", `graph (%x:f32[2], %b:bool[]) -> (%y) {
  opset "" 17
  %y:f32[2] = If %b {else_branch=graph e() -> (%x) {
  }, then_branch=graph t() -> (%q) {
    %c = const f32[] [2.0]
    %q:f32[2] = Div %x, %c
  }}
}`, `graph (%x:f32[2], %b:bool[]) -> (%y) {
  opset "" 17
  %y:f32[2] = If %b {else_branch=graph e() -> (%x) {
  }, then_branch=graph t() -> (%q) {
    %c = const f32[] [2.0]
    %c_reciprocal = const f32[] [0.5]
    %q:f32[2] = Mul %x, %c_reciprocal
  }}
}`, "Div by power of two to Mul"},
		{"computed divisor stays", `graph (%x:f32[2], %d:f32[2]) -> (%y) {
  opset "" 17
  %y:f32[2] = Div %x, %d
}`, `graph (%x:f32[2], %d:f32[2]) -> (%y) {
  opset "" 17
  %y:f32[2] = Div %x, %d
}`, ""},
	})
}
