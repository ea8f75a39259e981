package ir

import (
	"fmt"
	"strings"
	"testing"
)

// inferText parses a graph, runs InferShapes and returns the printed type
// of every value of the top-level graph by name.
func inferText(t *testing.T, text string) map[string]string {
	t.Helper()
	g := mustParse(t, text)
	if err := InferShapes(g); err != nil {
		t.Fatalf("InferShapes: %v\n%s", err, text)
	}
	types := map[string]string{}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			if o != nil {
				types[o.Name] = typeString(o)
			}
		}
	}
	return types
}

// Expected types are worked out by hand from the operator definitions in
// the ONNX spec (Operators.md), several from its examples.
var inferCases = []struct {
	name, opset, inputs, body string
	want                      map[string]string
}{
	{"broadcast", "17", "%a:f32[B,1,3], %b:f32[4,1], %s:f32[B,S], %t:f32[B,1], %u:f32[B], %v:f32[C], %w:f32[?], %c:f32[5]",
		`%y1 = Add %a, %b
  %y2 = Mul %s, %t
  %y3 = Sub %u, %v
  %y4 = Div %w, %c
  %y5 = Equal %a, %b
  %y6 = Where %y5, %a, %w
  %y7 = Sum %a, %b, %t
  %y8 = Pow %a, %w`,
		map[string]string{"y1": "f32[B,4,3]", "y2": "f32[B,S]", "y3": "f32[?]", "y4": "f32[5]",
			"y5": "bool[B,4,3]", "y6": "f32[B,4,3]", "y7": "f32[B,4,3]", "y8": "f32[B,1,3]"}},
	{"old broadcast", "6", "%a:f32[2,3,4], %b:f32[3]", `%y = Add %a, %b {axis=1, broadcast=1}`,
		map[string]string{"y": "f32[2,3,4]"}},
	{"cast", "17", "%x:f32[2,S], %h:f16[]", `%i = Cast %x {to=7}
  %l = CastLike %x, %h
  %b = Not %x
  %e = Erf %x`,
		map[string]string{"i": "i64[2,S]", "l": "f16[2,S]", "b": "f32[2,S]", "e": "f32[2,S]"}},
	{"matmul", "17", "%a:f32[B,S,768], %w:f32[768,3072], %v:f32[3], %m:f32[3,4], %t:f32[2,3,4], %u:f32[4], %p:f32[1,5,2,3], %q:f32[7,1,3,4]",
		`%y1 = MatMul %a, %w
  %y2 = MatMul %v, %m
  %y3 = MatMul %t, %u
  %y4 = MatMul %p, %q
  %y5 = MatMul %v, %v`,
		map[string]string{"y1": "f32[B,S,3072]", "y2": "f32[4]", "y3": "f32[2,3]", "y4": "f32[7,5,2,4]", "y5": "f32[]"}},
	{"gemm", "13", "%a:f32[4,3], %b:f32[5,4], %c:f32[5]", `%y = Gemm %a, %b, %c {transA=1, transB=1}`,
		map[string]string{"y": "f32[3,5]"}},
	{"normalization", "17", "%x:f16[B,S,8], %g:f16[8], %h:f16[8]",
		`%y, %mean, %istd = LayerNormalization %x, %g, %h {axis=-1}
  %y2, %m2 = LayerNormalization %x, %g {axis=1, stash_type=1}
  %s = Softmax %x {axis=1}
  %ls = LogSoftmax %x`,
		map[string]string{"y": "f16[B,S,8]", "mean": "f32[B,S,1]", "istd": "f32[B,S,1]", "m2": "f32[B,1,1]",
			"y2": "f16[B,S,8]", "s": "f16[B,S,8]", "ls": "f16[B,S,8]"}},
	{"rmsnorm and rotary", "23", "%x:f32[2,4,S,16], %g:f16[16], %c:f32[S,8]",
		`%y = RMSNormalization %x, %g
  %r = RotaryEmbedding %x, %c, %c
  %ge = Gelu %x {approximate="tanh"}`,
		map[string]string{"y": "f16[2,4,S,16]", "r": "f32[2,4,S,16]", "ge": "f32[2,4,S,16]"}},
	{"tfc linear", "17\n  opset \"ai.tfc\" 1", "%x:f32[B,S,64], %w:f32[64,96], %b:f32[96], %m:f32[7,64]",
		`%y = ai.tfc:Linear %x, %w, %b
  %z = ai.tfc:Linear %m, %w`,
		map[string]string{"y": "f32[B,S,96]", "z": "f32[7,96]"}},
	{"transpose", "13", "%x:f32[B,S,H,D]", `%y = Transpose %x {perm=[0, 2, 1, 3]}
  %z = Transpose %x`,
		map[string]string{"y": "f32[B,H,S,D]", "z": "f32[D,H,S,B]"}},
	{"reshape", "14", "%x:f32[B,S,768], %f:f32[2,3,4], %h:f32[B,S,12,64], %e:f32[0,4]",
		`%s1 = const i64[4] [0, 0, 12, 64]
  %s2 = const i64[2] [-1, 64]
  %s3 = const i64[2] [-1, 4]
  %s4 = const i64[3] [0, 0, -1]
  %s5 = const i64[2] [0, 3]
  %y1 = Reshape %x, %s1
  %y2 = Reshape %x, %s2
  %y3 = Reshape %f, %s3
  %y4 = Reshape %h, %s4
  %y5 = Reshape %e, %s5 {allowzero=1}`,
		map[string]string{"y1": "f32[B,S,12,64]", "y2": "f32[?,64]", "y3": "f32[6,4]", "y4": "f32[B,S,768]", "y5": "f32[0,3]"}},
	{"shape arithmetic", "13", "%x:f32[B,S,768], %buf:f32[1,512]",
		`%zero = const i64[] [0]
  %one = const i64[] [1]
  %ax = const i64[1] [0]
  %heads = const i64[2] [12, 64]
  %twelve = const i64[] [12]
  %s = Shape %x
  %b = Gather %s, %zero
  %l = Gather %s, %one
  %bu = Unsqueeze %b, %ax
  %lu = Unsqueeze %l, %ax
  %t = Concat %bu, %lu, %heads {axis=0}
  %y = Reshape %x, %t
  %c = Gather %s, %ax
  %d = Div %c, %c
  %h2 = Mul %twelve, %twelve
  %hu = Unsqueeze %h2, %ax
  %t2 = Concat %bu, %lu, %hu, %ax {axis=0}
  %z = Reshape %x, %t2 {allowzero=1}
  %e = Expand %twelve, %t
  %ax1 = const i64[1] [1]
  %pos = Slice %buf, %ax, %lu, %ax1
  %r = Range %zero, %l, %one
  %d0 = Sub %lu, %lu
  %pos2 = Slice %buf, %d0, %lu, %ax1
  %tail = Slice %buf, %lu, %lu, %ax1`,
		map[string]string{"s": "i64[3]", "b": "i64[]", "bu": "i64[1]", "t": "i64[4]", "y": "f32[B,S,12,64]",
			"c": "i64[1]", "d": "i64[1]", "z": "f32[B,S,144,0]", "e": "i64[B,S,12,64]",
			"pos": "f32[1,S]", "r": "i64[S]", "pos2": "f32[1,S]", "tail": "f32[1,?]"}},
	{"flatten squeeze unsqueeze", "11", "%x:f32[2,3,4,5], %b:f32[B,3,4], %s:f32[3,1,4]",
		`%f1 = Flatten %x {axis=2}
  %f2 = Flatten %b
  %f3 = Flatten %x {axis=0}
  %q1 = Squeeze %s {axes=[1]}
  %q2 = Squeeze %s
  %u1 = Unsqueeze %s {axes=[0, -1]}`,
		map[string]string{"f1": "f32[6,20]", "f2": "f32[B,12]", "f3": "f32[1,120]", "q1": "f32[3,4]", "q2": "f32[3,4]", "u1": "f32[1,3,1,4,1]"}},
	{"squeeze unsqueeze inputs", "13", "%s:f32[3,1,4], %t:f32[3,4], %n:i64[1]",
		`%a1 = const i64[1] [-2]
  %a2 = const i64[2] [0, 3]
  %q = Squeeze %s, %a1
  %u = Unsqueeze %t, %a2
  %v = Unsqueeze %t, %n`,
		map[string]string{"q": "f32[3,4]", "u": "f32[1,3,4,1]", "v": "f32"}},
	{"concat split", "18", "%a:f32[2,3], %b:f32[2,5], %c:f32[B,3], %d:f32[B,S], %x:f32[2,10]",
		`%y1 = Concat %a, %b {axis=1}
  %y2 = Concat %c, %d {axis=-1}
  %p1, %p2, %p3 = Split %x {axis=1, num_outputs=3}
  %sz = const i64[2] [3, 7]
  %q1, %q2 = Split %x, %sz {axis=-1}
  %r1, %r2 = Split %x`,
		map[string]string{"y1": "f32[2,8]", "y2": "f32[B,?]", "p1": "f32[2,4]", "p2": "f32[2,4]", "p3": "f32[2,2]",
			"q1": "f32[2,3]", "q2": "f32[2,7]", "r1": "f32[1,10]", "r2": "f32[1,10]"}},
	{"split attribute", "11", "%x:f32[6,2]", `%a, %b = Split %x {split=[2, 4]}`,
		map[string]string{"a": "f32[2,2]", "b": "f32[4,2]"}},
	{"slice", "13", "%x:f32[20,10,5], %y:f32[B,10]",
		`%st = const i64[2] [0, 0]
  %en = const i64[2] [3, 10]
  %ax = const i64[2] [0, 1]
  %sp = const i64[2] [1, 1]
  %s1 = Slice %x, %st, %en, %ax, %sp
  %m1 = const i64[1] [-1]
  %lo = const i64[1] [-1000]
  %s2 = Slice %x, %m1, %lo, _, %m1
  %z = const i64[1] [0]
  %big = const i64[1] [9223372036854775807]
  %one = const i64[1] [1]
  %s3 = Slice %y, %z, %big
  %s4 = Slice %y, %one, %big, %one
  %two = const i64[1] [2]
  %s5 = Slice %x, %one, %big, %two, %two`,
		map[string]string{"s1": "f32[3,10,5]", "s2": "f32[20,10,5]", "s3": "f32[B,10]", "s4": "f32[B,9]", "s5": "f32[20,10,2]"}},
	{"slice attributes", "9", "%x:f32[20,10,5]", `%s = Slice %x {axes=[1], ends=[-1], starts=[2]}`,
		map[string]string{"s": "f32[20,7,5]"}},
	{"gather expand", "13", "%x:f32[3,4,5], %i:i64[2,6], %e:f32[3,1], %ge:i64[3,2,5], %nd:i64[2,2]",
		`%g = Gather %x, %i {axis=1}
  %sh = const i64[3] [2, 1, 6]
  %ex = Expand %e, %sh
  %gel = GatherElements %x, %ge
  %gnd = GatherND %x, %nd`,
		map[string]string{"g": "f32[3,2,6,5]", "ex": "f32[2,3,6]", "gel": "f32[3,2,5]", "gnd": "f32[2,5]"}},
	{"shape ops", "17", "%x:f32[2,3,4,5]",
		`%s = Shape %x {end=-1, start=1}
  %n = Size %x
  %d = const i64[2] [2, 3]
  %c1 = ConstantOfShape %d {value=i32[1] [7]}
  %c2 = ConstantOfShape %d
  %a = const i64[] [1]
  %b = const i64[] [10]
  %c = const i64[] [3]
  %r1 = Range %a, %b, %c
  %fa = const f32[] [0.0]
  %fb = const f32[] [1.0]
  %fc = const f32[] [0.3]
  %r2 = Range %fa, %fb, %fc
  %r3 = Range %b, %a, %c`,
		map[string]string{"s": "i64[2]", "n": "i64[]", "c1": "i32[2,3]", "c2": "f32[2,3]", "r1": "i64[3]", "r2": "f32[4]", "r3": "i64[0]"}},
	{"reductions", "18", "%x:f32[2,3,4]",
		`%ax = const i64[1] [1]
  %r1 = ReduceSum %x, %ax {keepdims=0}
  %r2 = ReduceMean %x
  %r3 = ReduceMax %x {keepdims=0, noop_with_empty_axes=1}
  %r4 = ReduceL2 %x, %ax
  %am = ArgMax %x {axis=1, keepdims=0}
  %an = ArgMin %x {axis=-1}`,
		map[string]string{"r1": "f32[2,4]", "r2": "f32[1,1,1]", "r3": "f32[2,3,4]", "r4": "f32[2,1,4]", "am": "i64[2,4]", "an": "i64[2,3,1]"}},
	{"reductions with attributes", "13", "%x:f32[2,3,4]",
		`%r1 = ReduceMean %x {axes=[-1]}
  %ax = const i64[2] [0, 2]
  %r2 = ReduceSum %x, %ax {keepdims=0}`,
		map[string]string{"r1": "f32[2,3,1]", "r2": "f32[3]"}},
	{"convolution", "11", "%x:f32[1,1,5,5], %w:f32[1,1,3,3], %x7:f32[1,1,7,5], %xs:f32[1,1,H,W], %xb:f32[N,1,5,5], %wt:f32[1,2,3,3], %xt:f32[1,1,3,3]",
		`%c1 = Conv %x, %w {kernel_shape=[3, 3], pads=[1, 1, 1, 1]}
  %c2 = Conv %x, %w {pads=[1, 1, 1, 1], strides=[2, 2]}
  %c3 = Conv %x7, %w {pads=[1, 0, 1, 0], strides=[2, 2]}
  %c4 = Conv %xb, %w {auto_pad="SAME_UPPER", strides=[2, 2]}
  %c5 = Conv %x, %w {dilations=[2, 2]}
  %c6 = Conv %xs, %w {pads=[1, 1, 1, 1]}
  %c7 = Conv %xs, %w {pads=[1, 1, 1, 1], strides=[1, 2]}
  %t1 = ConvTranspose %xt, %wt
  %t2 = ConvTranspose %xt, %wt {output_padding=[1, 1], strides=[3, 2]}
  %t3 = ConvTranspose %xt, %wt {output_shape=[10, 8], strides=[3, 2]}`,
		map[string]string{"c1": "f32[1,1,5,5]", "c2": "f32[1,1,3,3]", "c3": "f32[1,1,4,2]", "c4": "f32[N,1,3,3]", "c5": "f32[1,1,1,1]", "c6": "f32[1,1,H,W]", "c7": "f32[1,1,H,?]",
			"t1": "f32[1,2,5,5]", "t2": "f32[1,2,10,8]", "t3": "f32[1,2,10,8]"}},
	{"pooling", "12", "%x:f32[1,1,4,4], %y:f32[1,3,32,32]",
		`%m, %i = MaxPool %x {ceil_mode=1, kernel_shape=[3, 3], strides=[2, 2]}
  %a = AveragePool %y {kernel_shape=[5, 5]}
  %p = AveragePool %y {kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]}
  %g = GlobalAveragePool %y`,
		map[string]string{"m": "f32[1,1,2,2]", "i": "i64[1,1,2,2]", "a": "f32[1,3,28,28]", "p": "f32[1,3,16,16]", "g": "f32[1,3,1,1]"}},
	{"same-shape ops", "18", "%x:f32[B,4], %k:i64[]",
		`%d, %mask = Dropout %x
  %i = Identity %x
  %t = Trilu %x, %k
  %c = CumSum %x, %k`,
		map[string]string{"d": "f32[B,4]", "mask": "bool[B,4]", "i": "f32[B,4]", "t": "f32[B,4]", "c": "f32[B,4]"}},
	{"pad tile topk", "18", "%x:f32[1,3,4,5], %m:f32[3,4]",
		`%p = const i64[8] [0, 0, 1, 1, 0, 0, 1, 1]
  %y = Pad %x, %p
  %ax = const i64[2] [2, -1]
  %p2 = const i64[4] [1, 0, 2, 3]
  %v = const f32[] [0.0]
  %y2 = Pad %x, %p2, %v, %ax
  %r = const i64[2] [2, 2]
  %t = Tile %m, %r
  %k = const i64[1] [2]
  %val, %idx = TopK %m, %k`,
		map[string]string{"y": "f32[1,3,6,7]", "y2": "f32[1,3,7,8]", "t": "f32[6,8]", "val": "f32[3,2]", "idx": "i64[3,2]"}},
	{"resize", "19", "%x:f32[1,1,2,4], %s:f32[N,C,H,W]",
		`%sc = const f32[4] [1.0, 1.0, 0.6, 0.6]
  %y1 = Resize %x, _, %sc
  %sz = const i64[4] [1, 1, 1, 3]
  %y2 = Resize %x, _, _, %sz {mode="nearest"}
  %sz2 = const i64[2] [1, 3]
  %y3 = Resize %x, _, _, %sz2 {axes=[2, 3]}
  %sc2 = const f32[2] [2.0, 1.0]
  %y4 = Resize %s, _, %sc2 {axes=[1, -1]}`,
		map[string]string{"y1": "f32[1,1,1,2]", "y2": "f32[1,1,1,3]", "y3": "f32[1,1,1,3]", "y4": "f32[N,?,H,W]"}},
	{"upsample", "7", "%x:f32[1,1,2,2]", `%y = Upsample %x {mode="nearest", scales=[1.0, 1.0, 2.0, 3.0]}`,
		map[string]string{"y": "f32[1,1,4,6]"}},
	{"pad attribute", "2", "%x:f32[2,2]", `%y = Pad %x {pads=[1, 0, 2, 3]}`,
		map[string]string{"y": "f32[5,5]"}},
	{"einsum", "12", "%a:f32[B,2,3], %b:f32[B,3,4], %m:f32[2,3], %n:f32[3,4], %e:f32[5,2,3], %v:f32[3]",
		`%y1 = Einsum %a, %b {equation="bij,bjk->bik"}
  %y2 = Einsum %m, %n {equation="ij,jk"}
  %y3 = Einsum %e {equation="...ij->...ji"}
  %y4 = Einsum %v, %v {equation="i,i->"}
  %y5 = Einsum %m {equation="ij->i"}`,
		map[string]string{"y1": "f32[B,2,4]", "y2": "f32[2,4]", "y3": "f32[5,3,2]", "y4": "f32[]", "y5": "f32[2]"}},
	{"attention", "23", "%q:f32[2,4,64], %k:f32[2,6,32], %v:f32[2,6,48], %q4:f32[2,3,4,8], %k4:f32[2,3,6,8], %v4:f32[2,3,6,8], %pk:f32[2,3,12,8]",
		`%y, %pkey, %pval = Attention %q, %k, %v {kv_num_heads=2, q_num_heads=4}
  %y4, %pk4, %pv4, %qk = Attention %q4, %k4, %v4, _, %pk, %pk`,
		map[string]string{"y": "f32[2,4,96]", "pkey": "f32[2,2,6,16]", "pval": "f32[2,2,6,24]",
			"y4": "f32[2,3,4,8]", "pk4": "f32[2,3,18,8]", "pv4": "f32[2,3,18,8]", "qk": "f32[2,3,4,18]"}},
	{"recurrent, losses, grid sampling", "14", "%x:f32[5,3,4], %xb:f32[3,5,4], %w:f32[2,24,4], %r:f32[2,24,6], %in:f32[3,5,2], %t:i64[3,2]",
		`%y, %yh, %yc = LSTM %x, %w, %r {direction="bidirectional", hidden_size=6}
  %yb, %ybh = GRU %xb, %w, %r {direction="bidirectional", hidden_size=6, layout=1}
  %l1 = NegativeLogLikelihoodLoss %in, %t {reduction="none"}
  %l2 = NegativeLogLikelihoodLoss %in, %t
  %l3, %lp = SoftmaxCrossEntropyLoss %in, %t {reduction="sum"}`,
		map[string]string{"y": "f32[5,2,3,6]", "yh": "f32[2,3,6]", "yc": "f32[2,3,6]", "yb": "f32[3,5,2,6]", "ybh": "f32[3,2,6]",
			"l1": "f32[3,2]", "l2": "f32[]", "l3": "f32[]", "lp": "f32[3,5,2]"}},
	{"grid sample", "16", "%img:f32[1,3,4,4], %grid:f32[1,6,7,2]", `%g = GridSample %img, %grid`,
		map[string]string{"g": "f32[1,3,6,7]"}},
	{"no rule: dtype from constraints", "17", "%x:f32[2,3], %s:string[2]",
		`%n = NonZero %x
  %u, %ui, %inv, %cnt = Unique %x
  %sn = StringNormalizer %s
  %sz = const i64[] [10]
  %bs = BlackmanWindow %sz {output_datatype=11}
  %hw = HannWindow %cnt
  %rn = RandomNormal {shape=[2, 3]}
  %ru = RandomUniform {dtype=10, shape=[4]}`,
		map[string]string{"n": "i64[2,?]", "u": "f32", "ui": "i64", "inv": "i64", "cnt": "i64", "sn": "string", "bs": "f64[10]",
			"hw": "f32[?]", "rn": "f32[2,3]", "ru": "f16[4]"}},
}

func TestInferShapes(t *testing.T) {
	for _, c := range inferCases {
		t.Run(c.name, func(t *testing.T) {
			text := fmt.Sprintf("graph g(%s) -> () {\n  opset \"\" %s\n  %s\n}", c.inputs, c.opset, c.body)
			got := inferText(t, text)
			for name, want := range c.want {
				if got[name] != want {
					t.Errorf("%%%s: got %q, want %q", name, got[name], want)
				}
			}
		})
	}
}

func TestInferNestedGraphs(t *testing.T) {
	g := mustParse(t, `graph g(%c:bool[], %x:f32[2,3], %n:i64[], %y0:f32[3]) -> (%r, %yf, %scan) {
  opset "" 17
  %r = If %c {
    else_branch=graph e() -> (%b) {
      %b = Neg %x
    },
    then_branch=graph t() -> (%a) {
      %a = Abs %x
    },
  }
  %yf, %scan = Loop %n, _, %y0 {
    body=graph body(%i, %cond, %y) -> (%cond, %y2, %s) {
      %y2 = Add %y, %y
      %s = Shape %y2
    },
  }
}`)
	if err := InferShapes(g); err != nil {
		t.Fatal(err)
	}
	body := g.Nodes[1].Attrs["body"].Graph
	for v, want := range map[*Value]string{g.Outputs[0]: "f32[2,3]", g.Outputs[1]: "f32", g.Outputs[2]: "i64[?,?]",
		body.Inputs[0]: "i64[]", body.Inputs[1]: "bool[]", body.Inputs[2]: "f32", body.Nodes[1].Outputs[0]: "i64[?]"} {
		if got := typeString(v); got != want {
			t.Errorf("%%%s: got %q, want %q", v.Name, got, want)
		}
	}
}

// The Scan cases follow the scan9_sum example of Operators.md.
func TestInferScan(t *testing.T) {
	g := mustParse(t, `graph g(%init:f32[2], %x:f32[3,2]) -> (%y, %z, %zt) {
  opset "" 11
  %y, %z, %zt = Scan %init, %x {
    body=graph body(%sum_in:f32[2], %next) -> (%sum_out, %scan_out, %scan_out) {
      %sum_out = Add %sum_in, %next
      %scan_out = Identity %sum_out
    },
    num_scan_inputs=1,
    scan_output_axes=[0, 1],
  }
}`)
	if err := InferShapes(g); err != nil {
		t.Fatal(err)
	}
	body := g.Nodes[0].Attrs["body"].Graph
	for v, want := range map[*Value]string{g.Outputs[0]: "f32[2]", g.Outputs[1]: "f32[3,2]", g.Outputs[2]: "f32[2,3]",
		body.Inputs[1]: "f32[2]"} {
		if got := typeString(v); got != want {
			t.Errorf("%%%s: got %q, want %q", v.Name, got, want)
		}
	}
}

func TestInferErrors(t *testing.T) {
	cases := []struct{ body, want string }{
		{`%y = Add %x, %v {name="x"}`, `Add "x": shapes [2,3] and [4] cannot be broadcast`},
		{`%y = Gather %x, %i {axis=3}`, `Gather (unnamed): axis 3 is out of range for rank 2`},
		{`%y = Concat %x, %v {axis=0}`, `inputs of shapes [2,3] and [4] have different ranks`},
		{`%y = MatMul %x, %x`, `shapes [2,3] and [2,3] cannot be multiplied`},
		{`%s = const i64[1] [5]` + "\n  " + `%y = Reshape %x, %s`, `cannot reshape [2,3] to [5]`},
		{`%y = Transpose %x {perm=[0, 0]}`, `axis 0 repeats in [0 0]`},
		{`%y:f32[2,4] = Relu %x {name="r"}`, `Relu "r": output %y is declared [2,4] but infers as [2,3]`},
		{`%y = Cast %x {to=99}`, `attribute to=99 is not a known element type`},
		{`%y = Squeeze %x, %i`, ``},
		{`%a = const i64[1] [0]` + "\n  " + `%y = Squeeze %x, %a`, `cannot squeeze axis 0 of shape [2,3]`},
		{`%s = const i64[2] [5, 5]` + "\n  " + `%y1, %y2 = Split %x, %s {axis=1}`, `split [5 5] does not add up to dim 1 of shape [2,3]`},
		{`%y = Conv %x, %x`, `input shape [2,3] has no spatial dims`},
		{`%y = Einsum %x {equation="ij,jk->ik"}`, `equation "ij,jk->ik" has 2 operands, node has 1 inputs`},
	}
	for _, c := range cases {
		text := "graph g(%x:f32[2,3], %v:f32[4], %i:i64[]) -> () {\n  opset \"\" 17\n  " + c.body + "\n}"
		err := InferShapes(mustParse(t, text))
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: unexpected error %v", c.body, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.body, err, c.want)
		}
	}
}

// TestInferNeverPanics runs every rule on nonsense: inputs of odd ranks
// and dims, missing inputs, and out-of-range attributes.
func TestInferNeverPanics(t *testing.T) {
	shapes := []Shape{UnrankedShape, ranked(), ShapeOf(0), ShapeOf(2, 3), ranked(UnknownDim, Symbol("B"), Fixed(1)),
		ShapeOf(1, 1, 1, 1, 1, 1), ShapeOf(MaxElements, MaxElements)}
	consts := []*Tensor{nil, Scalar(Int64, -5), MustTensor(Int64, []int64{3}), MustTensor(Int64, []int64{0})}
	attrSets := []map[string]*Attr{
		nil,
		{"axis": {Kind: AttrInt, Int: 1 << 40}, "perm": {Kind: AttrInts, Ints: []int64{7, -9}}, "to": {Kind: AttrInt, Int: -1}},
		{"kernel_shape": {Kind: AttrInts, Ints: []int64{0, -1}}, "pads": {Kind: AttrInts}, "strides": {Kind: AttrInts, Ints: []int64{0}},
			"auto_pad": {Kind: AttrString, String: "BOGUS"}, "equation": {Kind: AttrString, String: "...a...,->"},
			"axes": {Kind: AttrInts, Ints: []int64{0, 0, 99}}, "split": {Kind: AttrInts, Ints: []int64{-1}},
			"blocksize": {Kind: AttrInt, Int: -2}, "value": {Kind: AttrTensor}, "then_branch": {Kind: AttrGraph}},
	}
	for name := range opRules {
		domain, op := "", name
		if i := strings.LastIndex(name, ":"); i >= 0 {
			domain, op = name[:i], name[i+1:]
		}
		for _, s := range LookupOps(domain, op) {
			for _, attrs := range attrSets {
				for k := 0; k < len(shapes)*len(consts); k++ {
					n := &Node{Op: op, Domain: domain, Version: s.Since, Attrs: attrs}
					for j := 0; j < 5; j++ {
						sh := shapes[(k+j)%len(shapes)]
						v := &Value{Name: fmt.Sprint(j), DType: Int64, Shape: sh, Const: consts[(k/len(shapes)+j)%len(consts)]}
						if j == 2 && k%3 == 0 {
							v = nil
						}
						n.Inputs = append(n.Inputs, v)
					}
					for j := 0; j < 3; j++ {
						n.Outputs = append(n.Outputs, &Value{Name: fmt.Sprint("o", j), Producer: n})
					}
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Fatalf("%s-%d panics on inputs %v: %v", name, s.Since, n.Inputs, r)
							}
						}()
						_ = InferShapes(&Graph{Nodes: []*Node{n}})
					}()
				}
			}
		}
	}
}
