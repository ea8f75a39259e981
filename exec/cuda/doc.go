// Package cuda is tfc's CUDA target: it runs a compiled Plan on an NVIDIA
// GPU. The CUDA driver, cuBLAS and NVRTC libraries are opened at run time
// with purego (no cgo), so every binary still builds with CGO_ENABLED=0
// and a machine without a GPU gets an error wrapping ErrNoCUDA instead of
// a crash. Kernels are CUDA C sources embedded from kernels/, compiled by
// NVRTC for the device at load and cached; matrix products go through
// cuBLAS. See README.md for what has and has not been run on a GPU.
package cuda
