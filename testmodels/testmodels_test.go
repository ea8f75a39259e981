// Package testmodels holds small transformer models exported by PyTorch
// with golden inputs and outputs (see README.md and gen/); this test runs
// every one of them through the importer and the reference interpreter.
package testmodels

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/ir"
)

// Tolerance is the agreement every testmodel must reach with PyTorch:
// tensor-wide relative error max|a-b| / max(max|b|, 1e-6) at most 1e-4.
var Tolerance = golden.ModelDefault

// modelDirs lists the folders holding a model.onnx.
func modelDirs(t *testing.T) []string {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(e.Name(), "model.onnx")); err == nil {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) == 0 {
		t.Fatal("no testmodels found")
	}
	return dirs
}

// forEachModel runs f on every testmodel in a parallel subtest.
func forEachModel(t *testing.T, f func(t *testing.T, c *golden.Case)) {
	for _, dir := range modelDirs(t) {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			c, err := golden.LoadCase(dir)
			if err != nil {
				t.Fatal(err)
			}
			f(t, c)
		})
	}
}

// worstRel runs every data set of c and returns the largest relative error
// over all outputs; a run that fails is fatal.
func worstRel(t *testing.T, c *golden.Case, run golden.RunFunc) float64 {
	worst := 0.0
	for _, sr := range golden.RunCase(c, run, Tolerance) {
		if sr.Err != nil {
			t.Fatalf("%s: %v", sr.Set, sr.Err)
		}
		for _, o := range sr.Outputs {
			worst = max(worst, o.MaxRel)
		}
	}
	return worst
}

func TestGoldenOutputs(t *testing.T) {
	interp := exec.NewInterpreter()
	forEachModel(t, func(t *testing.T, c *golden.Case) {
		if len(c.Sets) < 2 {
			t.Errorf("%d data sets, want 2 (two batch sizes / sequence lengths)", len(c.Sets))
		}
		for _, sr := range golden.RunCase(c, interp.Run, Tolerance) {
			if sr.Err != nil {
				t.Errorf("%s: %v", sr.Set, sr.Err)
				continue
			}
			for _, o := range sr.Outputs {
				t.Logf("%s %s: max abs %.3g, rel %.3g", sr.Set, o.Name, o.MaxAbs, o.MaxRel)
				if !o.Pass {
					t.Errorf("%s output %q: %s", sr.Set, o.Name, o.Reason)
				}
			}
		}
	})
}

// TestBrokenAttentionMissesGoldens proves the goldens are sensitive to
// attention: with Softmax replaced by uniform weights, every model must
// miss its goldens by far more than the tolerance.
func TestBrokenAttentionMissesGoldens(t *testing.T) {
	kernels := exec.ReferenceKernels()
	kernels["Softmax"] = kernel.Single(uniformSoftmax)
	broken := exec.NewInterpreterWith(kernels)
	forEachModel(t, func(t *testing.T, c *golden.Case) {
		worst := worstRel(t, c, broken.Run)
		t.Logf("relative error with uniform attention: %.3g", worst)
		if worst < 100*Tolerance.MaxRel {
			t.Errorf("uniform attention misses the goldens by only %.3g (tolerance %g): attention barely matters in this model", worst, Tolerance.MaxRel)
		}
	})
}

// uniformSoftmax is a broken Softmax: every position gets the same weight.
func uniformSoftmax(ctx *kernel.Context, in []*ir.Tensor) (*ir.Tensor, error) {
	x := in[0]
	axis, err := kernel.NormAxis(ctx.Node.AttrInt("axis", -1), x.Rank())
	if err != nil {
		return nil, ctx.Errorf("%v", err)
	}
	vals := make([]float64, x.Len())
	for i := range vals {
		vals[i] = 1 / float64(x.Shape[axis])
	}
	return ir.FromFloat64s(x.DType, x.Shape, vals)
}

// paddingMasks names the padding-mask inputs of the testmodels and the
// value that means "attend to this position".
var paddingMasks = map[string]float64{"attention_mask": 1, "src_key_padding_mask": 0}

// TestIgnoredMaskMissesGoldens proves the goldens depend on the padding
// mask: with the mask input replaced by "attend everywhere", every model
// with such an input misses its goldens by far more than the tolerance.
func TestIgnoredMaskMissesGoldens(t *testing.T) {
	interp := exec.NewInterpreter()
	tested := 0
	for _, dir := range modelDirs(t) {
		c, err := golden.LoadCase(dir)
		if err != nil {
			t.Fatal(err)
		}
		masked := false
		for _, ds := range c.Sets {
			for name, t0 := range ds.Inputs {
				attend, ok := paddingMasks[name]
				if !ok {
					continue
				}
				masked = true
				all := make([]float64, t0.Len())
				for i := range all {
					all[i] = attend
				}
				if ds.Inputs[name], err = ir.FromFloat64s(t0.DType, t0.Shape, all); err != nil {
					t.Fatal(err)
				}
			}
		}
		if !masked {
			continue
		}
		tested++
		worst := worstRel(t, c, interp.Run)
		t.Logf("%s: relative error with the padding mask ignored: %.3g", dir, worst)
		if worst < 100*Tolerance.MaxRel {
			t.Errorf("%s: ignoring the mask misses the goldens by only %.3g", dir, worst)
		}
	}
	if tested == 0 {
		t.Fatal("no testmodel has a padding-mask input")
	}
}
