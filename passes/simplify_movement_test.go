package passes

import (
	"strings"
	"testing"

	"github.com/tfc-project/tfc/ir"
)

// simplified parses before, runs simplifyMovement and returns the
// printed graph.
func simplified(t *testing.T, before string) string {
	t.Helper()
	g, err := ir.Parse(before)
	if err != nil {
		t.Fatal(err)
	}
	if err := simplifyMovement(g, Counters{}); err != nil {
		t.Fatal(err)
	}
	if err := deadCode(g, Counters{}); err != nil {
		t.Fatal(err)
	}
	return ir.Print(g)
}

func TestSimplifyMovement(t *testing.T) {
	cases := []struct{ name, before, want string }{
		{"no-op Cast", `graph (%x:f32[2,3]) -> (%y) {
  %c:f32[2,3] = Cast %x {to=1}
  %y:f32[2,3] = Relu %c
}`, `graph (%x:f32[2,3]) -> (%y) {
  %y:f32[2,3] = Relu %x
}`},
		{"Transpose of Transpose", `graph (%x:f32[2,3,4]) -> (%y) {
  %a:f32[3,4,2] = Transpose %x {perm=[1, 2, 0]}
  %b:f32[4,3,2] = Transpose %a {perm=[1, 0, 2]}
  %y:f32[4,3,2] = Relu %b
}`, `graph (%x:f32[2,3,4]) -> (%y) {
  %b:f32[4,3,2] = Transpose %x {perm=[2, 1, 0]}
  %y:f32[4,3,2] = Relu %b
}`},
		{"Transposes that cancel", `graph (%x:f32[2,3]) -> (%y) {
  %a:f32[3,2] = Transpose %x {perm=[1, 0]}
  %b:f32[2,3] = Transpose %a {perm=[1, 0]}
  %y:f32[2,3] = Relu %b
}`, `graph (%x:f32[2,3]) -> (%y) {
  %y:f32[2,3] = Relu %x
}`},
		{"Reshape of Reshape", `graph (%x:f32[2,3,4]) -> (%y) {
  %s1 = const i64[2] [6, 4]
  %s2 = const i64[2] [2, 12]
  %a:f32[6,4] = Reshape %x, %s1
  %y:f32[2,12] = Reshape %a, %s2
}`, `graph (%x:f32[2,3,4]) -> (%y) {
  %s2 = const i64[2] [2, 12]
  %y:f32[2,12] = Reshape %x, %s2
}`},
		{"Reshape copying a dim stays", `graph (%x:f32[2,3,4]) -> (%y) {
  %s1 = const i64[2] [6, 4]
  %s2 = const i64[2] [0, 4]
  %a:f32[6,4] = Reshape %x, %s1
  %y:f32[6,4] = Reshape %a, %s2
}`, `graph (%x:f32[2,3,4]) -> (%y) {
  %s1 = const i64[2] [6, 4]
  %s2 = const i64[2] [0, 4]
  %a:f32[6,4] = Reshape %x, %s1
  %y:f32[6,4] = Reshape %a, %s2
}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, err := ir.Parse(c.want)
			if err != nil {
				t.Fatal(err)
			}
			if got := simplified(t, c.before); strings.TrimSpace(got) != strings.TrimSpace(ir.Print(want)) {
				t.Errorf("got\n%s\nwant\n%s", got, ir.Print(want))
			}
		})
	}
}
