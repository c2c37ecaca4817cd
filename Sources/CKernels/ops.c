#include "ckernels.h"
#include <math.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

// Element-wise helpers of the trainer. Each body is compiled twice: portable, and for AVX2/FMA
// (8-wide), chosen by the run-time CPU check; Adam a third time for AVX-512F (16-wide).

void hw_column_sums(int M, int N, const float *x, int ldx, float *y, int accumulate) {
    if (!accumulate) {
        for (int j = 0; j < N; j++) y[j] = 0.0f;
    }
    for (int i = 0; i < M; i++) {
        const float *row = x + (long)i * ldx;
        for (int j = 0; j < N; j++) y[j] += row[j];
    }
}

static inline __attribute__((always_inline)) void relu_backward_body(int count, const float *a, float *d) {
    for (int i = 0; i < count; i++) d[i] = a[i] > 0.0f ? d[i] : 0.0f;
}

static inline __attribute__((always_inline))
void adam_body(int count, float *restrict p, const float *restrict g, float *restrict m, float *restrict v, float lr,
               float b1, float b2, float eps, float c1, float c2, float wd) {
    const float ob1 = 1.0f - b1, ob2 = 1.0f - b2;
    const float ic1 = 1.0f / c1, ic2 = 1.0f / c2;
    for (int i = 0; i < count; i++) {
        float gi = g[i];
        float mi = b1 * m[i] + ob1 * gi;
        float vi = b2 * v[i] + ob2 * gi * gi;
        // Moments below 1e-30 are flushed to zero: denormals would only slow the update down.
        mi = fabsf(mi) < 1e-30f ? 0.0f : mi;
        vi = vi < 1e-30f ? 0.0f : vi;
        m[i] = mi;
        v[i] = vi;
        float step = (mi * ic1) / (sqrtf(vi * ic2) + eps);
        p[i] = p[i] - lr * step - lr * wd * p[i];
    }
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static void relu_backward_avx(int count, const float *a, float *d) {
    relu_backward_body(count, a, d);
}
// The vector loop of the Adam step, W parameters a step on vectors VT (intrinsics prefix P),
// with the rounding of the scalar body as compiled for AVX2/FMA (its multiply-adds contracted
// the same way; vsqrtps/vdivps round as sqrtss/divss at every width), so that the vector lanes
// and the scalar tail give the same bits. ABS(x) is |x|; FLUSH(x, key, tiny) zeroes the lanes
// of x where key < tiny. The scalar loop is not vectorized by the compiler: `sqrtf` may set
// errno. `testAdamVectorLanesMatchScalarTailAndThreadedUpdate` checks the agreement.
#define ADAM_VECTOR_LOOP(W, VT, P, ABS, FLUSH)                                                                     \
    const VT vb1 = P##_set1_ps(b1), vb2 = P##_set1_ps(b2), vob1 = P##_set1_ps(1.0f - b1),                          \
             vob2 = P##_set1_ps(1.0f - b2), vic1 = P##_set1_ps(1.0f / c1), vic2 = P##_set1_ps(1.0f / c2),          \
             veps = P##_set1_ps(eps), vnlr = P##_set1_ps(-lr), vnlrwd = P##_set1_ps(lr * -wd),                     \
             tiny = P##_set1_ps(1e-30f);                                                                          \
    for (; i + W <= count; i += W) {                                                                               \
        VT gi = P##_loadu_ps(g + i);                                                                               \
        VT mi = P##_fmadd_ps(vb1, P##_loadu_ps(m + i), P##_mul_ps(vob1, gi));                                      \
        VT vi = P##_fmadd_ps(vb2, P##_loadu_ps(v + i), P##_mul_ps(P##_mul_ps(vob2, gi), gi));                      \
        mi = FLUSH(mi, ABS(mi), tiny);                                                                             \
        vi = FLUSH(vi, vi, tiny);                                                                                  \
        P##_storeu_ps(m + i, mi);                                                                                  \
        P##_storeu_ps(v + i, vi);                                                                                  \
        VT step = P##_div_ps(P##_mul_ps(vic1, mi), P##_add_ps(P##_sqrt_ps(P##_mul_ps(vi, vic2)), veps));           \
        VT pi = P##_loadu_ps(p + i);                                                                               \
        P##_storeu_ps(p + i, P##_fmadd_ps(vnlrwd, pi, P##_fmadd_ps(vnlr, step, pi)));                              \
    }

__attribute__((target("avx2,fma"), always_inline)) static inline __m256 abs_avx(__m256 x) {
    return _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
}
__attribute__((target("avx2,fma"), always_inline)) static inline __m256 flush_avx(__m256 x, __m256 key, __m256 tiny) {
    return _mm256_blendv_ps(x, _mm256_setzero_ps(), _mm256_cmp_ps(key, tiny, _CMP_LT_OQ));
}
__attribute__((target("avx512f"), always_inline)) static inline __m512 flush_avx512(__m512 x, __m512 key, __m512 tiny) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(key, tiny, _CMP_LT_OQ), x, _mm512_setzero_ps());
}

/// 8 parameters a step, the rest by the scalar body.
__attribute__((target("avx2,fma")))
static void adam_avx(int count, float *p, const float *g, float *m, float *v, float lr, float b1, float b2, float eps,
                     float c1, float c2, float wd) {
    int i = 0;
    ADAM_VECTOR_LOOP(8, __m256, _mm256, abs_avx, flush_avx)
    adam_body(count - i, p + i, g + i, m + i, v + i, lr, b1, b2, eps, c1, c2, wd);
}

/// 16 parameters a step, the rest by adam_avx.
__attribute__((target("avx512f,avx2,fma")))
static void adam_avx512(int count, float *p, const float *g, float *m, float *v, float lr, float b1, float b2,
                        float eps, float c1, float c2, float wd) {
    int i = 0;
    ADAM_VECTOR_LOOP(16, __m512, _mm512, _mm512_abs_ps, flush_avx512)
    adam_avx(count - i, p + i, g + i, m + i, v + i, lr, b1, b2, eps, c1, c2, wd);
}
#define HW_HAS_AVX_OPS hw_cpu_has_avx2_fma()
#else
#define HW_HAS_AVX_OPS 0
#endif

void hw_relu_backward(int count, const float *a, float *d) {
#if defined(__x86_64__) || defined(__i386__)
    if (HW_HAS_AVX_OPS) { relu_backward_avx(count, a, d); return; }
#endif
    relu_backward_body(count, a, d);
}

void hw_adam_step(int count, float *p, const float *g, float *m, float *v, float lr, float b1,
                  float b2, float eps, float c1, float c2, float wd) {
#if defined(__x86_64__) || defined(__i386__)
    if (hw_cpu_has_avx512f()) { adam_avx512(count, p, g, m, v, lr, b1, b2, eps, c1, c2, wd); return; }
    if (HW_HAS_AVX_OPS) { adam_avx(count, p, g, m, v, lr, b1, b2, eps, c1, c2, wd); return; }
#endif
    adam_body(count, p, g, m, v, lr, b1, b2, eps, c1, c2, wd);
}
