package cuda

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

//go:embed kernels/common.cuh kernels/*.cu
var kernelFS embed.FS

// kernelSource is the one translation unit NVRTC compiles: common.cuh,
// then every .cu file in name order.
func kernelSource() (string, error) {
	names, err := kernelFS.ReadDir("kernels")
	if err != nil {
		return "", fmt.Errorf("cuda: kernel sources: %w", err)
	}
	files := []string{"kernels/common.cuh"}
	for _, e := range names {
		if strings.HasSuffix(e.Name(), ".cu") {
			files = append(files, "kernels/"+e.Name())
		}
	}
	sort.Strings(files[1:])
	var b strings.Builder
	for _, f := range files {
		src, err := kernelFS.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("cuda: kernel sources: %w", err)
		}
		fmt.Fprintf(&b, "// ---- %s\n%s\n", f, src)
	}
	return b.String(), nil
}

// compileOptions are the NVRTC options for a device architecture and an
// attention head dimension (0 when the plan has no attention).
func compileOptions(arch string, headDim int) []string {
	opts := []string{"--gpu-architecture=" + arch, "--std=c++14"}
	if headDim > 0 {
		opts = append(opts, fmt.Sprintf("-DHEAD_DIM=%d", headDim))
	}
	return opts
}

// CacheDirEnv names the environment variable that overrides the directory
// of compiled kernels (by default tfc-cuda under the user's cache directory).
const CacheDirEnv = "TFC_CUDA_CACHE_DIR"

// ptxCache keeps compiled PTX by cacheKey for the life of the process.
var ptxCache sync.Map

// cacheKey names the PTX of src compiled with opts.
func cacheKey(src string, opts []string) string {
	h := sha256.New()
	h.Write([]byte(src))
	for _, o := range opts {
		h.Write([]byte{0})
		h.Write([]byte(o))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// cacheDir is where compiled PTX is kept between processes, "" if none.
func cacheDir() string {
	if d := os.Getenv(CacheDirEnv); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "tfc-cuda")
}

// ptx returns the NUL-terminated PTX of src compiled with opts, from the
// process cache, the disk cache or NVRTC. A disk cache that cannot be
// written only costs a recompilation next time.
func (a *api) ptx(src string, opts []string) ([]byte, error) {
	key := cacheKey(src, opts)
	if p, ok := ptxCache.Load(key); ok {
		return p.([]byte), nil
	}
	dir := cacheDir()
	file := filepath.Join(dir, key+".ptx")
	p, err := os.ReadFile(file)
	if dir == "" || err != nil || len(p) == 0 || p[len(p)-1] != 0 {
		if p, err = a.compile(src, opts); err != nil {
			return nil, err
		}
		if dir != "" && os.MkdirAll(dir, 0o755) == nil {
			_ = os.WriteFile(file, p, 0o644) // best effort, see above
		}
	}
	ptxCache.Store(key, p)
	return p, nil
}

// compile runs NVRTC; the error carries the compiler's log.
func (a *api) compile(src string, opts []string) ([]byte, error) {
	var prog uintptr
	if code := a.nvrtcCreateProgram(&prog, src, "tfc_kernels.cu", 0, nil, nil); code != 0 {
		return nil, &callError{fn: "nvrtcCreateProgram", code: code, msg: a.nvrtcGetErrorString(code)}
	}
	defer a.nvrtcDestroyProgram(&prog)
	cOpts := make([]*byte, len(opts))
	var pin runtime.Pinner
	defer pin.Unpin()
	for i, o := range opts {
		b := append([]byte(o), 0)
		pin.Pin(&b[0])
		cOpts[i] = &b[0]
	}
	if code := a.nvrtcCompileProgram(prog, int32(len(cOpts)), &cOpts[0]); code != 0 {
		return nil, &callError{fn: "nvrtcCompileProgram", code: code,
			msg: a.nvrtcGetErrorString(code) + "\n" + a.programLog(prog)}
	}
	var n uint64
	if code := a.nvrtcGetPTXSize(prog, &n); code != 0 || n == 0 {
		return nil, &callError{fn: "nvrtcGetPTXSize", code: code, msg: a.nvrtcGetErrorString(code)}
	}
	p := make([]byte, n)
	if code := a.nvrtcGetPTX(prog, &p[0]); code != 0 {
		return nil, &callError{fn: "nvrtcGetPTX", code: code, msg: a.nvrtcGetErrorString(code)}
	}
	return p, nil
}

// programLog is NVRTC's log of a compilation.
func (a *api) programLog(prog uintptr) string {
	var n uint64
	if a.nvrtcGetProgramLogSize(prog, &n) != 0 || n <= 1 {
		return ""
	}
	log := make([]byte, n)
	if a.nvrtcGetProgramLog(prog, &log[0]) != 0 {
		return ""
	}
	return strings.TrimRight(string(log), "\x00\n")
}
