package passes

import "testing"

func TestSimplifyMatMul(t *testing.T) {
	checkRewrites(t, simplifyMatMul, []rewriteCase{
		{"MatMul by a transposed matrix becomes Gemm transB", `graph (%a:f32[2,3], %b:f32[4,3]) -> (%y) {
  opset "" 17
  %t:f32[3,4] = Transpose %b {perm=[1, 0]}
  %y:f32[2,4] = MatMul %a, %t
}`, `graph (%a:f32[2,3], %b:f32[4,3]) -> (%y) {
  opset "" 17
  %y:f32[2,4] = Gemm %a, %b {transB=1}
}`, "folded Transpose into Gemm"},
		{"MatMul of a transposed matrix stays (no fast transA)", `graph (%a:f32[3,2], %b:f32[3,4]) -> (%y) {
  opset "" 17
  %t:f32[2,3] = Transpose %a
  %y:f32[2,4] = MatMul %t, %b
}`, `graph (%a:f32[3,2], %b:f32[3,4]) -> (%y) {
  opset "" 17
  %t:f32[2,3] = Transpose %a
  %y:f32[2,4] = MatMul %t, %b
}`, ""},
		{"batched MatMul by a transposed weight reads the transposed constant", `graph (%a:f32[2,2,3]) -> (%y) {
  opset "" 17
  %w = const f32[2,3] [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
  %t:f32[3,2] = Transpose %w {perm=[1, 0]}
  %y:f32[2,2,2] = MatMul %a, %t
}`, `graph (%a:f32[2,2,3]) -> (%y) {
  opset "" 17
  %w_transposed = const f32[3,2] [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
  %y:f32[2,2,2] = MatMul %a, %w_transposed
}`, "transposed MatMul weights"},
		{"batched MatMul by a computed Transpose stays (attention's Q·Kᵀ)", `graph (%q:f32[2,4,3], %k:f32[2,4,3]) -> (%y) {
  opset "" 17
  %t:f32[2,3,4] = Transpose %k {perm=[0, 2, 1]}
  %y:f32[2,4,4] = MatMul %q, %t
}`, `graph (%q:f32[2,4,3], %k:f32[2,4,3]) -> (%y) {
  opset "" 17
  %t:f32[2,3,4] = Transpose %k {perm=[0, 2, 1]}
  %y:f32[2,4,4] = MatMul %q, %t
}`, ""},
		{"Gemm of Transposes toggles transB, keeps A's Transpose", `graph (%a:f32[3,2], %b:f32[3,4], %c:f32[4]) -> (%y) {
  opset "" 17
  %ta:f32[2,3] = Transpose %a {perm=[1, 0]}
  %tb:f32[4,3] = Transpose %b {perm=[1, 0]}
  %y:f32[2,4] = Gemm %ta, %tb, %c {alpha=0.5, transB=1}
}`, `graph (%a:f32[3,2], %b:f32[3,4], %c:f32[4]) -> (%y) {
  opset "" 17
  %ta:f32[2,3] = Transpose %a {perm=[1, 0]}
  %y:f32[2,4] = Gemm %ta, %b, %c {alpha=0.5, transB=0}
}`, "folded Transpose into Gemm"},
		{"Gemm transB of a weight reads the transposed weight (for Linear)", `graph (%a:f32[2,3]) -> (%y) {
  opset "" 17
  %w = const f32[2,3] [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
  %b = const f32[2] [0.5, -0.5]
  %y:f32[2,2] = Gemm %a, %w, %b {transB=1}
}`, `graph (%a:f32[2,3]) -> (%y) {
  opset "" 17
  %b = const f32[2] [0.5, -0.5]
  %w_transposed = const f32[3,2] [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
  %y:f32[2,2] = Gemm %a, %w_transposed, %b
}`, "transposed Gemm weights"},
		{"a Transpose of other axes stays", `graph (%a:f32[2,3,4], %b:f32[2,3,4]) -> (%y) {
  opset "" 17
  %t:f32[4,3,2] = Transpose %b {perm=[2, 1, 0]}
  %r = const i64[3] [2, 4, 3]
  %u:f32[2,4,3] = Reshape %t, %r
  %y:f32[2,3,3] = MatMul %a, %u
}`, `graph (%a:f32[2,3,4], %b:f32[2,3,4]) -> (%y) {
  opset "" 17
  %r = const i64[3] [2, 4, 3]
  %t:f32[4,3,2] = Transpose %b {perm=[2, 1, 0]}
  %u:f32[2,4,3] = Reshape %t, %r
  %y:f32[2,3,3] = MatMul %a, %u
}`, ""},
	})
}
