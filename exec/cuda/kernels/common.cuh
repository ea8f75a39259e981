// Shared definitions of tfc's CUDA kernels. All kernels read and write
// float32, use grid-stride loops and tolerate their output aliasing an
// input element for element (the memory plan computes some ops in place).

#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif

#define MAX_RANK 6

// Bcast addresses an output of n elements of the given shape (row-major)
// and two operands through their strides (0 along broadcast dims). Its
// layout matches bcast in exec/cuda/lower.go.
struct Bcast {
    long long rank, n;
    long long shape[MAX_RANK];
    long long sa[MAX_RANK];
    long long sb[MAX_RANK];
};

// bcast_offsets maps output element i to its offsets in a and b.
__device__ __forceinline__ void bcast_offsets(const Bcast& s, long long i, long long* oa, long long* ob) {
    long long a = 0, b = 0;
    for (int d = (int)s.rank - 1; d >= 0; --d) {
        long long q = i % s.shape[d];
        i /= s.shape[d];
        a += q * s.sa[d];
        b += q * s.sb[d];
    }
    *oa = a;
    *ob = b;
}

#define GRID_STRIDE(i, n) \
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < (n); i += (long long)gridDim.x * blockDim.x)

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// block_sum and block_max reduce over a block whose size is a multiple of
// 32; every thread gets the result. They start with a barrier, so they
// may be called repeatedly.
__device__ float block_sum(float v) {
    __shared__ float part[32];
    v = warp_sum(v);
    __syncthreads();
    if ((threadIdx.x & 31) == 0) part[threadIdx.x >> 5] = v;
    __syncthreads();
    int lane = threadIdx.x & 31;
    return warp_sum(lane < (int)(blockDim.x >> 5) ? part[lane] : 0.f);
}

__device__ float block_max(float v) {
    __shared__ float part[32];
    v = warp_max(v);
    __syncthreads();
    if ((threadIdx.x & 31) == 0) part[threadIdx.x >> 5] = v;
    __syncthreads();
    int lane = threadIdx.x & 31;
    return warp_max(lane < (int)(blockDim.x >> 5) ? part[lane] : -INFINITY);
}

__device__ __forceinline__ float gelu_erf(float x) { return 0.5f * x * (1.f + erff(x * 0.70710678118654752f)); }

__device__ __forceinline__ float gelu_tanh(float x) {
    return 0.5f * x * (1.f + tanhf(0.79788456080286536f * (x + 0.044715f * x * x * x)));
}
