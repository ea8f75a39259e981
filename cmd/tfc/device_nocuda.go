//go:build !cuda

package main

import (
	"errors"

	"github.com/tfc-project/tfc/ir"
)

// errNoCUDABuild is --device cuda's error in the default build, which stays
// a static binary: the CUDA target dlopens the driver through glibc.
var errNoCUDABuild = errors.New("--device cuda: this tfc was built without CUDA support, to stay a static binary; " +
	"build it with `go build -tags cuda ./cmd/tfc` (still no cgo, but linked against glibc) to run on a GPU")

// cudaRunner fails: this build has no CUDA target.
func cudaRunner(string, *ir.Graph, map[string]*ir.Tensor, []string, string, func(string)) (runFunc, error) {
	return nil, errNoCUDABuild
}
