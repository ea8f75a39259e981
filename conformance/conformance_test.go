// Package conformance runs the ONNX backend conformance tests (node,
// simple, pytorch-converted and pytorch-operator suites) through the
// reference interpreter, as imported and again with all optimization passes
// on, then compiled (written to a .tfc artifact, read back and run in a
// Session), and compares with the stored outputs.
package conformance

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/tfc-project/tfc"
	"github.com/tfc-project/tfc/codegen"
	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/golden"
	"github.com/tfc-project/tfc/ir"
	"github.com/tfc-project/tfc/passes"
)

// dataEnv names the environment variable that overrides where the
// conformance data lives.
const dataEnv = "TFC_ONNX_BACKEND_TESTS"

// expectedFile lists the tests known to fail, one "suite/name  reason" a line.
const expectedFile = "expected_failures.txt"

var update = flag.Bool("update", false, "rewrite "+expectedFile+" with the current failures")

var suites = []string{"node", "simple", "pytorch-converted", "pytorch-operator"}

// dataDir returns the conformance data folder, or "" when it is absent.
func dataDir() string {
	dir := os.Getenv(dataEnv)
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "onnx-backend-tests")
	}
	if st, err := os.Stat(filepath.Join(dir, "node")); err != nil || !st.IsDir() {
		return ""
	}
	return dir
}

// readExpected parses the expected-failures list: test id → reason.
func readExpected(t *testing.T) map[string]string {
	f, err := os.Open(expectedFile)
	if err != nil {
		t.Fatalf("reading expected failures: %v", err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		id, reason, _ := strings.Cut(text, " ")
		reason = strings.TrimSpace(reason)
		if reason == "" {
			t.Fatalf("%s:%d: %s has no reason", expectedFile, line, id)
		}
		out[id] = reason
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// outcome records what one test did.
type outcome struct {
	id, failure string
}

func TestConformance(t *testing.T) {
	root := dataDir()
	if root == "" {
		t.Skipf("conformance data not found: set %s or place it at ../shared/onnx-backend-tests", dataEnv)
	}
	expected := readExpected(t)
	var (
		mu       sync.Mutex
		outcomes []outcome
	)
	interp := exec.NewInterpreter()
	total := 0
	for _, suite := range suites {
		dirs, _ := filepath.Glob(filepath.Join(root, suite, "*"))
		t.Run(suite, func(t *testing.T) {
			for _, dir := range dirs {
				if st, err := os.Stat(dir); err != nil || !st.IsDir() {
					continue
				}
				id := suite + "/" + filepath.Base(dir)
				total++
				t.Run(filepath.Base(dir), func(t *testing.T) {
					t.Parallel()
					failure := runOne(dir, interp)
					mu.Lock()
					outcomes = append(outcomes, outcome{id, failure})
					mu.Unlock()
					reason, known := expected[id]
					switch {
					case failure != "" && !known:
						t.Errorf("unexpected failure: %s", failure)
					case failure != "" && known:
						t.Skipf("expected failure (%s): %s", reason, failure)
					case known && !*update:
						t.Errorf("unexpected pass: remove %s from %s", id, expectedFile)
					}
				})
			}
		})
	}
	t.Cleanup(func() { report(t, outcomes, expected, total) })
}

// runOne loads and runs one test folder, first as imported, then optimized
// with every pass on and then compiled, and returns "" or why it failed.
func runOne(dir string, interp *exec.Interpreter) (failure string) {
	defer func() {
		if r := recover(); r != nil {
			failure = fmt.Sprintf("panic: %v", r)
		}
	}()
	c, err := golden.LoadCase(dir)
	if err != nil {
		return firstLine(err.Error())
	}
	if f := golden.Failure(golden.RunCase(c, interp.Run, golden.ONNXDefault)); f != "" {
		return firstLine(f)
	}
	if _, err := passes.Optimize(c.Model.Graph, passes.Options{Level: passes.Extended}); err != nil {
		return firstLine("optimizing: " + err.Error())
	}
	if f := golden.Failure(golden.RunCase(c, interp.Run, golden.ONNXDefault)); f != "" {
		return firstLine("with all passes on: " + f)
	}
	if f := runCompiled(c); f != "" {
		return firstLine("compiled: " + f)
	}
	return ""
}

// runCompiled compiles the case's graph, round-trips the model through a
// .tfc artifact in memory, runs it in a session and returns "" or why it
// failed.
func runCompiled(c *golden.Case) string {
	m, err := tfc.CompileGraph(c.Model.Graph, tfc.CompileOptions{Overridable: c.OverriddenInitializers()})
	if err != nil {
		return err.Error()
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		return "writing the artifact: " + err.Error()
	}
	p, err := codegen.Read(buf.Bytes())
	if err != nil {
		return "reading the artifact back: " + err.Error()
	}
	if m, err = tfc.FromPlan(p); err != nil {
		return err.Error()
	}
	sess := m.NewSession(tfc.WithThreads(1))
	defer sess.Close()
	run := func(_ *ir.Graph, in map[string]*ir.Tensor) (map[string]*ir.Tensor, error) { return sess.Run(in) }
	return golden.Failure(golden.RunCase(c, run, golden.ONNXDefault))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// report prints the totals and, under -update, rewrites the expected list.
func report(t *testing.T, outcomes []outcome, expected map[string]string, total int) {
	passed, failed, skipped := 0, 0, 0
	var failures []outcome
	for _, o := range outcomes {
		switch {
		case o.failure == "":
			passed++
		case expected[o.id] != "":
			skipped++
			failures = append(failures, o)
		default:
			failed++
			failures = append(failures, o)
		}
	}
	fmt.Printf("conformance: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if !*update {
		return
	}
	if len(outcomes) != total {
		t.Errorf("-update needs the whole suite: ran %d of %d tests (drop -run)", len(outcomes), total)
		return
	}
	sort.Slice(failures, func(i, j int) bool { return failures[i].id < failures[j].id })
	var b strings.Builder
	b.WriteString(header)
	for _, f := range failures {
		reason := expected[f.id]
		if reason == "" {
			reason = f.failure
		}
		fmt.Fprintf(&b, "%s %s\n", f.id, reason)
	}
	if err := os.WriteFile(expectedFile, []byte(b.String()), 0o644); err != nil {
		t.Error(err)
	}
}

const header = `# Conformance tests expected to fail, one per line: "suite/test reason".
# An unexpected failure fails go test; so does an unexpected pass (remove the
# line). Regenerate with: go test ./conformance -update (keeps the reasons
# already written; new entries get the failure message as their reason).
`
