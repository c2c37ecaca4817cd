// Internal to CKernels (not in include/, so not visible to Swift): one output row of a product
// with a sparse factor, shared by sparse_input.c (a first layer's forward) and
// sparse_weight_grad.c (its weight gradient).
#ifndef HWNAS_CKERNELS_SPARSE_ROWS_H
#define HWNAS_CKERNELS_SPARSE_ROWS_H

/// c[j] = act(sum_i vs[i] * B[ks[i]][j] + bias[j]) for j < N, the ks increasing and below K: the
/// terms summed in blocks of gemm.c's KC indices (each block from zero, then added to the sum
/// so far), with gemm.c's kernel_c arithmetic (portable) or kernel_avx's fused multiply-adds.
/// `bias` may be NULL; `relu` != 0 applies max(0, x).
void hw_sparse_row_c(int nnz, const int *ks, const float *vs, int N, int K, const float *B, int ldb, float *c,
                     const float *bias, int relu);
#if defined(__x86_64__) || defined(__i386__)
void hw_sparse_row_avx(int nnz, const int *ks, const float *vs, int N, int K, const float *B, int ldb, float *c,
                       const float *bias, int relu);
#endif
#endif
