#ifndef HWNAS_CKERNELS_SPARSE_WEIGHT_GRAD_H
#define HWNAS_CKERNELS_SPARSE_WEIGHT_GRAD_H

#include "ckernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The weight gradient of a network's first layer on sparse input rows (one-hot encodings):
///   G = X^T * D, X is M x K (row-major, ldx: M batch rows of K inputs), D is M x N (ldd), G is K x N (ldg).
/// Each G row k sums only the batch rows r where X[r][k] is non-zero, in increasing r and in the
/// GEMM's K blocks (of the batch dimension), with the same per-element arithmetic as `hw_sgemm` on
/// the same path (fused multiply-add on the AVX2/FMA path, multiply then add on the portable one),
/// so for finite D the result is bit-identical to
/// `hw_sgemm(path, 1, 0, K, N, M, 1, X, ldx, D, ldd, 0, G, ldg, NULL, 0)`.
/// Returns 1 when it wrote G; 0 when more than half of X's entries are non-zero or memory ran out
/// (G untouched: the GEMM is then as fast).
int hw_sparse_input_weight_grad(hw_path path, int M, int K, int N, const float *X, int ldx, const float *D, int ldd,
                                float *G, int ldg);

#ifdef __cplusplus
}
#endif
#endif
