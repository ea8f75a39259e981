//go:build !linux

package codegen

import "errors"

// hugePageBytes has no huge pages to give here: LoadFile reads into the
// Go heap.
func hugePageBytes(size int64) ([]byte, func(), error) {
	return nil, nil, errors.New("huge pages are not used on this system")
}

// hugePageSupported reports whether LoadFile reads into memory outside the
// Go heap here.
const hugePageSupported = false
