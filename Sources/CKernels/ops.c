#include "ckernels.h"
#include <math.h>

void hw_column_sums(int M, int N, const float *x, int ldx, float *y, int accumulate) {
    if (!accumulate) {
        for (int j = 0; j < N; j++) y[j] = 0.0f;
    }
    for (int i = 0; i < M; i++) {
        const float *row = x + (long)i * ldx;
        for (int j = 0; j < N; j++) y[j] += row[j];
    }
}

void hw_relu_backward(int count, const float *a, float *d) {
    for (int i = 0; i < count; i++) d[i] = a[i] > 0.0f ? d[i] : 0.0f;
}

void hw_adam_step(int count, float *p, const float *g, float *m, float *v, float lr, float b1,
                  float b2, float eps, float c1, float c2, float wd) {
    const float ob1 = 1.0f - b1, ob2 = 1.0f - b2;
    const float ic1 = 1.0f / c1, ic2 = 1.0f / c2;
    for (int i = 0; i < count; i++) {
        float gi = g[i];
        float mi = b1 * m[i] + ob1 * gi;
        float vi = b2 * v[i] + ob2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        float step = (mi * ic1) / (sqrtf(vi * ic2) + eps);
        p[i] = p[i] - lr * step - lr * wd * p[i];
    }
}
