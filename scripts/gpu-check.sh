#!/bin/sh
# gpu-check.sh builds, on a machine with Go, the test binaries of the CUDA
# target into gpu-check/ (CGO_ENABLED=0: they need only glibc, which purego
# dlopens the CUDA libraries through, and no Go on the GPU machine).
#
# Then, on the GPU machine, from the repository root, run the one command:
#
#   sh scripts/gpu-check.sh run
#
# which runs every binary with -test.v and TFC_CUDA_REQUIRE=1 (a GPU test
# fails instead of skipping when CUDA is missing), NVIDIA_TF32_OVERRIDE=0
# (float32 products stay exact), and writes the logs to $OUT (or ./gpu-out).
set -eu
dir=gpu-check
case "${1:-build}" in
build)
	mkdir -p "$dir"
	for arch in amd64 arm64; do
		CGO_ENABLED=0 GOOS=linux GOARCH=$arch go test -c -o "$dir/exec_cuda.$arch.test" ./exec/cuda
		CGO_ENABLED=0 GOOS=linux GOARCH=$arch go test -c -tags cuda -o "$dir/cmd_tfc.$arch.test" ./cmd/tfc
	done
	echo "built: $(ls "$dir")"
	;;
run)
	out=${OUT:-gpu-out}
	mkdir -p "$out"
	arch=$(uname -m)
	case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
	nvidia-smi >"$out/nvidia-smi.txt" 2>&1 || true
	status=0
	for bin in "$dir"/*."$arch".test; do
		name=$(basename "$bin" ".$arch.test")
		# Tests read testdata relative to their package directory
		# (exec_cuda is exec/cuda, cmd_tfc is cmd/tfc: tfc run --device cuda).
		(cd "$(echo "$name" | tr _ /)" && TFC_CUDA_REQUIRE=1 NVIDIA_TF32_OVERRIDE=0 \
			"../../$bin" -test.v -test.count=1 >"$out/$name.log" 2>&1) || status=1
		tail -n 3 "$out/$name.log"
	done
	exit $status
	;;
*)
	echo "usage: $0 [build|run]" >&2
	exit 2
	;;
esac
