//go:build !(linux && (amd64 || arm64))

package cuda

import "runtime"

// dlopen reports that this platform is not supported.
func dlopen(string) (uintptr, error) {
	return 0, &NoCUDAError{Reason: "unsupported platform " + runtime.GOOS + "/" + runtime.GOARCH}
}

// bind is never reached: dlopen fails first.
func bind(uintptr, string, any) error {
	_, err := dlopen("")
	return err
}
