//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package codegen

import (
	"errors"
	"os"
)

// mapFile does not map here: MapFile reads the file instead.
func mapFile(f *os.File, size int64) (data []byte, unmap func(), err error) {
	return nil, nil, errors.New("memory-mapped files are not supported on this system")
}

// mapFileSupported reports whether MapFile maps files here.
const mapFileSupported = false
