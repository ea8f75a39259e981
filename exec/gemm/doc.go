// Package gemm implements single-precision matrix multiplication (SGEMM)
// for row-major matrices: C = alpha·op(A)·op(B) + beta·C, where op(X) is X
// or its transpose.
//
// The implementation follows the BLIS/GotoBLAS scheme: K is cut into blocks
// of kc rows, op(A) into blocks of at most mc rows that are packed (scaled
// by alpha) into micro-panels of mr rows, op(B) into panels of 16 columns;
// a micro-kernel multiplies one A micro-panel by one B panel into an mr×16
// tile of C, or by two adjacent B panels into an mr×32 tile, while the
// next panel pair is prefetched into L2 (a model's weights come from
// memory). The packed A of an M tile is kept for the following N tiles of
// the same worker. The
// micro-kernel is chosen at run time from the CPU features: AVX-512 8×32
// (two panels, 16 zmm accumulators; written by gen_kernels.go), else 6×16
// AVX2+FMA assembly on amd64, else a portable 4×16 Go kernel (the only one
// on other architectures). Setting the environment variable
// TFC_GEMM_AVX512=0 makes a CPU with AVX-512 use the AVX2 kernel. Packing
// has AVX2 fast paths; the epilogue runs in AVX-512 (else the GELU in
// AVX2). PeakGFLOPS measures the FMA peak at the vector width of the
// kernel in use.
//
// The package also holds the vectorized row math of the plan kernels, with
// the same AVX-512 exp and erf: GELU (erf and tanh forms), Softmax and
// LayerNorm (with skip and RMS variants), each with a portable fallback.
//
// Weights can be packed once with PackB and multiplied many times with
// SgemmPacked; a PackedB can be serialized with Bytes and restored with
// LoadPackedB. An Epilogue (bias, GELU in erf or tanh form, residual) is applied to each output
// tile right after its last K block, while the tile is still in cache.
//
// Work is split over tiles of M×N (and batches) on an optional Pool of
// worker goroutines; a nil Pool runs everything on the calling goroutine.
// NewPoolOnCPUs binds the workers' threads, and Bind the caller's, to
// CPUs, so that no two share one while others idle.
// Packing buffers and per-call state are reused between calls, so calls do
// not allocate in steady state.
package gemm
