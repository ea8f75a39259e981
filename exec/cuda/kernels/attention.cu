// Flash-attention style forward kernel for ai.tfc:Attention (float32),
// following exec/ops/fused/attention.go: per head,
// softmax(Q·Kᵀ·scale + Bias, causal mask aligned bottom-right) · V, query
// head h reading key/value head h / (H / Hkv).
//
// A block owns BQ = blockDim.x consecutive query rows of one (batch, head),
// one thread per row. Q rows are staged in shared memory (padded against
// bank conflicts); K and V are walked in tiles of ATT_BK rows loaded into
// shared memory by the whole block. Each thread keeps its running max m,
// normaliser l and output accumulator in registers (online softmax), so
// the Sq×Skv score matrix never exists. HEAD_DIM is fixed when the source
// is compiled (NVRTC -DHEAD_DIM=d).

#ifndef HEAD_DIM
#define HEAD_DIM 64
#endif
#define ATT_BK (HEAD_DIM > 64 ? 16 : 32)
#define Q_STRIDE (HEAD_DIM + 1)

// AttnShape matches attnShape in exec/cuda/lower.go. The strides qs, ks,
// vs and os are per batch, head and position (features are contiguous);
// bias_s are the bias strides per batch, head, query and key (0 where the
// bias broadcasts).
struct AttnShape {
    long long b, h, hkv, sq, skv;
    long long qs[3], ks[3], vs[3], os[3];
    long long bias_s[4];
    float scale;
    int causal;
};

extern "C" __global__ void attention_f32(const float* q, const float* k, const float* v, const float* bias,
                                         float* o, AttnShape s) {
    extern __shared__ float smem[];
    const int BQ = blockDim.x;
    float* qt = smem;                    // [BQ][Q_STRIDE]
    float* kt = qt + BQ * Q_STRIDE;      // [ATT_BK][HEAD_DIM]
    float* vt = kt + ATT_BK * HEAD_DIM;  // [ATT_BK][HEAD_DIM]

    const long long bi = blockIdx.z, hi = blockIdx.y, q0 = (long long)blockIdx.x * BQ;
    const long long hk = hi / (s.h / s.hkv);
    const float* qb = q + bi * s.qs[0] + hi * s.qs[1];
    const float* kb = k + bi * s.ks[0] + hk * s.ks[1];
    const float* vb = v + bi * s.vs[0] + hk * s.vs[1];

    for (int e = threadIdx.x; e < BQ * HEAD_DIM; e += BQ) {
        int r = e / HEAD_DIM, c = e % HEAD_DIM;
        long long qi = q0 + r;
        qt[r * Q_STRIDE + c] = qi < s.sq ? qb[qi * s.qs[2] + c] : 0.f;
    }

    const long long i = q0 + threadIdx.x;
    const bool active = i < s.sq;
    const long long shift = s.skv - s.sq;  // causal: key j is seen when j <= i + shift
    long long jend = s.skv;                // the same bound for the whole block
    if (s.causal) {
        long long last = q0 + BQ + shift;  // one past the last key any row of the block sees
        jend = last < 0 ? 0 : (last < s.skv ? last : s.skv);
    }
    const float* qrow = qt + threadIdx.x * Q_STRIDE;
    const float* brow = bias && active ? bias + bi * s.bias_s[0] + hi * s.bias_s[1] + i * s.bias_s[2] : nullptr;

    float m = -INFINITY, l = 0.f, acc[HEAD_DIM];
    for (int d = 0; d < HEAD_DIM; ++d) acc[d] = 0.f;

    for (long long j0 = 0; j0 < jend; j0 += ATT_BK) {
        __syncthreads();  // the Q tile is written / the previous K, V tiles are consumed
        for (int e = threadIdx.x; e < ATT_BK * HEAD_DIM; e += BQ) {
            int r = e / HEAD_DIM, c = e % HEAD_DIM;
            long long j = j0 + r;
            bool in = j < s.skv;
            kt[e] = in ? kb[j * s.ks[2] + c] : 0.f;
            vt[e] = in ? vb[j * s.vs[2] + c] : 0.f;
        }
        __syncthreads();
        if (!active) continue;

        float sc[ATT_BK];
        float tmax = -INFINITY;
        for (int r = 0; r < ATT_BK; ++r) {
            long long j = j0 + r;
            float x = -INFINITY;
            if (j < s.skv && !(s.causal && j > i + shift)) {
                float dot = 0.f;
                for (int d = 0; d < HEAD_DIM; ++d) dot += qrow[d] * kt[r * HEAD_DIM + d];
                x = dot * s.scale;
                if (brow) x += brow[j * s.bias_s[3]];
            }
            sc[r] = x;
            tmax = fmaxf(tmax, x);
        }
        float mnew = fmaxf(m, tmax);
        if (mnew == -INFINITY) continue;  // every key so far is masked
        float corr = expf(m - mnew);      // 0 while m is -inf
        l *= corr;
        for (int d = 0; d < HEAD_DIM; ++d) acc[d] *= corr;
        for (int r = 0; r < ATT_BK; ++r) {
            float p = expf(sc[r] - mnew);
            l += p;
            for (int d = 0; d < HEAD_DIM; ++d) acc[d] += p * vt[r * HEAD_DIM + d];
        }
        m = mnew;
    }
    if (active) {
        float* orow = o + bi * s.os[0] + hi * s.os[1] + i * s.os[2];
        float inv = l > 0.f ? 1.f / l : 0.f;
        for (int d = 0; d < HEAD_DIM; ++d) orow[d] = acc[d] * inv;
    }
}
