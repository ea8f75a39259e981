//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

// Package mmap maps files read-only into memory, where the system can.
package mmap

import (
	"errors"
	"os"
)

// Map does not map here: callers read the file instead.
func Map(f *os.File, size int64) (data []byte, unmap func(), err error) {
	return nil, nil, errors.New("memory-mapped files are not supported on this system")
}

// Supported reports whether Map maps files here.
const Supported = false
