#ifndef HWNAS_CKERNELS_SPARSE_INPUT_H
#define HWNAS_CKERNELS_SPARSE_INPUT_H

#include "ckernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/// A network's first layer on sparse input rows (one-hot encodings):
///   C = act(A * B + bias), A is M x K (row-major, lda), B is K x N (row-major, ldb).
/// Sums only the rows of B where A is non-zero, in increasing k and in the GEMM's K blocks, with
/// the same per-element arithmetic as `hw_sgemm` on the same path (fused multiply-add on the
/// AVX2/FMA path, multiply then add on the portable one), so for finite B the result is
/// bit-identical to `hw_sgemm(path, 0, 0, M, N, K, 1, A, lda, B, ldb, 0, C, ldc, bias, relu)`.
/// Returns 1 when it wrote C; 0 when more than half of A's entries are non-zero (C untouched:
/// the GEMM is then as fast).
int hw_sparse_input_gemm(hw_path path, int M, int N, int K, const float *A, int lda, const float *B, int ldb,
                         float *C, int ldc, const float *bias, int relu);

#ifdef __cplusplus
}
#endif
#endif
