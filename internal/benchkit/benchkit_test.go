package benchkit

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tfc-project/tfc"
	"github.com/tfc-project/tfc/ir"
)

func TestInputSpecRoundTrip(t *testing.T) {
	s := InputSpec{Name: "a:b", DType: ir.Int64, Shape: []int64{1, 128}}
	got, err := ParseInputSpec(s.String())
	if err != nil || got.String() != s.String() {
		t.Fatalf("ParseInputSpec(%q) = %v, %v", s.String(), got, err)
	}
	for _, bad := range []string{"x", "x:int64", "x:nope:1", "x:float:1xq"} {
		if _, err := ParseInputSpec(bad); err == nil {
			t.Errorf("ParseInputSpec(%q) succeeded", bad)
		}
	}
}

func TestRandomInputDeterministic(t *testing.T) {
	s := InputSpec{Name: "ids", DType: ir.Int64, Shape: []int64{2, 5}}
	a, _ := RandomInput(s, 1)
	b, _ := RandomInput(s, 1)
	for i, v := range a.Data.([]int64) {
		if v != b.Data.([]int64)[i] || v < 0 || v > 1 {
			t.Fatalf("element %d: %d vs %d", i, v, b.Data.([]int64)[i])
		}
	}
}

func TestSummarize(t *testing.T) {
	var times []time.Duration
	for i := 10; i >= 1; i-- {
		times = append(times, time.Duration(i)*time.Millisecond)
	}
	s := Summarize(times)
	if s.N != 10 || s.Median != 5500*time.Microsecond || s.P90 != 9*time.Millisecond {
		t.Fatalf("Summarize = %+v", s)
	}
}

// The tiny BERT of testmodels at batch 2, sequence 7 (hidden 64, FFN 128,
// 4 heads, 2 layers): per layer, Q, K, V, output projections 4·2·14·64·64,
// FFN 2·2·14·64·128, and the two attention products 2·(2·4·7·7·16·2).
func TestMatMulFLOPsBert(t *testing.T) {
	a, err := AnalyzeFile("../../testmodels/bert_op17/model.onnx",
		map[string][]int64{"input_ids": {2, 7}, "attention_mask": {2, 7}, "token_type_ids": {2, 7}})
	if err != nil {
		t.Fatal(err)
	}
	const perLayer = 4*2*14*64*64 + 2*2*14*64*128 + 2*(2*4*7*7*16*2)
	if a.FLOPs != 2*perLayer || a.Uncounted != 0 {
		t.Fatalf("FLOPs = %d (%d uncounted), want %d", a.FLOPs, a.Uncounted, 2*perLayer)
	}
}

func TestBindShapesErrors(t *testing.T) {
	for shapes, want := range map[string]map[string][]int64{
		"give its size":     {},
		"not a graph input": {"input_ids": {2, 7}, "attention_mask": {2, 7}, "token_type_ids": {2, 7}, "x": {1}},
		"does not match":    {"input_ids": {2}},
	} {
		_, err := AnalyzeFile("../../testmodels/bert_op17/model.onnx", want)
		if err == nil || !strings.Contains(err.Error(), shapes) {
			t.Errorf("shapes %v: error %v, want %q", want, err, shapes)
		}
	}
}

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	rows := []Row{
		{Model: "m", Threads: 1, Engine: "e", Summary: Summary{N: 3, Median: time.Millisecond, P90: 2 * time.Millisecond}, GFLOPS: 1.5, PeakRSS: 3 << 20},
		{Model: "m", Threads: 1, Engine: "f", Err: "cannot load: a|b"},
	}
	if err := WriteTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	want := "| m | 1 | e | 3 | 1.0 | 2.0 | – | 1.50 | – | 3 |\n| m | 1 | f | cannot load: a\\|b | | | | | | |\n"
	if !strings.HasSuffix(b.String(), want) {
		t.Fatalf("table:\n%s", b.String())
	}
}

// LoadTFC runs an .onnx file and the .tfc artifact compiled from it, and
// counts the same FLOPs for both.
func TestLoadTFC(t *testing.T) {
	shapes := map[string][]int64{"input_ids": {1, 8}, "attention_mask": {1, 8}, "token_type_ids": {1, 8}}
	m, err := LoadTFC("../../testmodels/bert_op17/model.onnx", shapes, 1)
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := RandomInputs(m.Inputs, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(inputs); err != nil {
		t.Fatal(err)
	}
	c, err := tfc.Compile("../../testmodels/bert_op17/model.onnx", tfc.CompileOptions{Shapes: shapes})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bert.tfc")
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	mt, err := LoadTFC(path, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := mt.Run(inputs); err != nil {
		t.Fatal(err)
	}
	t.Logf("engine %q, %d FLOPs; from .tfc: %q, %d FLOPs", m.Engine, m.FLOPs, mt.Engine, mt.FLOPs)
	if m.FLOPs == 0 || mt.FLOPs != m.FLOPs {
		t.Errorf("FLOPs %d from .onnx, %d from .tfc", m.FLOPs, mt.FLOPs)
	}
}
