package codegen

import "golang.org/x/sys/unix"

// hugePageBytes returns size bytes of zeroed anonymous memory outside the
// Go heap, advised to be backed by transparent huge pages, and the
// function that releases it.
func hugePageBytes(size int64) ([]byte, func(), error) {
	b, err := unix.Mmap(-1, 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return nil, nil, err
	}
	// Without transparent huge pages (or with them off) this fails and the
	// memory keeps its small pages, which is still correct.
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
	return b, func() { unix.Munmap(b) }, nil
}

// hugePageSupported reports whether LoadFile reads into memory outside the
// Go heap here.
const hugePageSupported = true
