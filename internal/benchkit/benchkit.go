// Package benchkit holds what tfc's benchmarks share: the inputs a model is
// benchmarked on, its matrix-multiplication FLOP count, latency statistics,
// the process's peak memory, the Markdown results table, and the one place
// where tfc itself is prepared to run a model. It serves `tfc bench` and the
// bench/ harness module (which may import it: the harness's import path is
// under this module's).
package benchkit

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tfc-project/tfc/exec/plan"
	"github.com/tfc-project/tfc/ir"
)

// InputSpec is one graph input as benchmarked: name, element type and
// concrete shape.
type InputSpec struct {
	Name  string
	DType ir.DType
	Shape []int64
}

// String formats the spec as NAME:DTYPE:SHAPE, e.g. "input_ids:int64:1x128",
// the form ParseInputSpec reads.
func (s InputSpec) String() string {
	return s.Name + ":" + s.DType.String() + ":" + FormatShape(s.Shape)
}

// ParseInputSpec reads the NAME:DTYPE:SHAPE form of InputSpec.String.
func ParseInputSpec(v string) (InputSpec, error) {
	i := strings.LastIndex(v, ":")
	j := strings.LastIndex(v[:max(i, 0)], ":")
	if j < 0 {
		return InputSpec{}, fmt.Errorf("input spec %q: want NAME:DTYPE:SHAPE", v)
	}
	dt, ok := ir.ParseDType(v[j+1 : i])
	if !ok {
		return InputSpec{}, fmt.Errorf("input spec %q: unknown dtype %q", v, v[j+1:i])
	}
	shape, err := ParseShape(v[i+1:])
	if err != nil {
		return InputSpec{}, fmt.Errorf("input spec %q: %w", v, err)
	}
	return InputSpec{Name: v[:j], DType: dt, Shape: shape}, nil
}

// ParseShape reads a shape written as sizes joined by 'x', e.g. "1x128";
// "" is a scalar.
func ParseShape(s string) ([]int64, error) {
	if s == "" {
		return []int64{}, nil
	}
	var shape []int64
	for _, f := range strings.Split(s, "x") {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bad shape %q: want sizes like 1x128", s)
		}
		shape = append(shape, n)
	}
	return shape, nil
}

// FormatShape writes a shape as ParseShape reads it.
func FormatShape(shape []int64) string {
	parts := make([]string, len(shape))
	for i, n := range shape {
		parts[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(parts, "x")
}

// ParseShapeFlags reads NAME=SHAPE assignments (the --shape flag).
func ParseShapeFlags(flags []string) (map[string][]int64, error) {
	shapes := map[string][]int64{}
	for _, f := range flags {
		name, s, ok := strings.Cut(f, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("shape %q: want NAME=SHAPE, e.g. input_ids=1x128", f)
		}
		shape, err := ParseShape(s)
		if err != nil {
			return nil, fmt.Errorf("shape of %s: %w", name, err)
		}
		shapes[name] = shape
	}
	return shapes, nil
}

// BindShapes fixes the shapes of g's inputs (those without an initializer)
// for the benchmark: shapes[name] where given, else the declared shape,
// which must then be static. It sets the inputs' Shape in g, so that shape
// inference sees the benchmarked sizes, and returns their specs in order.
func BindShapes(g *ir.Graph, shapes map[string][]int64) ([]InputSpec, error) {
	var specs []InputSpec
	used := 0
	for _, in := range g.Inputs {
		if in.Const != nil {
			continue
		}
		shape, ok := shapes[in.Name]
		if ok {
			used++
			if in.Shape.Ranked && len(in.Shape.Dims) != len(shape) {
				return nil, fmt.Errorf("input %s: shape %s does not match declared %s", in.Name, FormatShape(shape), in.Shape)
			}
		} else {
			if !in.Shape.Static() {
				return nil, fmt.Errorf("input %s has shape %s; give its size with --shape %s=SHAPE", in.Name, in.Shape, in.Name)
			}
			shape = in.Shape.Sizes()
		}
		in.Shape = ir.ShapeOf(shape...)
		specs = append(specs, InputSpec{Name: in.Name, DType: in.DType, Shape: shape})
	}
	if used != len(shapes) {
		for name := range shapes {
			if !slices.ContainsFunc(specs, func(s InputSpec) bool { return s.Name == name }) {
				return nil, fmt.Errorf("--shape names %q, which is not a graph input", name)
			}
		}
	}
	return specs, nil
}

// RandomInput returns the benchmark tensor for spec, the same for the same
// spec and seed: floating-point values uniform in [-1, 1), integers 0 or 1
// (valid token ids, masks and type ids), booleans at random.
func RandomInput(spec InputSpec, seed uint64) (*ir.Tensor, error) {
	h := fnv.New64a()
	h.Write([]byte(spec.Name))
	r := rand.New(rand.NewPCG(seed, h.Sum64()))
	n, err := ir.NumElements(spec.Shape)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", spec.Name, err)
	}
	vals := make([]float64, n)
	for i := range vals {
		if spec.DType.IsFloat() {
			vals[i] = 2*r.Float64() - 1
		} else {
			vals[i] = float64(r.IntN(2))
		}
	}
	t, err := ir.FromFloat64s(spec.DType, spec.Shape, vals)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", spec.Name, err)
	}
	return t, nil
}

// RandomInputs returns RandomInput for every spec, by name.
func RandomInputs(specs []InputSpec, seed uint64) (map[string]*ir.Tensor, error) {
	inputs := map[string]*ir.Tensor{}
	for _, s := range specs {
		t, err := RandomInput(s, seed)
		if err != nil {
			return nil, err
		}
		inputs[s.Name] = t
	}
	return inputs, nil
}

// MatMulFLOPs infers g's shapes and counts the floating-point operations
// of its matrix products (nested graphs included): MatMul, Gemm and tfc's
// fused Linear do 2·K per output element, where K is the contracted size;
// tfc's fused Attention(q, k, v, mask) on [B, S, H·D] tensors does its two
// products, 4·Sk per element of q (of the queries' share of a packed QKV). Bind the input shapes first
// (BindShapes). It also returns how many such nodes it could not count
// because a shape stayed unknown.
func MatMulFLOPs(g *ir.Graph) (flops int64, uncounted int) {
	// Inference errors leave some shapes unknown; those nodes are reported
	// through uncounted.
	_ = ir.InferShapes(g)
	g.Walk(func(_ *ir.Graph, n *ir.Node) {
		var f int64
		switch n.QualifiedOp() {
		case "MatMul", "Gemm", ir.QualifiedOp(ir.TfcDomain, "Linear"):
			f = product(2, contracted(n), numel(n.Outputs, 0))
		case ir.QualifiedOp(ir.TfcDomain, "Attention"):
			q, sk := numel(n.Inputs, 0), dim(n.Inputs, 1, -2)
			if n.Input(1) == nil { // packed QKV: Q is H of its H + 2·Hkv heads
				nh := n.AttrInt("num_heads", 0)
				nkv := n.AttrInt("kv_num_heads", 0)
				if nkv == 0 {
					nkv = nh
				}
				if q >= 0 && nh > 0 {
					q = q / (nh + 2*nkv) * nh
				}
				sk = dim(n.Inputs, 0, -2)
			}
			f = product(4, q, sk)
		default:
			return
		}
		if f < 0 {
			uncounted++
			return
		}
		flops += f
	})
	return flops, uncounted
}

// product multiplies sizes, any of which may be -1 (unknown): then the
// product is -1.
func product(sizes ...int64) int64 {
	p := int64(1)
	for _, n := range sizes {
		if n < 0 {
			return -1
		}
		p *= n
	}
	return p
}

// contracted returns the K of a MatMul, Gemm or Linear node (the last dim
// of its first input, or the first with Gemm's transA), or -1 if unknown.
func contracted(n *ir.Node) int64 {
	if a := n.Attr("transA"); n.Op == "Gemm" && a != nil && a.Int != 0 {
		return dim(n.Inputs, 0, 0)
	}
	return dim(n.Inputs, 0, -1)
}

// numel returns the element count of vs[i], or -1 if unknown.
func numel(vs []*ir.Value, i int) int64 {
	if i >= len(vs) || vs[i] == nil || !vs[i].Shape.Static() {
		return -1
	}
	n, err := ir.NumElements(vs[i].Shape.Sizes())
	if err != nil {
		return -1
	}
	return n
}

// dim returns dim axis of vs[i] (negative counts from the end), or -1 if
// unknown.
func dim(vs []*ir.Value, i, axis int) int64 {
	if i >= len(vs) || vs[i] == nil || !vs[i].Shape.Ranked {
		return -1
	}
	dims := vs[i].Shape.Dims
	if axis < 0 {
		axis += len(dims)
	}
	if axis < 0 || axis >= len(dims) || !dims[axis].Known() {
		return -1
	}
	return dims[axis].Size
}

// Summary is the latency statistics of a series of timed runs.
type Summary struct {
	N           int
	Median, P90 time.Duration
}

// Summarize computes the median and 90th percentile (nearest rank) of times.
func Summarize(times []time.Duration) Summary {
	if len(times) == 0 {
		return Summary{}
	}
	s := slices.Clone(times)
	slices.Sort(s)
	median := s[len(s)/2]
	if len(s)%2 == 0 {
		median = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	p90 := s[(len(s)*9+9)/10-1]
	return Summary{N: len(s), Median: median, P90: p90}
}

// PeakRSS returns the high-water mark of the process's resident memory in
// bytes (VmHWM of /proc/self/status; Linux only).
func PeakRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("peak RSS: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("peak RSS: VmHWM line %q", sc.Text())
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("peak RSS: no VmHWM in /proc/self/status")
}

// Row is one line of the results table. Zero Ratio, PeakFraction or
// PeakRSS print as "–"; a non-empty Err replaces the figures.
type Row struct {
	Model   string
	Threads int
	Engine  string
	Summary
	GFLOPS       float64 // achieved matmul GFLOP/s at the median latency
	Ratio        float64 // median latency over onnxruntime's
	PeakFraction float64 // GFLOPS over the machine's measured peak
	PeakRSS      int64   // bytes
	Err          string
}

// GFLOPSAt returns the rate of flops operations done in d, in GFLOP/s.
func GFLOPSAt(flops int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(flops) / d.Seconds() / 1e9
}

// WriteTable writes rows as a Markdown table.
func WriteTable(w io.Writer, rows []Row) error {
	var b strings.Builder
	b.WriteString("| model | threads | engine | runs | median ms | p90 ms | ratio to ORT | GFLOP/s | % of peak | peak RSS MB |\n")
	b.WriteString("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
	dash := func(v float64, format string) string {
		if v == 0 {
			return "–"
		}
		return fmt.Sprintf(format, v)
	}
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d | %s | ", r.Model, r.Threads, r.Engine)
		if r.Err != "" {
			fmt.Fprintf(&b, "%s | | | | | | |\n", strings.ReplaceAll(r.Err, "|", `\|`))
			continue
		}
		fmt.Fprintf(&b, "%d | %.1f | %.1f | %s | %s | %s | %s |\n", r.N,
			ms(r.Median), ms(r.P90), dash(r.Ratio, "%.2f"), dash(r.GFLOPS, "%.2f"),
			dash(100*r.PeakFraction, "%.1f%%"), dash(float64(r.PeakRSS)/(1<<20), "%.0f"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// WriteProfile writes a per-operator profile (plan.OpTime, summed over
// runs runs) as a Markdown table: steps, milliseconds per run and share of
// the profiled time.
func WriteProfile(w io.Writer, ops []plan.OpTime, runs int) error {
	var total time.Duration
	for _, o := range ops {
		total += o.Total
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| op | steps | ms per run | share |\n|---|---:|---:|---:|\n")
	for _, o := range ops {
		share := 0.0
		if total > 0 {
			share = 100 * float64(o.Total) / float64(total)
		}
		fmt.Fprintf(&b, "| %s | %d | %.2f | %.1f%% |\n", o.Op, o.Steps, ms(o.Total)/float64(max(runs, 1)), share)
	}
	fmt.Fprintf(&b, "| all steps | | %.2f | |\n", ms(total)/float64(max(runs, 1)))
	_, err := io.WriteString(w, b.String())
	return err
}
