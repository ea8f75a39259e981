package movement

import "testing"

func TestMT19937(t *testing.T) {
	// The reference implementation's first output for its default seed.
	if got := newMT19937(5489).uint32(); got != 3499211612 {
		t.Errorf("first draw for seed 5489: %d, want 3499211612", got)
	}
	// numpy: np.random.seed(0); np.random.rand(3)
	m := newMT19937(0)
	for i, want := range []float64{0.5488135039273248, 0.7151893663724195, 0.6027633760716439} {
		if got := m.float64(); got != want {
			t.Errorf("draw %d for seed 0: %v, want %v", i, got, want)
		}
	}
}
