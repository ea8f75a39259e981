package gemm

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// AllowedCPUs lists the CPUs the process may run on (its affinity mask),
// in increasing order; nil where that is not known.
func AllowedCPUs() []int {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil
	}
	var cpus []int
	for c := range len(set) * 64 {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	return cpus
}

// cpuBinding is what bindThread changed: the thread's former CPU set.
type cpuBinding struct {
	old   unix.CPUSet
	bound bool
}

// bindThread locks the calling goroutine to its OS thread and binds the
// thread to cpu; release undoes both.
func bindThread(cpu int) (b cpuBinding) {
	runtime.LockOSThread()
	if err := unix.SchedGetaffinity(0, &b.old); err != nil {
		return b
	}
	var set unix.CPUSet
	set.Set(cpu)
	b.bound = unix.SchedSetaffinity(0, &set) == nil
	return b
}

func (b *cpuBinding) release() {
	if b.bound {
		unix.SchedSetaffinity(0, &b.old)
	}
	runtime.UnlockOSThread()
}
