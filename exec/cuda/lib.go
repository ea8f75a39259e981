package cuda

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"unsafe"
)

// LibDirEnv names the environment variable that, when set, is the only
// directory the CUDA libraries are looked for in.
const LibDirEnv = "TFC_CUDA_LIB_DIR"

// Library file names, most recent first; without LibDirEnv they are
// resolved by the dynamic loader's usual search (LD_LIBRARY_PATH, ld.so.cache).
var (
	driverNames = []string{"libcuda.so.1", "libcuda.so"}
	cublasNames = []string{"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"}
	nvrtcNames  = []string{"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.11.1", "libnvrtc.so.11.0", "libnvrtc.so"}
)

// api holds the bound functions of the three libraries. CUDA handles
// (contexts, modules, functions, streams, graphs, device pointers) are
// uintptr; results are the libraries' int status codes.
type api struct {
	// driver (libcuda)
	cuInit                      func(flags uint32) int32
	cuDriverGetVersion          func(v *int32) int32
	cuDeviceGetCount            func(n *int32) int32
	cuDeviceGet                 func(dev *int32, ordinal int32) int32
	cuDeviceGetName             func(name *byte, n int32, dev int32) int32
	cuDeviceGetAttribute        func(v *int32, attr int32, dev int32) int32
	cuDeviceTotalMem            func(bytes *uint64, dev int32) int32
	cuDevicePrimaryCtxRetain    func(ctx *uintptr, dev int32) int32
	cuDevicePrimaryCtxRelease   func(dev int32) int32
	cuCtxSetCurrent             func(ctx uintptr) int32
	cuMemAlloc                  func(p *uintptr, bytes uint64) int32
	cuMemFree                   func(p uintptr) int32
	cuMemsetD8Async             func(p uintptr, v uint8, n uint64, stream uintptr) int32
	cuMemcpyHtoDAsync           func(dst uintptr, src unsafe.Pointer, n uint64, stream uintptr) int32
	cuMemcpyDtoHAsync           func(dst unsafe.Pointer, src uintptr, n uint64, stream uintptr) int32
	cuModuleLoadData            func(m *uintptr, image *byte) int32
	cuModuleUnload              func(m uintptr) int32
	cuModuleGetFunction         func(f *uintptr, m uintptr, name string) int32
	cuLaunchKernel              func(f uintptr, gx, gy, gz, bx, by, bz, shared uint32, stream uintptr, params *unsafe.Pointer, extra *unsafe.Pointer) int32
	cuStreamCreate              func(s *uintptr, flags uint32) int32
	cuStreamDestroy             func(s uintptr) int32
	cuStreamSynchronize         func(s uintptr) int32
	cuStreamBeginCapture        func(s uintptr, mode int32) int32
	cuStreamEndCapture          func(s uintptr, g *uintptr) int32
	cuGraphInstantiateWithFlags func(e *uintptr, g uintptr, flags uint64) int32
	cuGraphLaunch               func(e uintptr, s uintptr) int32
	cuGraphExecDestroy          func(e uintptr) int32
	cuGraphDestroy              func(g uintptr) int32
	cuGetErrorString            func(code int32, s **byte) int32

	// cuBLAS
	cublasCreate               func(h *uintptr) int32
	cublasDestroy              func(h uintptr) int32
	cublasSetStream            func(h uintptr, s uintptr) int32
	cublasSetMathMode          func(h uintptr, mode int32) int32
	cublasSetWorkspace         func(h uintptr, p uintptr, bytes uint64) int32
	cublasGemmStridedBatchedEx func(h uintptr, ta, tb int32, m, n, k int32, alpha unsafe.Pointer,
		a uintptr, at int32, lda int32, sa int64, b uintptr, bt int32, ldb int32, sb int64,
		beta unsafe.Pointer, c uintptr, ct int32, ldc int32, sc int64, batch int32, compute int32, algo int32) int32

	// NVRTC
	nvrtcCreateProgram     func(p *uintptr, src string, name string, nh int32, headers, names unsafe.Pointer) int32
	nvrtcCompileProgram    func(p uintptr, n int32, opts **byte) int32
	nvrtcGetPTXSize        func(p uintptr, n *uint64) int32
	nvrtcGetPTX            func(p uintptr, ptx *byte) int32
	nvrtcGetProgramLogSize func(p uintptr, n *uint64) int32
	nvrtcGetProgramLog     func(p uintptr, log *byte) int32
	nvrtcDestroyProgram    func(p *uintptr) int32
	nvrtcGetErrorString    func(code int32) string
}

// symbol pairs a C function name with the api field bound to it.
type symbol struct {
	name string
	fptr any
}

func (a *api) driverSymbols() []symbol {
	return []symbol{
		{"cuInit", &a.cuInit}, {"cuDriverGetVersion", &a.cuDriverGetVersion},
		{"cuDeviceGetCount", &a.cuDeviceGetCount}, {"cuDeviceGet", &a.cuDeviceGet},
		{"cuDeviceGetName", &a.cuDeviceGetName}, {"cuDeviceGetAttribute", &a.cuDeviceGetAttribute},
		{"cuDeviceTotalMem_v2", &a.cuDeviceTotalMem},
		{"cuDevicePrimaryCtxRetain", &a.cuDevicePrimaryCtxRetain}, {"cuDevicePrimaryCtxRelease_v2", &a.cuDevicePrimaryCtxRelease},
		{"cuCtxSetCurrent", &a.cuCtxSetCurrent},
		{"cuMemAlloc_v2", &a.cuMemAlloc}, {"cuMemFree_v2", &a.cuMemFree}, {"cuMemsetD8Async", &a.cuMemsetD8Async},
		{"cuMemcpyHtoDAsync_v2", &a.cuMemcpyHtoDAsync}, {"cuMemcpyDtoHAsync_v2", &a.cuMemcpyDtoHAsync},
		{"cuModuleLoadData", &a.cuModuleLoadData}, {"cuModuleUnload", &a.cuModuleUnload},
		{"cuModuleGetFunction", &a.cuModuleGetFunction}, {"cuLaunchKernel", &a.cuLaunchKernel},
		{"cuStreamCreate", &a.cuStreamCreate}, {"cuStreamDestroy_v2", &a.cuStreamDestroy},
		{"cuStreamSynchronize", &a.cuStreamSynchronize},
		{"cuStreamBeginCapture_v2", &a.cuStreamBeginCapture}, {"cuStreamEndCapture", &a.cuStreamEndCapture},
		{"cuGraphInstantiateWithFlags", &a.cuGraphInstantiateWithFlags}, {"cuGraphLaunch", &a.cuGraphLaunch},
		{"cuGraphExecDestroy", &a.cuGraphExecDestroy}, {"cuGraphDestroy", &a.cuGraphDestroy},
		{"cuGetErrorString", &a.cuGetErrorString},
	}
}

func (a *api) cublasSymbols() []symbol {
	return []symbol{
		{"cublasCreate_v2", &a.cublasCreate}, {"cublasDestroy_v2", &a.cublasDestroy},
		{"cublasSetStream_v2", &a.cublasSetStream}, {"cublasSetMathMode", &a.cublasSetMathMode},
		{"cublasSetWorkspace_v2", &a.cublasSetWorkspace},
		{"cublasGemmStridedBatchedEx", &a.cublasGemmStridedBatchedEx},
	}
}

func (a *api) nvrtcSymbols() []symbol {
	return []symbol{
		{"nvrtcCreateProgram", &a.nvrtcCreateProgram}, {"nvrtcCompileProgram", &a.nvrtcCompileProgram},
		{"nvrtcGetPTXSize", &a.nvrtcGetPTXSize}, {"nvrtcGetPTX", &a.nvrtcGetPTX},
		{"nvrtcGetProgramLogSize", &a.nvrtcGetProgramLogSize}, {"nvrtcGetProgramLog", &a.nvrtcGetProgramLog},
		{"nvrtcDestroyProgram", &a.nvrtcDestroyProgram}, {"nvrtcGetErrorString", &a.nvrtcGetErrorString},
	}
}

// loaded caches one load per library directory ("" for the loader's search).
var loaded struct {
	sync.Mutex
	byDir map[string]loadResult
}

type loadResult struct {
	a   *api
	err error
}

// load opens and binds the CUDA libraries once per value of LibDirEnv and
// initialises the driver.
func load() (*api, error) {
	dir := os.Getenv(LibDirEnv)
	loaded.Lock()
	defer loaded.Unlock()
	if r, ok := loaded.byDir[dir]; ok {
		return r.a, r.err
	}
	a, err := open(dir)
	if err == nil {
		err = a.init()
	}
	if err != nil {
		a = nil
	}
	if loaded.byDir == nil {
		loaded.byDir = map[string]loadResult{}
	}
	loaded.byDir[dir] = loadResult{a, err}
	return a, err
}

// open finds each library (in dir when not empty) and binds its symbols.
func open(dir string) (*api, error) {
	a := &api{}
	for _, lib := range []struct {
		names []string
		syms  []symbol
	}{{driverNames, a.driverSymbols()}, {cublasNames, a.cublasSymbols()}, {nvrtcNames, a.nvrtcSymbols()}} {
		h, err := openFirst(dir, lib.names)
		if err != nil {
			return nil, err
		}
		for _, s := range lib.syms {
			if err := bind(h, s.name, s.fptr); err != nil {
				return nil, &NoCUDAError{Reason: lib.names[0] + " lacks a function (too old?): " + err.Error()}
			}
		}
	}
	return a, nil
}

// openFirst opens the first of names that loads.
func openFirst(dir string, names []string) (uintptr, error) {
	var tried []string
	var last error
	for _, n := range names {
		path := n
		if dir != "" {
			path = filepath.Join(dir, n)
		}
		h, err := dlopen(path)
		if err == nil {
			return h, nil
		}
		var nc *NoCUDAError
		if errors.As(err, &nc) {
			return 0, err
		}
		tried, last = append(tried, path), err
	}
	return 0, &NoCUDAError{Reason: "library " + names[0] + " not found: " + last.Error(), Tried: tried}
}

// init initialises the driver and checks there is a device.
func (a *api) init() error {
	if code := a.cuInit(0); code != 0 {
		return &NoCUDAError{Reason: "cuInit failed: " + a.errorString(code)}
	}
	var n int32
	if code := a.cuDeviceGetCount(&n); code != 0 {
		return &NoCUDAError{Reason: "cuDeviceGetCount failed: " + a.errorString(code)}
	}
	if n == 0 {
		return &NoCUDAError{Reason: "the driver is present but there is no CUDA device"}
	}
	return nil
}

// errorString is the driver's name for a result code.
func (a *api) errorString(code int32) string {
	var s *byte
	if a.cuGetErrorString(code, &s) != 0 || s == nil {
		return "unknown CUDA error"
	}
	return cString(s)
}

// check turns a driver result into an error naming the call.
func (a *api) check(fn string, code int32) error {
	if code == 0 {
		return nil
	}
	return &callError{fn: fn, code: code, msg: a.errorString(code)}
}

// cString copies a NUL-terminated C string.
func cString(p *byte) string {
	var b []byte
	for q := unsafe.Pointer(p); *(*byte)(q) != 0; q = unsafe.Add(q, 1) {
		b = append(b, *(*byte)(q))
	}
	return string(b)
}
