// Gather along axis 0 (embedding lookup): out[k, c] = table[idx[k], c]
// for rows of `row` elements; negative indices count from the end, and an
// index out of range yields zeros (the CPU reference refuses it).

#define GATHER_ROWS(name, T)                                                                          \
    extern "C" __global__ void name(const float* table, const T* idx, float* out, long long nidx,     \
                                    long long row, long long vocab) {                                 \
        GRID_STRIDE(i, nidx * row) {                                                                  \
            long long k = i / row, c = i % row;                                                       \
            long long t = (long long)idx[k];                                                          \
            if (t < 0) t += vocab;                                                                    \
            out[i] = (t >= 0 && t < vocab) ? table[t * row + c] : 0.f;                                \
        }                                                                                             \
    }

GATHER_ROWS(gather_rows_i64_f32, long long)
GATHER_ROWS(gather_rows_i32_f32, int)
