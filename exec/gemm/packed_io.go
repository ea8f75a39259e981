package gemm

import "fmt"

// Layout describes how PackB lays out op(B) for the running kernel, so
// that panels packed ahead of time (in a .tfc artifact) can be checked
// before they are used in place: panels whose layout differs from
// CurrentLayout must be repacked.
type Layout struct {
	// Name names the layout family; Version changes whenever anything
	// about it changes that KC and NR do not describe.
	Name    string
	Version int
	// KC is the number of rows of op(B) per block (the last block is
	// shorter); NR the number of columns per panel (the last panel is
	// padded with zeros). See PackedB.
	KC, NR int
}

// LayoutName is the name of the layout described on PackedB.
const LayoutName = "f32-kblock-panels"

// CurrentLayout returns the layout PackB produces for the kernel this CPU
// runs. Every kernel currently reads the same layout.
func CurrentLayout() Layout {
	return Layout{Name: LayoutName, Version: 1, KC: kc, NR: nr}
}

// KernelName returns the name of the micro-kernel that calls use.
func KernelName() string { return activeKernel.name }

// PackedLen returns the number of float32 of a packed k×n op(B).
func PackedLen(k, n int) int { return k * panels(n) * nr }

// PackedBFrom returns a PackedB of a k×n op(B) that uses data, panels in
// the CurrentLayout (as returned by Panels), in place: nothing is copied,
// and data must not change while the PackedB is in use. data must be
// 4-byte aligned (it is a []float32); 64-byte alignment is faster.
func PackedBFrom(k, n int, data []float32) (*PackedB, error) {
	if k < 0 || n < 0 {
		return nil, fmt.Errorf("gemm: negative dimension k=%d n=%d", k, n)
	}
	if want := PackedLen(k, n); len(data) != want {
		return nil, fmt.Errorf("gemm: packed %dx%d B needs %d float32, got %d", k, n, want, len(data))
	}
	return &PackedB{k: k, n: n, data: data}, nil
}

// Panels returns the packed data in the layout described on PackedB,
// sharing pb's memory: it must not be modified.
func (pb *PackedB) Panels() []float32 { return pb.data }
