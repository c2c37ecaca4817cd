#ifndef HWNAS_CKERNELS_H
#define HWNAS_CKERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Returns 1 when the CPU supports AVX2 and FMA (checked once at run time), else 0.
int hw_cpu_has_avx2_fma(void);

/// Returns 1 when the CPU supports AVX-512F besides AVX2 and FMA (checked once at run time), else 0.
int hw_cpu_has_avx512f(void);

/// Which GEMM code path to use: automatic (the widest the CPU has: AVX-512F, else AVX2/FMA,
/// else portable C), the portable C fallback, the AVX2/FMA path (falls back to C when the CPU
/// lacks it), or the AVX-512F path (falls back to AVX2/FMA, then C). Every path gives the same
/// bits except the C fallback, which rounds a multiply and an add apart where the others fuse them.
typedef enum {
    HW_PATH_AUTO = 0,
    HW_PATH_FALLBACK = 1,
    HW_PATH_AVX2 = 2,
    HW_PATH_AVX512 = 3
} hw_path;

/// Single-precision GEMM with a fused epilogue, row-major:
///   C = act(alpha * op(A) * op(B) + beta * C + bias)
/// op(A) is M x K (A is K x M when transA), op(B) is K x N (B is N x K when transB).
/// `bias` (length N, added to every row) may be NULL; `relu` != 0 applies max(0, x).
/// When beta == 0, C is not read (may hold garbage or NaN).
/// The result does not depend on how callers split M or N across threads.
void hw_sgemm(hw_path path, int transA, int transB, int M, int N, int K, float alpha,
              const float *A, int lda, const float *B, int ldb, float beta,
              float *C, int ldc, const float *bias, int relu);

/// Floats needed to hold op(B) (K x N) packed for `hw_sgemm_packed`.
long hw_packed_b_size(int K, int N);

/// Packs op(B) (K x N; B is N x K when transB) once, for many `hw_sgemm_packed` calls
/// (`packed` needs no particular alignment).
void hw_pack_b(int transB, int K, int N, const float *B, int ldb, float *packed);

/// The part of `hw_pack_b`'s result that holds op(B) rows [k0, k1) and columns [j0, j1) (j0 a
/// multiple of 16; j1 one too, or N), written in place; the rest of `packed` is left alone, so
/// disjoint parts can be packed from different threads (e.g. each the weights it updated).
void hw_pack_b_part(int transB, int K, int N, const float *B, int ldb, float *packed, int k0, int k1, int j0, int j1);

/// `hw_sgemm` with A not transposed and op(B) pre-packed by `hw_pack_b` (same K, N);
/// gives bit-identical results to `hw_sgemm` on the same path.
void hw_sgemm_packed(hw_path path, int M, int N, int K, float alpha, const float *A, int lda,
                     const float *packedB, float beta, float *C, int ldc, const float *bias, int relu);

/// y[j] = sum_i x[i * ldx + j]: column sums of an M x N row-major matrix
/// (bias gradients). When accumulate != 0 adds into y, else overwrites.
void hw_column_sums(int M, int N, const float *x, int ldx, float *y, int accumulate);

/// In place: d[i] = 0 where a[i] <= 0 (ReLU backward through the post-activation a).
void hw_relu_backward(int count, const float *a, float *d);

/// One Adam / AdamW step on `count` parameters:
///   m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
///   p -= lr * (m / c1) / (sqrt(v / c2) + eps) + lr * wd * p
/// with c1 = 1 - b1^t and c2 = 1 - b2^t supplied by the caller.
void hw_adam_step(int count, float *p, const float *g, float *m, float *v, float lr, float b1,
                  float b2, float eps, float c1, float c2, float wd);

#ifdef __cplusplus
}
#endif
#endif
