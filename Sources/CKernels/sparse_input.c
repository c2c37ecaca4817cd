// The first layer of an MLP on one-hot rows as a gather-sum of weight rows (see sparse_input.h).
// The GEMM (gemm.c) accumulates every K block of KC columns from zero with one multiply-add per
// k in increasing order, then adds the block to C (`acc + c`), then the bias, then ReLU. A zero
// input adds exactly nothing to a finite product sum, so skipping zeros and repeating that order
// reproduces its result bit for bit.
#include "sparse_input.h"
#include "sparse_rows.h"
#include <stdlib.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HW_X86 1
#endif

/// gemm.c's K block: each block's products are summed apart, then added to C.
enum { SPARSE_KC = 256 };

/// Portable path: per output j, the same chain as gemm.c's kernel_c.
void hw_sparse_row_c(int nnz, const int *ks, const float *vs, int N, int K, const float *B, int ldb,
                  float *c, const float *bias, int relu) {
    for (int j = 0; j < N; j++) {
        float t = 0.0f;
        int i = 0;
        for (int pc = 0; pc < K; pc += SPARSE_KC) {
            float acc = 0.0f;
            // Written as kernel_c writes it, so that a compiler contracts both alike.
            for (; i < nnz && ks[i] < pc + SPARSE_KC; i++) acc += vs[i] * B[(long)ks[i] * ldb + j];
            t = pc == 0 ? acc : acc + t;
        }
        if (bias) t = t + bias[j];
        if (relu) t = t > 0.0f ? t : 0.0f;
        c[j] = t;
    }
}

#ifdef HW_X86
/// AVX2/FMA path for outputs j .. j + 8V: V vectors of 8 outputs, fused multiply-adds as kernel_avx
/// (V independent chains hide the FMA latency).
__attribute__((target("avx2,fma"), always_inline))
static inline void columns_avx(const int V, int j, int nnz, const int *ks, const float *vs, int K, const float *B,
                               int ldb, float *c, const float *bias, int relu) {
    const __m256 zero = _mm256_setzero_ps();
    __m256 t[8];
    int i = 0;
    for (int pc = 0; pc < K; pc += SPARSE_KC) {
        __m256 acc[8];
        for (int v = 0; v < V; v++) acc[v] = zero;
        for (; i < nnz && ks[i] < pc + SPARSE_KC; i++) {
            const float *brow = B + (long)ks[i] * ldb + j;
            const __m256 x = _mm256_set1_ps(vs[i]);
            for (int v = 0; v < V; v++) acc[v] = _mm256_fmadd_ps(x, _mm256_loadu_ps(brow + 8 * v), acc[v]);
        }
        for (int v = 0; v < V; v++) t[v] = pc == 0 ? acc[v] : _mm256_add_ps(acc[v], t[v]);
    }
    for (int v = 0; v < V; v++) {
        if (bias) t[v] = _mm256_add_ps(t[v], _mm256_loadu_ps(bias + j + 8 * v));
        if (relu) t[v] = _mm256_max_ps(t[v], zero);
        _mm256_storeu_ps(c + j + 8 * v, t[v]);
    }
}

/// AVX2/FMA path: 64 outputs at a time, then 8, then one by one (`fmaf`, as the GEMM's edge tiles).
__attribute__((target("avx2,fma")))
void hw_sparse_row_avx(int nnz, const int *ks, const float *vs, int N, int K, const float *B, int ldb,
                    float *c, const float *bias, int relu) {
    int j = 0;
    for (; j + 64 <= N; j += 64) columns_avx(8, j, nnz, ks, vs, K, B, ldb, c, bias, relu);
    for (; j + 8 <= N; j += 8) columns_avx(1, j, nnz, ks, vs, K, B, ldb, c, bias, relu);
    for (; j < N; j++) {
        float t = 0.0f;
        int i = 0;
        for (int pc = 0; pc < K; pc += SPARSE_KC) {
            float acc = 0.0f;
            for (; i < nnz && ks[i] < pc + SPARSE_KC; i++) acc = __builtin_fmaf(vs[i], B[(long)ks[i] * ldb + j], acc);
            t = pc == 0 ? acc : acc + t;
        }
        if (bias) t = t + bias[j];
        if (relu) t = t > 0.0f ? t : 0.0f;
        c[j] = t;
    }
}

/// AVX-512F path for outputs j .. j + 16V: V zmm vectors of 16 outputs, the same fused chains as
/// columns_avx (so the same bits); 256 outputs in one pass read each weight row once.
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void columns_avx512(const int V, int j, int nnz, const int *ks, const float *vs, int K, const float *B,
                                  int ldb, float *c, const float *bias, int relu) {
    const __m512 zero = _mm512_setzero_ps();
    __m512 t[16];
    int i = 0;
    for (int pc = 0; pc < K; pc += SPARSE_KC) {
        __m512 acc[16];
        for (int v = 0; v < V; v++) acc[v] = zero;
        for (; i < nnz && ks[i] < pc + SPARSE_KC; i++) {
            const float *brow = B + (long)ks[i] * ldb + j;
            const __m512 x = _mm512_set1_ps(vs[i]);
            for (int v = 0; v < V; v++) acc[v] = _mm512_fmadd_ps(x, _mm512_loadu_ps(brow + 16 * v), acc[v]);
        }
        for (int v = 0; v < V; v++) t[v] = pc == 0 ? acc[v] : _mm512_add_ps(acc[v], t[v]);
    }
    for (int v = 0; v < V; v++) {
        if (bias) t[v] = _mm512_add_ps(t[v], _mm512_loadu_ps(bias + j + 16 * v));
        if (relu) t[v] = _mm512_max_ps(t[v], zero);
        _mm512_storeu_ps(c + j + 16 * v, t[v]);
    }
}

/// The non-zeros of a row (`arow[k] != 0`, NaN included) into ks/vs, 16 columns at a time by
/// compressing in registers (the stores write 16 slots: ks and vs hold K + 16); returns how many.
__attribute__((target("avx512f,avx2,fma")))
static int nonzeros_avx512(const float *arow, int K, int *ks, float *vs) {
    int nnz = 0, k = 0;
    __m512i idx = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i step = _mm512_set1_epi32(16);
    for (; k + 16 <= K; k += 16) {
        const __m512 x = _mm512_loadu_ps(arow + k);
        const __mmask16 m = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_NEQ_UQ);
        _mm512_storeu_ps(vs + nnz, _mm512_maskz_compress_ps(m, x));
        _mm512_storeu_si512(ks + nnz, _mm512_maskz_compress_epi32(m, idx));
        nnz += __builtin_popcount(m);
        idx = _mm512_add_epi32(idx, step);
    }
    for (; k < K; k++) {
        if (arow[k] != 0.0f) { ks[nnz] = k; vs[nnz] = arow[k]; nnz++; }
    }
    return nnz;
}

/// AVX-512F path: 256 outputs at a time, then 16, then the AVX2 path for the rest.
__attribute__((target("avx512f,avx2,fma")))
static void row_avx512(int nnz, const int *ks, const float *vs, int N, int K, const float *B, int ldb,
                       float *c, const float *bias, int relu) {
    int j = 0;
    for (; j + 256 <= N; j += 256) columns_avx512(16, j, nnz, ks, vs, K, B, ldb, c, bias, relu);
    for (; j + 16 <= N; j += 16) columns_avx512(1, j, nnz, ks, vs, K, B, ldb, c, bias, relu);
    if (j < N) hw_sparse_row_avx(nnz, ks, vs, N - j, K, B + j, ldb, c + j, bias ? bias + j : NULL, relu);
}
#endif

int hw_sparse_input_gemm(hw_path path, int M, int N, int K, const float *A, int lda, const float *B, int ldb,
                         float *C, int ldc, const float *bias, int relu) {
    if (M <= 0 || N <= 0 || K <= 0) return 0;
    long nonzero = 0;
    for (int r = 0; r < M; r++) {
        const float *arow = A + (long)r * lda;
        for (int k = 0; k < K; k++) nonzero += arow[k] != 0.0f;
    }
    if (2 * nonzero > (long)M * K) return 0;
    int *ks = malloc(sizeof(int) * ((size_t)K + 16));
    float *vs = malloc(sizeof(float) * ((size_t)K + 16));
    if (!ks || !vs) { free(ks); free(vs); return 0; }
    int avx = 0, avx512 = 0;
#ifdef HW_X86
    avx = path != HW_PATH_FALLBACK && hw_cpu_has_avx2_fma();
    avx512 = (path == HW_PATH_AUTO || path == HW_PATH_AVX512) && hw_cpu_has_avx512f();
#endif
    (void)path;
    for (int r = 0; r < M; r++) {
        const float *arow = A + (long)r * lda;
#ifdef HW_X86
        if (avx512) {
            int nnz = nonzeros_avx512(arow, K, ks, vs);
            row_avx512(nnz, ks, vs, N, K, B, ldb, C + (long)r * ldc, bias, relu);
            continue;
        }
#endif
        int nnz = 0;
        for (int k = 0; k < K; k++) {
            if (arow[k] != 0.0f) { ks[nnz] = k; vs[nnz] = arow[k]; nnz++; }
        }
#ifdef HW_X86
        if (avx) { hw_sparse_row_avx(nnz, ks, vs, N, K, B, ldb, C + (long)r * ldc, bias, relu); continue; }
#endif
        hw_sparse_row_c(nnz, ks, vs, N, K, B, ldb, C + (long)r * ldc, bias, relu);
    }
    (void)avx;
    (void)avx512;
    free(ks);
    free(vs);
    return 1;
}
