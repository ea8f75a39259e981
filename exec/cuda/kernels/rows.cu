// Row kernels over the last axis, one block per row (grid-stride over
// rows): softmax, and LayerNorm / SkipLayerNorm / RMSNorm as one kernel.
// The math follows exec/ops/nn (Softmax) and exec/ops/fused (norm.go).

extern "C" __global__ void softmax_rows_f32(const float* x, float* y, long long rows, long long h) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + r * h;
        float* yr = y + r * h;
        float m = -INFINITY;
        for (long long j = threadIdx.x; j < h; j += blockDim.x) m = fmaxf(m, xr[j]);
        m = block_max(m);
        float s = 0.f;
        for (long long j = threadIdx.x; j < h; j += blockDim.x) s += expf(xr[j] - m);
        float inv = 1.f / block_sum(s);
        for (long long j = threadIdx.x; j < h; j += blockDim.x) yr[j] = expf(xr[j] - m) * inv;
    }
}

// norm_rows: v = x + skip (skip may be null); with rms == 0,
// y = (v - mean) / sqrt(var + eps) * scale + bias, else
// y = v / sqrt(mean(v²) + eps) * scale. bias and sum may be null; sum,
// when not null, receives v (SkipLayerNorm's second output).
extern "C" __global__ void norm_rows_f32(const float* x, const float* skip, const float* scale, const float* bias,
                                         float* y, float* sum, long long rows, long long h, float eps, int rms) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + r * h;
        const float* sr = skip ? skip + r * h : nullptr;
        float mean = 0.f;
        if (!rms) {
            float s = 0.f;
            for (long long j = threadIdx.x; j < h; j += blockDim.x) s += xr[j] + (sr ? sr[j] : 0.f);
            mean = block_sum(s) / (float)h;
        }
        float s = 0.f;
        for (long long j = threadIdx.x; j < h; j += blockDim.x) {
            float d = xr[j] + (sr ? sr[j] : 0.f) - mean;
            s += d * d;
        }
        float inv = 1.f / sqrtf(block_sum(s) / (float)h + eps);
        for (long long j = threadIdx.x; j < h; j += blockDim.x) {
            float v = xr[j] + (sr ? sr[j] : 0.f);
            if (sum) sum[r * h + j] = v;
            y[r * h + j] = (v - mean) * inv * scale[j] + (bias ? bias[j] : 0.f);
        }
    }
}
