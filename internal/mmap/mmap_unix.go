//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

// Package mmap maps files read-only into memory, where the system can.
package mmap

import (
	"os"

	"golang.org/x/sys/unix"
)

// Map maps size bytes of f read-only; unmap releases the mapping. It
// returns a nil unmap and an error where mapping fails (callers then read
// the file instead).
func Map(f *os.File, size int64) (data []byte, unmap func(), err error) {
	b, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return b, func() { unix.Munmap(b) }, nil
}

// Supported reports whether Map maps files here.
const Supported = true
