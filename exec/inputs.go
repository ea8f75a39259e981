package exec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tfc-project/tfc/ir"
)

// CheckInputs verifies that inputs supplies exactly the graph's inputs, each
// with the declared dtype and rank, matching every known dim, and that a
// symbolic dim has the same size wherever it appears. Graph inputs that are
// also initializers (ONNX's overridable defaults) may be omitted.
func CheckInputs(g *ir.Graph, inputs map[string]*ir.Tensor) error {
	declared := map[string]bool{}
	var problems []string
	symbols := map[string]int64{}
	symbolFrom := map[string]string{}
	for _, v := range g.Inputs {
		declared[v.Name] = true
		t, ok := inputs[v.Name]
		if !ok || t == nil {
			if v.Const == nil {
				problems = append(problems, fmt.Sprintf("missing input %q (%v%v)", v.Name, v.DType, v.Shape))
			}
			continue
		}
		if err := t.Check(); err != nil {
			problems = append(problems, fmt.Sprintf("input %q: %v", v.Name, err))
			continue
		}
		if v.DType != ir.Undefined && t.DType != v.DType {
			problems = append(problems, fmt.Sprintf("input %q: dtype %v, graph expects %v", v.Name, t.DType, v.DType))
			continue
		}
		if !v.Shape.Ranked {
			continue
		}
		if len(t.Shape) != len(v.Shape.Dims) {
			problems = append(problems, fmt.Sprintf("input %q: rank %d (shape %v), graph expects rank %d %v",
				v.Name, len(t.Shape), t.Shape, len(v.Shape.Dims), v.Shape))
			continue
		}
		for i, d := range v.Shape.Dims {
			switch {
			case d.Known() && d.Size != t.Shape[i]:
				problems = append(problems, fmt.Sprintf("input %q: dim %d is %d, graph expects %d (shape %v vs %v)",
					v.Name, i, t.Shape[i], d.Size, t.Shape, v.Shape))
			case d.Param != "":
				if prev, seen := symbols[d.Param]; seen && prev != t.Shape[i] {
					problems = append(problems, fmt.Sprintf("input %q: dim %d (%s) is %d, but %s is %d in input %q",
						v.Name, i, d.Param, t.Shape[i], d.Param, prev, symbolFrom[d.Param]))
				} else if !seen {
					symbols[d.Param] = t.Shape[i]
					symbolFrom[d.Param] = v.Name
				}
			}
		}
	}
	var extra []string
	for name := range inputs {
		if !declared[name] {
			extra = append(extra, fmt.Sprintf("%q", name))
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		problems = append(problems, "unknown input(s) "+strings.Join(extra, ", "))
	}
	if len(problems) > 0 {
		return fmt.Errorf("bad inputs for graph %q: %s", g.Name, strings.Join(problems, "; "))
	}
	return nil
}
