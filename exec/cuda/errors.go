package cuda

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoCUDA is matched (errors.Is) by every error saying that CUDA cannot
// be used here: a library is missing, the platform is unsupported, the
// driver fails to initialise or there is no device.
var ErrNoCUDA = errors.New("no CUDA")

// NoCUDAError says why CUDA cannot be used; it matches ErrNoCUDA.
type NoCUDAError struct {
	// Reason is what failed, e.g. "library libcuda.so.1 not found".
	Reason string
	// Tried lists the library paths that were tried, when a library is missing.
	Tried []string
}

func (e *NoCUDAError) Error() string {
	msg := "cuda: no CUDA: " + e.Reason
	if len(e.Tried) > 0 {
		msg += " (tried " + strings.Join(e.Tried, ", ") + ")"
	}
	return msg
}

// Is makes errors.Is(err, ErrNoCUDA) true.
func (e *NoCUDAError) Is(target error) bool { return target == ErrNoCUDA }

// callError is a failed call of a CUDA library function.
type callError struct {
	fn   string
	code int32
	msg  string
}

func (e *callError) Error() string {
	if e.msg != "" {
		return fmt.Sprintf("cuda: %s: %s (%d)", e.fn, e.msg, e.code)
	}
	return fmt.Sprintf("cuda: %s: error %d", e.fn, e.code)
}
