package tfc

import (
	"path/filepath"
	"testing"

	"github.com/tfc-project/tfc/exec"
	"github.com/tfc-project/tfc/golden"
)

// BenchmarkSession runs BERT and GPT-2 testmodels through the reference
// interpreter and through compiled sessions, reporting ms/op.
func BenchmarkSession(b *testing.B) {
	for _, name := range []string{"bert_op17", "gpt2_op17"} {
		c, err := golden.LoadCase(filepath.Join("testmodels", name))
		if err != nil {
			b.Fatal(err)
		}
		in := c.Sets[0].Inputs
		ref, err := golden.LoadCase(filepath.Join("testmodels", name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/interpreter", func(b *testing.B) {
			it := exec.NewInterpreter()
			for b.Loop() {
				if _, err := it.Run(ref.Model.Graph, in); err != nil {
					b.Fatal(err)
				}
			}
			reportMS(b)
		})
		m, err := CompileGraph(c.Model.Graph, CompileOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for _, threads := range []int{1, 0} {
			label := "/session-1thread"
			if threads == 0 {
				label = "/session-allcpus"
			}
			b.Run(name+label, func(b *testing.B) {
				sess := m.NewSession(WithThreads(threads))
				defer sess.Close()
				if _, err := sess.Run(in); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := sess.Run(in); err != nil {
						b.Fatal(err)
					}
				}
				reportMS(b)
			})
		}
	}
}

func reportMS(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/op")
}
