package passes

import "testing"

func TestSoftmaxFusion(t *testing.T) {
	checkRewritesTol(t, runFusion(softmaxFusion), 1e-6, []rewriteCase{
		{"opset 13, middle axis", `graph (%x:f32[2,3,4]) -> (%y) {
  opset "" 13
  %a = const i64[1] [1]
  %m:f32[2,1,4] = ReduceMax %x {axes=[1]}
  %d:f32[2,3,4] = Sub %x, %m
  %e:f32[2,3,4] = Exp %d
  %s:f32[2,1,4] = ReduceSum %e, %a
  %y:f32[2,3,4] = Div %e, %s
}`, `graph (%x:f32[2,3,4]) -> (%y) {
  opset "" 13
  %y:f32[2,3,4] = Softmax %x {axis=1, name="/Softmax"}
}`, "fused Softmax"},
		{"opset 18, last axis as -1", `graph (%x:f32[2,5]) -> (%y) {
  opset "" 18
  %a = const i64[1] [-1]
  %m:f32[2,1] = ReduceMax %x, %a
  %d:f32[2,5] = Sub %x, %m
  %e:f32[2,5] = Exp %d
  %s:f32[2,1] = ReduceSum %e, %a
  %y:f32[2,5] = Div %e, %s
}`, `graph (%x:f32[2,5]) -> (%y) {
  opset "" 18
  %y:f32[2,5] = Softmax %x {axis=-1, name="/Softmax"}
}`, "fused Softmax"},
		{"opset 11, last axis", `graph (%x:f32[2,5]) -> (%y) {
  opset "" 11
  %m:f32[2,1] = ReduceMax %x {axes=[1]}
  %d:f32[2,5] = Sub %x, %m
  %e:f32[2,5] = Exp %d
  %s:f32[2,1] = ReduceSum %e {axes=[1]}
  %y:f32[2,5] = Div %e, %s
}`, `graph (%x:f32[2,5]) -> (%y) {
  opset "" 11
  %y:f32[2,5] = Softmax %x {axis=-1, name="/Softmax"}
}`, "fused Softmax"},
		{"opset 11, other axis stays (Softmax-11 flattens)", `graph (%x:f32[2,5]) -> (%y) {
  opset "" 11
  %m:f32[1,5] = ReduceMax %x {axes=[0]}
  %d:f32[2,5] = Sub %x, %m
  %e:f32[2,5] = Exp %d
  %s:f32[1,5] = ReduceSum %e {axes=[0]}
  %y:f32[2,5] = Div %e, %s
}`, `graph (%x:f32[2,5]) -> (%y) {
  opset "" 11
  %m:f32[1,5] = ReduceMax %x {axes=[0]}
  %d:f32[2,5] = Sub %x, %m
  %e:f32[2,5] = Exp %d
  %s:f32[1,5] = ReduceSum %e {axes=[0]}
  %y:f32[2,5] = Div %e, %s
}`, ""},
		{"different axes stay", `graph (%x:f32[2,5]) -> (%y) {
  opset "" 13
  %m:f32[1,5] = ReduceMax %x {axes=[0]}
  %d:f32[2,5] = Sub %x, %m
  %e:f32[2,5] = Exp %d
  %a = const i64[1] [1]
  %s:f32[2,1] = ReduceSum %e, %a
  %y:f32[2,5] = Div %e, %s
}`, `graph (%x:f32[2,5]) -> (%y) {
  opset "" 13
  %a = const i64[1] [1]
  %m:f32[1,5] = ReduceMax %x {axes=[0]}
  %d:f32[2,5] = Sub %x, %m
  %e:f32[2,5] = Exp %d
  %s:f32[2,1] = ReduceSum %e, %a
  %y:f32[2,5] = Div %e, %s
}`, ""},
		{"an intermediate read elsewhere stays", `graph (%x:f32[2,5]) -> (%y, %e) {
  opset "" 13
  %a = const i64[1] [1]
  %m:f32[2,1] = ReduceMax %x {axes=[1]}
  %d:f32[2,5] = Sub %x, %m
  %e:f32[2,5] = Exp %d
  %s:f32[2,1] = ReduceSum %e, %a
  %y:f32[2,5] = Div %e, %s
}`, `graph (%x:f32[2,5]) -> (%y, %e) {
  opset "" 13
  %a = const i64[1] [1]
  %m:f32[2,1] = ReduceMax %x {axes=[1]}
  %d:f32[2,5] = Sub %x, %m
  %e:f32[2,5] = Exp %d
  %s:f32[2,1] = ReduceSum %e, %a
  %y:f32[2,5] = Div %e, %s
}`, ""},
	})
}

func TestLogSoftmaxFusion(t *testing.T) {
	checkRewritesTol(t, runFusion(logSoftmaxFusion), 1e-6, []rewriteCase{
		{"opset 13, first axis", `graph (%x:f32[3,4]) -> (%y) {
  opset "" 13
  %a = const i64[1] [0]
  %m:f32[1,4] = ReduceMax %x {axes=[0]}
  %d:f32[3,4] = Sub %x, %m
  %e:f32[3,4] = Exp %d
  %s:f32[1,4] = ReduceSum %e, %a
  %l:f32[1,4] = Log %s
  %y:f32[3,4] = Sub %d, %l
}`, `graph (%x:f32[3,4]) -> (%y) {
  opset "" 13
  %y:f32[3,4] = LogSoftmax %x {axis=0, name="/LogSoftmax"}
}`, "fused LogSoftmax"},
	})
}
