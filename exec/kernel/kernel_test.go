package kernel_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tfc-project/tfc/exec/kernel"
	"github.com/tfc-project/tfc/ir"
)

func TestRequireInputs(t *testing.T) {
	ok := func(*kernel.Context, []*ir.Tensor) ([]*ir.Tensor, error) { return nil, nil }
	f := kernel.RequireInputs(2, ok)
	ctx := &kernel.Context{Node: &ir.Node{Name: "n", Op: "Op"}}
	x := &ir.Tensor{DType: ir.Float32, Shape: []int64{}, Data: []float32{1}}
	for _, c := range []struct {
		in   []*ir.Tensor
		want string // "" for no error
	}{
		{[]*ir.Tensor{x, x}, ""},
		{[]*ir.Tensor{x, x, nil}, ""},
		{[]*ir.Tensor{x}, "needs 2 inputs, got 1"},
		{[]*ir.Tensor{x, nil, x}, "input 1 is required"},
	} {
		_, err := f(ctx, c.in)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `"n"`)) {
			t.Errorf("%d inputs: error %v, want %q", len(c.in), err, c.want)
		}
	}
}

func TestTake(t *testing.T) {
	s := &ir.Tensor{DType: ir.String, Shape: []int64{3}, Data: []string{"a", "b", "c"}}
	got, err := kernel.Take(s, []int64{2, 2}, []int{2, 0, 0, 1})
	if err != nil || fmt.Sprint(got.Shape, got.Data) != "[2 2] [c a a b]" {
		t.Errorf("Take: %v %v", got, err)
	}
}
