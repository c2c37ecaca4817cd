// The first layer's weight gradient X^T * D on one-hot rows (see sparse_weight_grad.h). The GEMM
// (gemm.c) computes each G element as a chain of multiply-adds over the batch rows in increasing
// order from zero, one chain per block of KC rows, each block then added to the running sum
// (`acc + c`). The chain starts at +0 and can never become -0, so a zero X entry adds exactly
// nothing to it for finite D: skipping zeros and keeping the order reproduces the GEMM bit for bit.
// Row k of G is then the sparse-row sum of sparse_rows.h over D's rows (the batch rows, in
// blocks of KC as the GEMM's K), without bias or ReLU.
#include "sparse_weight_grad.h"
#include "sparse_rows.h"
#include <stdlib.h>
#if defined(__x86_64__) || defined(__i386__)
#define HW_X86 1
#endif

int hw_sparse_input_weight_grad(hw_path path, int M, int K, int N, const float *X, int ldx, const float *D, int ldd,
                                float *G, int ldg) {
    if (M <= 0 || N <= 0 || K <= 0) return 0;
    // Column-compressed X: per input k, the batch rows where it is non-zero, in increasing order.
    int *start = calloc((size_t)K + 1, sizeof(int));
    if (!start) return 0;
    long nonzero = 0;
    for (int r = 0; r < M; r++) {
        const float *xrow = X + (long)r * ldx;
        for (int k = 0; k < K; k++) {
            if (xrow[k] != 0.0f) { start[k + 1]++; nonzero++; }
        }
    }
    if (2 * nonzero > (long)M * K) { free(start); return 0; }
    for (int k = 0; k < K; k++) start[k + 1] += start[k];
    int *rs = malloc(sizeof(int) * (size_t)(nonzero ? nonzero : 1));
    float *vs = malloc(sizeof(float) * (size_t)(nonzero ? nonzero : 1));
    int *fill = malloc(sizeof(int) * (size_t)K);
    if (!rs || !vs || !fill) { free(start); free(rs); free(vs); free(fill); return 0; }
    for (int k = 0; k < K; k++) fill[k] = start[k];
    for (int r = 0; r < M; r++) {
        const float *xrow = X + (long)r * ldx;
        for (int k = 0; k < K; k++) {
            if (xrow[k] != 0.0f) { rs[fill[k]] = r; vs[fill[k]] = xrow[k]; fill[k]++; }
        }
    }
    int avx = 0;
#ifdef HW_X86
    avx = path != HW_PATH_FALLBACK && hw_cpu_has_avx2_fma();
#endif
    (void)path;
    for (int k = 0; k < K; k++) {
        int nnz = start[k + 1] - start[k];
#ifdef HW_X86
        if (avx) { hw_sparse_row_avx(nnz, rs + start[k], vs + start[k], N, M, D, ldd, G + (long)k * ldg, NULL, 0); continue; }
#endif
        hw_sparse_row_c(nnz, rs + start[k], vs + start[k], N, M, D, ldd, G + (long)k * ldg, NULL, 0);
    }
    (void)avx;
    free(start);
    free(rs);
    free(vs);
    free(fill);
    return 1;
}
