package cuda

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/ir"
)

// block is a transformer block in the ops the CUDA target runs.
const block = `graph block(%x:f32[2,8,16], %ids:i64[2,8]) -> (%y) {
  opset "" 17
  opset "ai.tfc" 1
  %emb = const f32[4,16] [` + "%EMB%" + `]
  %w = const f32[16,16] [` + "%W%" + `]
  %b = const f32[16] [` + "%B%" + `]
  %g = const f32[16] [` + "%B%" + `]
  %e:f32[2,8,16] = Gather %ids, %ids
  %h:f32[2,8,16] = ai.tfc:Linear %x, %w, %b
  %a:f32[2,8,16] = ai.tfc:Attention %h, %h, %h {num_heads=2, scale=0.25, causal=1}
  %s, %sum = ai.tfc:SkipLayerNorm %a, %x, %g, %b
  %t = ai.tfc:BiasGelu %s, %b
  %u = Softmax %t {axis=-1}
  %v = Transpose %u {perm=[0, 2, 1]}
  %y = Reshape %v, %shape
}`

func TestBroadcast(t *testing.T) {
	for _, c := range []struct {
		out, a, b     []int64
		shape, sa, sb []int64
	}{
		{[]int64{4, 3, 8}, []int64{4, 3, 8}, []int64{4, 3, 8}, []int64{96}, []int64{1}, []int64{1}},
		{[]int64{4, 3, 8}, []int64{4, 3, 8}, []int64{8}, []int64{12, 8}, []int64{8, 1}, []int64{0, 1}},
		{[]int64{2, 1, 5}, []int64{1}, []int64{2, 1, 5}, []int64{10}, []int64{0}, []int64{1}},
		{[]int64{3, 4}, []int64{3, 1}, []int64{1, 4}, []int64{3, 4}, []int64{1, 0}, []int64{0, 1}},
	} {
		s, err := broadcast(c.out, c.a, c.b)
		if err != nil {
			t.Fatal(err)
		}
		r := int(s.Rank)
		if s.N != numel(c.out) || !slices.Equal(s.Shape[:r], c.shape) || !slices.Equal(s.SA[:r], c.sa) || !slices.Equal(s.SB[:r], c.sb) {
			t.Errorf("broadcast(%v, %v, %v) = %+v", c.out, c.a, c.b, s)
		}
	}
	if _, err := broadcast([]int64{3, 4}, []int64{2, 4}, []int64{4}); err == nil {
		t.Error("[2,4] broadcast to [3,4]")
	}
	if _, err := broadcast(make([]int64, 8), nil, nil); err != nil {
		t.Errorf("rank 8 of zero dims: %v", err)
	}
}

func TestGemmOf(t *testing.T) {
	for _, c := range []struct {
		a, b           []int64
		m, n, k, batch int
		sa, sb, sc     int64
	}{
		{[]int64{2, 8, 16}, []int64{16, 32}, 16, 32, 16, 1, 0, 512, 0},
		{[]int64{2, 3, 8, 16}, []int64{2, 3, 16, 4}, 8, 4, 16, 6, 128, 64, 32},
		{[]int64{8, 16}, []int64{5, 16, 4}, 8, 4, 16, 5, 0, 64, 32},
	} {
		g, err := gemmOf(c.a, c.b)
		if err != nil {
			t.Fatal(err)
		}
		if g.m != c.m || g.n != c.n || g.k != c.k || g.batch != c.batch || g.strideA != c.sa || g.strideB != c.sb || g.strideC != c.sc {
			t.Errorf("gemmOf(%v, %v) = %+v", c.a, c.b, *g)
		}
	}
	for _, bad := range [][2][]int64{{{8}, {8, 2}}, {{2, 8}, {4, 2}}, {{2, 3, 2, 2}, {3, 2, 2, 2}}} {
		if _, err := gemmOf(bad[0], bad[1]); err == nil {
			t.Errorf("gemmOf(%v, %v) accepted", bad[0], bad[1])
		}
	}
}

func TestAttnConfig(t *testing.T) {
	for d := int64(1); d <= 128; d++ {
		bq, bk, shared, err := attnConfig(d)
		if err != nil || shared > maxSharedBytes || bq%32 != 0 || bk != map[bool]int64{true: 32, false: 16}[d <= 64] {
			t.Fatalf("attnConfig(%d) = %d, %d, %d, %v", d, bq, bk, shared, err)
		}
	}
	if _, _, _, err := attnConfig(129); err == nil {
		t.Error("head dimension 129 accepted")
	}
}

// TestStructLayouts checks that the argument structs have their C layouts.
func TestStructLayouts(t *testing.T) {
	if n := unsafe.Sizeof(bcast{}); n != 8*(2+3*maxRank) {
		t.Errorf("bcast is %d bytes", n)
	}
	if n, off := unsafe.Sizeof(attnShape{}), unsafe.Offsetof(attnShape{}.Scale); n != 176 || off != 8*21 {
		t.Errorf("attnShape is %d bytes, scale at %d", n, off)
	}
}

// TestKernelSource checks that every kernel the lowering names is defined
// in the embedded source.
func TestKernelSource(t *testing.T) {
	src, err := kernelSource()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"softmax_rows_f32", "norm_rows_f32", "gather_rows_i64_f32", "gather_rows_i32_f32",
		"copy_strided_f32", "attention_f32", "gelu_erf_f32", "gelu_tanh_f32", "bias_gelu_erf_f32", "bias_gelu_tanh_f32"}
	for _, m := range []map[string]string{unaryKernels, binaryKernels} {
		for _, k := range m {
			names = append(names, k)
		}
	}
	for _, k := range names {
		if !strings.Contains(src, "("+k+",") && !strings.Contains(src, "void "+k+"(") {
			t.Errorf("kernel %s is not in the source", k)
		}
	}
	if !strings.HasPrefix(src, "// ---- kernels/common.cuh") {
		t.Error("common.cuh is not first")
	}
	if a, b := cacheKey(src, compileOptions("compute_90", 64)), cacheKey(src, compileOptions("compute_90", 128)); a == b {
		t.Error("head dimensions share a cache key")
	}
}

// blockPlan is block lowered for the CUDA target at fixed shapes.
func blockPlan(t *testing.T) *codegen.Plan {
	t.Helper()
	fill := func(n int) string {
		v := make([]string, n)
		for i := range v {
			v[i] = strconv.FormatFloat(math.Sin(float64(i)), 'g', 6, 64)
		}
		return strings.Join(v, ", ")
	}
	text := strings.NewReplacer("%EMB%", fill(64), "%W%", fill(256), "%B%", fill(16)).Replace(block)
	text = strings.Replace(text, "  %e:f32[2,8,16] = Gather %ids, %ids\n", "  %shape = const i64[3] [2, 8, 16]\n  %e = Gather %emb, %ids\n", 1)
	text = strings.Replace(text, "ai.tfc:Linear %x,", "ai.tfc:Linear %e,", 1)
	g, err := ir.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	p, err := codegen.Lower(g, codegen.Options{Target: Target{}, Shapes: map[string][]int64{"x": {2, 8, 16}, "ids": {2, 8}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLowerBlock lowers a small transformer block and checks the launches
// and the placement of values.
func TestLowerBlock(t *testing.T) {
	p := blockPlan(t)
	for _, s := range p.Steps {
		if !strings.HasPrefix(s.Kernel, TargetName+":") {
			t.Errorf("step %s lowered to %s", s.Node.Describe(), s.Kernel)
		}
	}
	pr, err := lowerPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	kernels := launchNames(pr)
	for _, l := range pr.launches {
		if l.gemm != nil {
			continue
		}
		if l.block[0] == 0 || l.block[0]%32 != 0 || l.grid[0] == 0 {
			t.Errorf("%s: grid %v block %v", l.kernel, l.grid, l.block)
		}
		for _, a := range l.args {
			if id, ok := a.(ptrArg); ok && id >= 0 && pr.loc[id].region == noRegion {
				t.Errorf("%s reads %s, which has no device location", l.kernel, p.Values[id].Name)
			}
		}
	}
	want := []string{"gather_rows_i64_f32", "gemm", "add_f32", "attention_f32", "norm_rows_f32", "bias_gelu_erf_f32", "softmax_rows_f32", "copy_strided_f32"}
	if !slices.Equal(kernels, want) {
		t.Errorf("launches %v, want %v", kernels, want)
	}
	if !slices.Equal(pr.headDims, []int{8}) {
		t.Errorf("head dims %v", pr.headDims)
	}
	y := p.ValueID(p.Graph.Outputs[0])
	if pr.loc[y].region != inArena {
		t.Errorf("output at %+v", pr.loc[y])
	}
	in, ws, total := pr.layout()
	if in < pr.arenaBytes || ws < in+pr.inputsBytes || total != ws+workspaceBytes {
		t.Errorf("layout %d %d %d for arena %d, inputs %d", in, ws, total, pr.arenaBytes, pr.inputsBytes)
	}
}

// launchNames lists the kernel of each launch of pr, "gemm" for a
// cuBLAS product.
func launchNames(pr *program) []string {
	var names []string
	for _, l := range pr.launches {
		if l.gemm != nil {
			names = append(names, "gemm")
			continue
		}
		names = append(names, l.kernel)
	}
	return names
}

func TestLowerRefusals(t *testing.T) {
	g, err := ir.Parse(`graph g(%x:f32[2,3]) -> (%y) {
  opset "" 17
  %y = Softmax %x {axis=0}
}`)
	if err != nil {
		t.Fatal(err)
	}
	p, err := codegen.Lower(g, codegen.Options{Target: Target{}, Shapes: map[string][]int64{"x": {2, 3}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewModel(p, Options{}); err == nil || !strings.Contains(err.Error(), "only the last axis") {
		t.Errorf("Softmax axis 0: %v", err)
	}
	if _, err := ParsePrecision("fp8"); err == nil {
		t.Error("fp8 accepted")
	}
	if p, err := ParsePrecision("BF16"); err != nil || p != BF16 || p.String() != "bf16" {
		t.Errorf("bf16: %v %v", p, err)
	}
}

// TestLowerLinearActivation: a Linear's GELU runs after its product, with
// the bias when it has one, and an unknown activation is refused.
func TestLowerLinearActivation(t *testing.T) {
	src := `graph g(%x:f32[4,2]) -> (%y, %z) {
  opset "" 17
  opset "ai.tfc" 1
  %w = const f32[2,2] [1.0, 2.0, 3.0, 4.0]
  %b = const f32[2] [0.5, -0.5]
  %y:f32[4,2] = ai.tfc:Linear %x, %w, %b {activation="gelu_tanh"}
  %z:f32[4,2] = ai.tfc:Linear %x, %w {activation="ACT"}
}`
	lower := func(act string) (*program, error) {
		g, err := ir.Parse(strings.Replace(src, "ACT", act, 1))
		if err != nil {
			t.Fatal(err)
		}
		p, err := codegen.Lower(g, codegen.Options{Target: Target{}, Shapes: map[string][]int64{"x": {4, 2}}})
		if err != nil {
			t.Fatal(err)
		}
		return lowerPlan(p)
	}
	pr, err := lower("gelu")
	if err != nil {
		t.Fatal(err)
	}
	if kernels, want := launchNames(pr), []string{"gemm", "bias_gelu_tanh_f32", "gemm", "gelu_erf_f32"}; !slices.Equal(kernels, want) {
		t.Errorf("launches %v, want %v", kernels, want)
	}
	if _, err := lower("relu6"); err == nil || !strings.Contains(err.Error(), `"relu6"`) {
		t.Errorf("unknown activation: %v", err)
	}
}
