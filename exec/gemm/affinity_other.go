//go:build !linux

package gemm

import "runtime"

// AllowedCPUs lists the CPUs the process may run on; nil where that is not
// known, as here.
func AllowedCPUs() []int { return nil }

// cpuBinding records nothing here: threads are not bound to CPUs.
type cpuBinding struct{}

// bindThread locks the calling goroutine to its OS thread; CPUs are not
// bound here.
func bindThread(int) cpuBinding {
	runtime.LockOSThread()
	return cpuBinding{}
}

func (b *cpuBinding) release() { runtime.UnlockOSThread() }
