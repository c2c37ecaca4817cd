#include "ckernels.h"
#include <math.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

// Element-wise helpers of the trainer. Each body is compiled twice: portable, and for AVX2/FMA
// (8-wide), chosen by the run-time CPU check.

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
// 8 parameters a step, with the rounding of the scalar body as compiled for AVX2/FMA (its
// multiply-adds contracted the same way; vsqrtps/vdivps round as sqrtss/divss), so that the
// vector lanes and the scalar tail give the same bits. The scalar loop is not vectorized by the
// compiler: `sqrtf` may set errno. `testAdamVectorLanesMatchScalarTail` checks the agreement.
__attribute__((target("avx2,fma")))
static void adam_avx(int count, float *p, const float *g, float *m, float *v, float lr, float b1, float b2, float eps,
                     float c1, float c2, float wd) {
    const float ob1 = 1.0f - b1, ob2 = 1.0f - b2;
    const float ic1 = 1.0f / c1, ic2 = 1.0f / c2;
    const __m256 vb1 = _mm256_set1_ps(b1), vb2 = _mm256_set1_ps(b2), vob1 = _mm256_set1_ps(ob1),
                 vob2 = _mm256_set1_ps(ob2), vic1 = _mm256_set1_ps(ic1), vic2 = _mm256_set1_ps(ic2),
                 veps = _mm256_set1_ps(eps), vnlr = _mm256_set1_ps(-lr), vnlrwd = _mm256_set1_ps(lr * -wd),
                 tiny = _mm256_set1_ps(1e-30f), zero = _mm256_setzero_ps(),
                 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    int i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 gi = _mm256_loadu_ps(g + i);
        __m256 mi = _mm256_fmadd_ps(vb1, _mm256_loadu_ps(m + i), _mm256_mul_ps(vob1, gi));
        __m256 vi = _mm256_fmadd_ps(vb2, _mm256_loadu_ps(v + i), _mm256_mul_ps(_mm256_mul_ps(vob2, gi), gi));
        mi = _mm256_blendv_ps(mi, zero, _mm256_cmp_ps(_mm256_and_ps(mi, absMask), tiny, _CMP_LT_OQ));
        vi = _mm256_blendv_ps(vi, zero, _mm256_cmp_ps(vi, tiny, _CMP_LT_OQ));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        __m256 step = _mm256_div_ps(_mm256_mul_ps(vic1, mi), _mm256_add_ps(_mm256_sqrt_ps(_mm256_mul_ps(vi, vic2)), veps));
        __m256 pi = _mm256_loadu_ps(p + i);
        _mm256_storeu_ps(p + i, _mm256_fmadd_ps(vnlrwd, pi, _mm256_fmadd_ps(vnlr, step, pi)));
    }
    adam_body(count - i, p + i, g + i, m + i, v + i, lr, b1, b2, eps, c1, c2, wd);
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
    if (HW_HAS_AVX_OPS) { adam_avx(count, p, g, m, v, lr, b1, b2, eps, c1, c2, wd); return; }
#endif
    adam_body(count, p, g, m, v, lr, b1, b2, eps, c1, c2, wd);
}
