// Elementwise kernels: unary ops over contiguous data, binary ops with
// broadcasting (Bcast), and a strided copy (Transpose, Expand).

#define UNARY(name, expr)                                                              \
    extern "C" __global__ void name(const float* x, float* y, long long n) {          \
        GRID_STRIDE(i, n) {                                                            \
            float v = x[i];                                                            \
            y[i] = (expr);                                                             \
        }                                                                              \
    }

UNARY(relu_f32, fmaxf(v, 0.f))
UNARY(tanh_f32, tanhf(v))
UNARY(sigmoid_f32, 1.f / (1.f + expf(-v)))
UNARY(erf_f32, erff(v))
UNARY(sqrt_f32, sqrtf(v))
UNARY(exp_f32, expf(v))
UNARY(log_f32, logf(v))
UNARY(neg_f32, -v)
UNARY(abs_f32, fabsf(v))
UNARY(reciprocal_f32, 1.f / v)
UNARY(gelu_erf_f32, gelu_erf(v))
UNARY(gelu_tanh_f32, gelu_tanh(v))

#define BINARY(name, expr)                                                             \
    extern "C" __global__ void name(const float* a, const float* b, float* y, Bcast s) { \
        GRID_STRIDE(i, s.n) {                                                          \
            long long oa, ob;                                                          \
            bcast_offsets(s, i, &oa, &ob);                                             \
            float x = a[oa], z = b[ob];                                                \
            y[i] = (expr);                                                             \
        }                                                                              \
    }

BINARY(add_f32, x + z)
BINARY(sub_f32, x - z)
BINARY(mul_f32, x * z)
BINARY(div_f32, x / z)
BINARY(pow_f32, powf(x, z))
BINARY(max_f32, fmaxf(x, z))
BINARY(min_f32, fminf(x, z))
BINARY(bias_gelu_erf_f32, gelu_erf(x + z))
BINARY(bias_gelu_tanh_f32, gelu_tanh(x + z))

// copy_strided writes y[i] = x[offset of i through s.sa]; s.sb is unused.
extern "C" __global__ void copy_strided_f32(const float* x, float* y, Bcast s) {
    GRID_STRIDE(i, s.n) {
        long long ox, unused;
        bcast_offsets(s, i, &ox, &unused);
        y[i] = x[ox];
    }
}
