//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package codegen

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps size bytes of f read-only; unmap releases the mapping. It
// returns a nil unmap and an error where mapping fails (MapFile then reads
// the file instead).
func mapFile(f *os.File, size int64) (data []byte, unmap func(), err error) {
	b, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return b, func() { unix.Munmap(b) }, nil
}

// mapFileSupported reports whether MapFile maps files here.
const mapFileSupported = true
