// Single-precision GEMM, row-major, BLIS-style: op(B) is packed into K x 16 column panels,
// op(A) into K x 6 row panels, and a 6 x 16 register-tiled micro-kernel (AVX2/FMA, or plain C)
// accumulates each tile; a fused epilogue applies alpha, beta, bias and ReLU when it stores.
// On AVX-512F, 32-column tiles of up to 12 rows read A in place (transposed or not) and a
// row-major B in place too (a transposed B is still packed), with the same bits.
#include "ckernels.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HW_X86 1
#endif

enum { MR = 6, NR = 16, KC = 256, MC = 96, NC = 1024 };

/// What the micro-kernel does when it stores a tile: c = alpha*acc (+ cscale*c when loadc),
/// then + bias[j] and ReLU when given (last K block only).
typedef struct {
    float alpha;
    float cscale;
    int loadc;
    const float *bias;
    int relu;
} hw_epilogue;

/// Scalar epilogue for a tile held in `tile` (row stride NR); kept out of line so that its
/// rounding (separate multiply and add) is the same in both paths.
__attribute__((noinline))
static void store_tile_scalar(const float *tile, float *c, int ldc, int mr, int nr, const hw_epilogue *e) {
    for (int r = 0; r < mr; r++) {
        float *crow = c + (long)r * ldc;
        for (int j = 0; j < nr; j++) {
            float x = e->alpha * tile[r * NR + j];
            if (e->loadc) {
                float old = e->cscale * crow[j];
                x = x + old;
            }
            if (e->bias) x = x + e->bias[j];
            if (e->relu) x = x > 0.0f ? x : 0.0f;
            crow[j] = x;
        }
    }
}

/// Row offsets of a tile's A rows: rows past `mr` repeat row 0 (their results are discarded).
static inline void row_offsets(long *off, int mr, long a_rs) {
    for (int r = 0; r < MR; r++) off[r] = (r < mr ? r : 0) * a_rs;
}

/// Portable micro-kernel. A element (r, k) is at a[r * a_rs + k * a_cs] (packed: 1, MR; direct: lda, 1).
static void kernel_c(int kc, const float *restrict a, long a_rs, long a_cs, const float *restrict b, float *c,
                     int ldc, int mr, int nr, const hw_epilogue *e) {
    float acc[MR * NR];
    long off[MR];
    row_offsets(off, mr, a_rs);
    for (int i = 0; i < MR * NR; i++) acc[i] = 0.0f;
    for (int k = 0; k < kc; k++) {
        for (int r = 0; r < MR; r++) {
            float ar = a[off[r]];
            for (int j = 0; j < NR; j++) acc[r * NR + j] += ar * b[j];
        }
        a += a_cs;
        b += NR;
    }
    store_tile_scalar(acc, c, ldc, mr, nr, e);
}

#ifdef HW_X86
__attribute__((target("avx2,fma")))
static void kernel_avx(int kc, const float *restrict a, long a_rs, long a_cs, const float *restrict b, float *c,
                       int ldc, int mr, int nr, const hw_epilogue *e) {
    long off[MR];
    row_offsets(off, mr, a_rs);
    const long o1 = off[1], o2 = off[2], o3 = off[3], o4 = off[4], o5 = off[5];
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (int k = 0; k < kc; k++) {
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 x;
        x = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a + o1); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a + o2); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a + o3); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
        x = _mm256_broadcast_ss(a + o4); c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
        x = _mm256_broadcast_ss(a + o5); c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
        a += a_cs;
        b += NR;
    }
    __attribute__((aligned(32))) float tile[MR * NR];
    _mm256_store_ps(tile + 0, c00);  _mm256_store_ps(tile + 8, c01);
    _mm256_store_ps(tile + 16, c10); _mm256_store_ps(tile + 24, c11);
    _mm256_store_ps(tile + 32, c20); _mm256_store_ps(tile + 40, c21);
    _mm256_store_ps(tile + 48, c30); _mm256_store_ps(tile + 56, c31);
    _mm256_store_ps(tile + 64, c40); _mm256_store_ps(tile + 72, c41);
    _mm256_store_ps(tile + 80, c50); _mm256_store_ps(tile + 88, c51);
    if (nr != NR) {
        store_tile_scalar(tile, c, ldc, mr, nr, e);
        return;
    }
    const __m256 alpha = _mm256_set1_ps(e->alpha), cscale = _mm256_set1_ps(e->cscale);
    const __m256 zero = _mm256_setzero_ps();
    __m256 bias0 = zero, bias1 = zero;
    if (e->bias) { bias0 = _mm256_loadu_ps(e->bias); bias1 = _mm256_loadu_ps(e->bias + 8); }
    for (int r = 0; r < mr; r++) {
        float *crow = c + (long)r * ldc;
        __m256 x0 = _mm256_mul_ps(alpha, _mm256_load_ps(tile + r * NR));
        __m256 x1 = _mm256_mul_ps(alpha, _mm256_load_ps(tile + r * NR + 8));
        if (e->loadc) {
            x0 = _mm256_add_ps(x0, _mm256_mul_ps(cscale, _mm256_loadu_ps(crow)));
            x1 = _mm256_add_ps(x1, _mm256_mul_ps(cscale, _mm256_loadu_ps(crow + 8)));
        }
        if (e->bias) { x0 = _mm256_add_ps(x0, bias0); x1 = _mm256_add_ps(x1, bias1); }
        if (e->relu) { x0 = _mm256_max_ps(x0, zero); x1 = _mm256_max_ps(x1, zero); }
        _mm256_storeu_ps(crow, x0);
        _mm256_storeu_ps(crow + 8, x1);
    }
}
#endif

typedef void (*hw_kernel)(int, const float *restrict, long, long, const float *restrict, float *, int, int, int,
                          const hw_epilogue *);

#ifdef HW_X86
/// AVX-512F micro-kernel over two adjacent packed B panels (a 2*NR = 32-column tile, one zmm
/// register per row and panel) and MR2 rows of A read in place, not packed (row-major, or
/// transposed for weight gradients: kernel_avx512 and kernel_avx512_ta below).
/// Each C element is the same chain as in kernel_avx: from zero, one fused multiply-add per k in
/// increasing order, then the same epilogue (multiply and add rounded apart), so the bits agree.
/// On this project's 2-core AMD EPYC (reported as Zen 4) it ran a 4096x256x256 GEMM at 194-216
/// GFLOP/s on one thread against 57-67 for the AVX2 kernel (`hwnas-bench speed`, under load), more
/// than an AVX2 core's peak: measure again before assuming a CPU splits zmm operations in halves.
enum { MR2 = 12 };

__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void kernel_avx512_rows(const int rows, const int panels, int kc, const float *restrict a, long a_rs,
                                      long a_cs, const float *restrict b0p, const float *restrict b1p, long b_rs, float *c,
                                      int ldc, int mr, int nr, const hw_epilogue *e) {
    __m512 acc0[MR2], acc1[MR2];
    long off[MR2];
    // Rows past `mr` repeat row 0 (their results are discarded).
    for (int r = 0; r < rows; r++) {
        off[r] = (r < mr ? r : 0) * a_rs;
        acc0[r] = _mm512_setzero_ps();
        acc1[r] = _mm512_setzero_ps();
    }
    // A single panel reads only its nr columns (B read in place has nothing past them; the
    // lanes past nr are discarded).
    const __mmask16 bmask = nr >= NR ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1);
    for (int k = 0; k < kc; k++) {
        const __m512 b0 = panels == 2 ? _mm512_loadu_ps(b0p + (long)k * b_rs) : _mm512_maskz_loadu_ps(bmask, b0p + (long)k * b_rs);
        const __m512 b1 = panels == 2 ? _mm512_loadu_ps(b1p + (long)k * b_rs) : b0;
        for (int r = 0; r < rows; r++) {
            const __m512 x = _mm512_set1_ps(a[off[r] + k * a_cs]);
            acc0[r] = _mm512_fmadd_ps(x, b0, acc0[r]);
            if (panels == 2) acc1[r] = _mm512_fmadd_ps(x, b1, acc1[r]);
        }
    }
    if (panels == 1 && nr < NR) {
        // A partial panel (the last columns of C): the scalar epilogue stores its nr columns.
        __attribute__((aligned(64))) float tile[MR2 * NR];
        for (int r = 0; r < rows; r++) _mm512_store_ps(tile + r * NR, acc0[r]);
        store_tile_scalar(tile, c, ldc, mr, nr, e);
        return;
    }
    const __m512 alpha = _mm512_set1_ps(e->alpha), cscale = _mm512_set1_ps(e->cscale), zero = _mm512_setzero_ps();
    __m512 bias0 = zero, bias1 = zero;
    if (e->bias) {
        bias0 = _mm512_loadu_ps(e->bias);
        if (panels == 2) bias1 = _mm512_loadu_ps(e->bias + NR);
    }
    for (int r = 0; r < rows; r++) {
        if (r >= mr) break;
        float *crow = c + (long)r * ldc;
        __m512 x0 = _mm512_mul_ps(alpha, acc0[r]);
        if (e->loadc) x0 = _mm512_add_ps(x0, _mm512_mul_ps(cscale, _mm512_loadu_ps(crow)));
        if (e->bias) x0 = _mm512_add_ps(x0, bias0);
        if (e->relu) x0 = _mm512_max_ps(x0, zero);
        _mm512_storeu_ps(crow, x0);
        if (panels == 1) continue;
        __m512 x1 = _mm512_mul_ps(alpha, acc1[r]);
        if (e->loadc) x1 = _mm512_add_ps(x1, _mm512_mul_ps(cscale, _mm512_loadu_ps(crow + NR)));
        if (e->bias) x1 = _mm512_add_ps(x1, bias1);
        if (e->relu) x1 = _mm512_max_ps(x1, zero);
        _mm512_storeu_ps(crow + NR, x1);
    }
}

/// Up to MR2 rows (mr of them stored) against two full panels (b1p not NULL), or one panel of
/// which nr columns are stored. A element (r, k) is at a[r * a_rs + k * a_cs].
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void kernel_avx512_any(int kc, const float *restrict a, long a_rs, long a_cs, const float *restrict b0p,
                                     const float *restrict b1p, long b_rs, float *c, int ldc, int mr, int nr,
                                     const hw_epilogue *e) {
    // Tiles of 12, 8, 6, 4 or 2 rows: a training step's 8- or 16-row half batch wastes none.
    if (b1p) {
        if (mr > 8) kernel_avx512_rows(MR2, 2, kc, a, a_rs, a_cs, b0p, b1p, b_rs, c, ldc, mr, nr, e);
        else if (mr > 6) kernel_avx512_rows(8, 2, kc, a, a_rs, a_cs, b0p, b1p, b_rs, c, ldc, mr, nr, e);
        else if (mr > 4) kernel_avx512_rows(6, 2, kc, a, a_rs, a_cs, b0p, b1p, b_rs, c, ldc, mr, nr, e);
        else if (mr > 2) kernel_avx512_rows(4, 2, kc, a, a_rs, a_cs, b0p, b1p, b_rs, c, ldc, mr, nr, e);
        else kernel_avx512_rows(2, 2, kc, a, a_rs, a_cs, b0p, b1p, b_rs, c, ldc, mr, nr, e);
    } else {
        if (mr > 8) kernel_avx512_rows(MR2, 1, kc, a, a_rs, a_cs, b0p, NULL, b_rs, c, ldc, mr, nr, e);
        else if (mr > 6) kernel_avx512_rows(8, 1, kc, a, a_rs, a_cs, b0p, NULL, b_rs, c, ldc, mr, nr, e);
        else if (mr > 4) kernel_avx512_rows(6, 1, kc, a, a_rs, a_cs, b0p, NULL, b_rs, c, ldc, mr, nr, e);
        else if (mr > 2) kernel_avx512_rows(4, 1, kc, a, a_rs, a_cs, b0p, NULL, b_rs, c, ldc, mr, nr, e);
        else kernel_avx512_rows(2, 1, kc, a, a_rs, a_cs, b0p, NULL, b_rs, c, ldc, mr, nr, e);
    }
}

/// A read row-major (element (r, k) at a[r * lda + k]); B's row k at b0p + k * b_rs (NR when packed).
__attribute__((target("avx512f,avx2,fma")))
static void kernel_avx512(int kc, const float *restrict a, long lda, const float *restrict b0p,
                          const float *restrict b1p, long b_rs, float *c, int ldc, int mr, int nr, const hw_epilogue *e) {
    kernel_avx512_any(kc, a, lda, 1, b0p, b1p, b_rs, c, ldc, mr, nr, e);
}

/// A read transposed in place (op(A) element (r, k) at a[k * lda + r]): a weight gradient's
/// activations, broadcast straight from their rows without packing them.
__attribute__((target("avx512f,avx2,fma")))
static void kernel_avx512_ta(int kc, const float *restrict a, long lda, const float *restrict b0p,
                             const float *restrict b1p, long b_rs, float *c, int ldc, int mr, int nr,
                             const hw_epilogue *e) {
    kernel_avx512_any(kc, a, 1, lda, b0p, b1p, b_rs, c, ldc, mr, nr, e);
}
#endif


/// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into MR-row panels, zero-padded.
static void pack_a(int transA, const float *A, int lda, int i0, int mc, int p0, int kc, float *dst) {
    for (int ip = 0; ip < mc; ip += MR) {
        int mr = mc - ip < MR ? mc - ip : MR;
        float *panel = dst + (long)ip * kc;
        if (!transA) {
            for (int r = 0; r < MR; r++) {
                if (r < mr) {
                    const float *src = A + (long)(i0 + ip + r) * lda + p0;
                    for (int k = 0; k < kc; k++) panel[k * MR + r] = src[k];
                } else {
                    for (int k = 0; k < kc; k++) panel[k * MR + r] = 0.0f;
                }
            }
        } else {
            for (int k = 0; k < kc; k++) {
                const float *src = A + (long)(p0 + k) * lda + i0 + ip;
                int r = 0;
                for (; r < mr; r++) panel[k * MR + r] = src[r];
                for (; r < MR; r++) panel[k * MR + r] = 0.0f;
            }
        }
    }
}

#ifdef HW_X86
/// Writes the transpose of a 16 x 16 block (rows at src + i * lds) as 16 rows of NR floats at dst:
/// dst[c * NR + r] = src[r * lds + c]. Only moves floats: the packed bits are the scalar loop's.
__attribute__((target("avx512f")))
static void transpose16_avx512(const float *src, long lds, float *dst) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(src + (long)i * lds);
    // Per 128-bit lane L: t[2i] = rows 2i, 2i+1 at columns 4L, 4L+1 interleaved; t[2i+1] at 4L+2, 4L+3.
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // r[4g + e], lane L: rows 4g .. 4g+3 at column 4L + e.
    for (int g = 0; g < 4; g++) {
        __m512d a = _mm512_castps_pd(t[4 * g]), b = _mm512_castps_pd(t[4 * g + 1]);
        __m512d c = _mm512_castps_pd(t[4 * g + 2]), d = _mm512_castps_pd(t[4 * g + 3]);
        r[4 * g] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        r[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        r[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
        r[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
    // Column 4L + e gathers lane L of r[e], r[4+e], r[8+e], r[12+e].
    for (int e = 0; e < 4; e++) {
        __m512 u0 = _mm512_shuffle_f32x4(r[e], r[4 + e], 0x44), u1 = _mm512_shuffle_f32x4(r[e], r[4 + e], 0xEE);
        __m512 u2 = _mm512_shuffle_f32x4(r[8 + e], r[12 + e], 0x44), u3 = _mm512_shuffle_f32x4(r[8 + e], r[12 + e], 0xEE);
        _mm512_storeu_ps(dst + (long)(0 + e) * NR, _mm512_shuffle_f32x4(u0, u2, 0x88));
        _mm512_storeu_ps(dst + (long)(4 + e) * NR, _mm512_shuffle_f32x4(u0, u2, 0xDD));
        _mm512_storeu_ps(dst + (long)(8 + e) * NR, _mm512_shuffle_f32x4(u1, u3, 0x88));
        _mm512_storeu_ps(dst + (long)(12 + e) * NR, _mm512_shuffle_f32x4(u1, u3, 0xDD));
    }
}
#endif

/// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into NR-column panels, zero-padded, `pstride` rows
/// apart (kc for a whole K block; a block's part is packed with the block's kc).
static void pack_b(int transB, const float *B, int ldb, int p0, int kc, int j0, int nc, float *dst, int pstride) {
#ifdef HW_X86
    const int wide = hw_cpu_has_avx512f();
#endif
    for (int jp = 0; jp < nc; jp += NR) {
        int nr = nc - jp < NR ? nc - jp : NR;
        float *panel = dst + (long)jp * pstride;
        if (!transB) {
            for (int k = 0; k < kc; k++) {
                const float *src = B + (long)(p0 + k) * ldb + j0 + jp;
                if (nr == NR) {
                    // A constant size: copied in registers, not by a memcpy call per row.
                    __builtin_memcpy(panel + k * NR, src, NR * sizeof(float));
                    continue;
                }
                int j = 0;
                for (; j < nr; j++) panel[k * NR + j] = src[j];
                for (; j < NR; j++) panel[k * NR + j] = 0.0f;
            }
        } else {
            int k0 = 0;
#ifdef HW_X86
            // Full panels: 16 x 16 blocks transposed in registers (the scalar loop below stores
            // one float at a time, 64 bytes apart).
            if (wide && nr == NR) {
                for (; k0 + 16 <= kc; k0 += 16) {
                    transpose16_avx512(B + (long)(j0 + jp) * ldb + p0 + k0, ldb, panel + (long)k0 * NR);
                }
            }
#endif
            for (int j = 0; j < NR; j++) {
                if (j < nr) {
                    const float *src = B + (long)(j0 + jp + j) * ldb + p0;
                    for (int k = k0; k < kc; k++) panel[k * NR + j] = src[k];
                } else {
                    for (int k = k0; k < kc; k++) panel[k * NR + j] = 0.0f;
                }
            }
        }
    }
}

static void *aligned_buffer(size_t floats) {
    size_t bytes = (floats * sizeof(float) + 63) & ~(size_t)63;
    return aligned_alloc(64, bytes ? bytes : 64);
}

static hw_kernel select_kernel(hw_path path) {
#ifdef HW_X86
    if (path != HW_PATH_FALLBACK && hw_cpu_has_avx2_fma()) return kernel_avx;
#endif
    (void)path;
    return kernel_c;
}

/// Whether the AVX-512F kernels serve the tiles.
static int use_avx512(hw_path path) {
#ifdef HW_X86
    return (path == HW_PATH_AUTO || path == HW_PATH_AVX512) && hw_cpu_has_avx512f();
#else
    (void)path;
    return 0;
#endif
}

/// Shared body of the small-M path: no packing, the same per-element arithmetic as the tiled
/// path (a chain of multiply-adds per K block, then the same epilogue), so results agree bit for bit.
static inline __attribute__((always_inline))
void small_gemm_body(int use_fma, int transB, int M, int N, int K, float alpha, const float *A, int lda,
                     const float *B, int ldb, float beta, float *C, int ldc, const float *bias, int relu, float *t) {
    for (int i = 0; i < M; i++) {
        const float *arow = A + (long)i * lda;
        float *crow = C + (long)i * ldc;
        for (int pc = 0; pc < K; pc += KC) {
            int kc = K - pc < KC ? K - pc : KC;
            int first = pc == 0, last = pc + kc >= K;
            for (int j = 0; j < N; j++) t[j] = 0.0f;
            if (!transB) {
                for (int k = pc; k < pc + kc; k++) {
                    float aik = arow[k];
                    const float *brow = B + (long)k * ldb;
                    if (use_fma) { for (int j = 0; j < N; j++) t[j] = __builtin_fmaf(aik, brow[j], t[j]); }
                    else { for (int j = 0; j < N; j++) { float prod = aik * brow[j]; t[j] = t[j] + prod; } }
                }
            } else {
                for (int j = 0; j < N; j++) {
                    const float *bcol = B + (long)j * ldb;
                    float acc = 0.0f;
                    if (use_fma) { for (int k = pc; k < pc + kc; k++) acc = __builtin_fmaf(arow[k], bcol[k], acc); }
                    else { for (int k = pc; k < pc + kc; k++) { float prod = arow[k] * bcol[k]; acc = acc + prod; } }
                    t[j] = acc;
                }
            }
            hw_epilogue e;
            e.alpha = alpha;
            e.cscale = first ? beta : 1.0f;
            e.loadc = !first || beta != 0.0f;
            e.bias = (last && bias) ? bias : NULL;
            e.relu = last && relu;
            for (int j = 0; j < N; j++) {
                float x = e.alpha * t[j];
                if (e.loadc) { float old = e.cscale * crow[j]; x = x + old; }
                if (e.bias) x = x + e.bias[j];
                if (e.relu) x = x > 0.0f ? x : 0.0f;
                crow[j] = x;
            }
        }
    }
}

static void small_gemm_c(int transB, int M, int N, int K, float alpha, const float *A, int lda, const float *B,
                         int ldb, float beta, float *C, int ldc, const float *bias, int relu, float *t) {
    small_gemm_body(0, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, relu, t);
}

#ifdef HW_X86
__attribute__((target("avx2,fma")))
static void small_gemm_avx(int transB, int M, int N, int K, float alpha, const float *A, int lda, const float *B,
                           int ldb, float beta, float *C, int ldc, const float *bias, int relu, float *t) {
    small_gemm_body(1, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, relu, t);
}
#endif

/// Runs the tiles of C[0..M, 0..nc] for one K block against a packed B block
/// (panels of kc x NR), reading A through `a` with strides (a_rs, a_cs) or packing it when transA.
/// With `ldb_direct` > 0 (AVX-512F only) B is not packed: `packB` points at op(B)'s element
/// (pc, column 0 of the block), rows ldb_direct apart.
static void macro_block(hw_kernel kernel, int wide, int transA, int M, int nc, int kc, int first, int last, float alpha,
                        const float *A, int lda, int pc, const float *packB, long ldb_direct, float beta, float *C,
                        int ldc, const float *bias, int relu, float *packA) {
    hw_epilogue e;
    e.alpha = alpha;
    e.cscale = first ? beta : 1.0f;
    e.loadc = !first || beta != 0.0f;
    e.relu = last && relu;
    for (int ic = 0; ic < M; ic += MC) {
        int mc = M - ic < MC ? M - ic : MC;
        if (transA && !wide) pack_a(transA, A, lda, ic, mc, pc, kc, packA);
        int jr = 0;
#ifdef HW_X86
        if (wide) {
            // Pairs of full panels, then a last single (maybe partial) panel.
            while (jr < nc) {
                int pair = jr + 2 * NR <= nc;
                e.bias = (last && bias) ? bias + jr : NULL;
                const float *bp = ldb_direct ? packB + jr : packB + (long)jr * kc;
                const long b_rs = ldb_direct ? ldb_direct : NR;
                for (int ir = 0; ir < mc; ir += MR2) {
                    int mr = mc - ir < MR2 ? mc - ir : MR2;
                    int nr = nc - jr < NR ? nc - jr : NR;
                    const float *b1 = pair ? (ldb_direct ? bp + NR : bp + (long)NR * kc) : NULL;
                    float *ct = C + (long)(ic + ir) * ldc + jr;
                    if (transA) kernel_avx512_ta(kc, A + (long)pc * lda + ic + ir, lda, bp, b1, b_rs, ct, ldc, mr, nr, &e);
                    else kernel_avx512(kc, A + (long)(ic + ir) * lda + pc, lda, bp, b1, b_rs, ct, ldc, mr, nr, &e);
                }
                jr += pair ? 2 * NR : NR;
            }
        }
#endif
        (void)wide;
        for (; jr < nc; jr += NR) {
            int nr = nc - jr < NR ? nc - jr : NR;
            e.bias = (last && bias) ? bias + jr : NULL;
            const float *bp = packB + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = mc - ir < MR ? mc - ir : MR;
                float *ct = C + (long)(ic + ir) * ldc + jr;
                if (transA) kernel(kc, packA + (long)ir * kc, 1, MR, bp, ct, ldc, mr, nr, &e);
                else kernel(kc, A + (long)(ic + ir) * lda + pc, lda, 1, bp, ct, ldc, mr, nr, &e);
            }
        }
    }
}

static void *aligned_buffer_or_die(size_t floats) {
    void *p = aligned_buffer(floats);
    if (!p) abort();
    return p;
}

/// The epilogue alone (K == 0).
static void epilogue_only(int M, int N, float beta, float *C, int ldc, const float *bias, int relu) {
    for (int i = 0; i < M; i++) {
        float *crow = C + (long)i * ldc;
        for (int j = 0; j < N; j++) {
            float x = beta != 0.0f ? beta * crow[j] : 0.0f;
            if (bias) x = x + bias[j];
            if (relu) x = x > 0.0f ? x : 0.0f;
            crow[j] = x;
        }
    }
}

enum { SMALL_M = 4 };

void hw_sgemm(hw_path path, int transA, int transB, int M, int N, int K, float alpha,
              const float *A, int lda, const float *B, int ldb, float beta,
              float *C, int ldc, const float *bias, int relu) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) { epilogue_only(M, N, beta, C, ldc, bias, relu); return; }
    hw_kernel kernel = select_kernel(path);
    if (M <= SMALL_M && !transA) {
        float *t = aligned_buffer_or_die((size_t)N);
#ifdef HW_X86
        if (kernel == kernel_avx) small_gemm_avx(transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, relu, t);
        else
#endif
        small_gemm_c(transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias, relu, t);
        free(t);
        return;
    }
    int ncMax = N < NC ? N : NC;
    int kcMax = K < KC ? K : KC;
    int mcMax = M < MC ? M : MC;
    // The AVX-512F kernels read a row-major B in place: packing it cost the trainer more than
    // the strided loads (rows of 64 or 128 bytes; a layer's weights stay in L2).
    const int direct = use_avx512(path) && !transB;
    float *packB = direct ? NULL : aligned_buffer_or_die((size_t)kcMax * (size_t)((ncMax + NR - 1) / NR * NR));
    float *packA = transA && !use_avx512(path) ? aligned_buffer_or_die((size_t)kcMax * (size_t)((mcMax + MR - 1) / MR * MR)) : NULL;
    for (int jc = 0; jc < N; jc += NC) {
        int nc = N - jc < NC ? N - jc : NC;
        for (int pc = 0; pc < K; pc += KC) {
            int kc = K - pc < KC ? K - pc : KC;
            if (!direct) pack_b(transB, B, ldb, pc, kc, jc, nc, packB, kc);
            macro_block(kernel, use_avx512(path), transA, M, nc, kc, pc == 0, pc + kc >= K, alpha, A, lda, pc,
                        direct ? B + (long)pc * ldb + jc : packB, direct ? ldb : 0, beta, C + jc, ldc,
                        bias ? bias + jc : NULL, relu, packA);
        }
    }
    free(packA);
    free(packB);
}

long hw_packed_b_size(int K, int N) {
    if (K <= 0 || N <= 0) return 0;
    return (long)K * (long)((N + NR - 1) / NR * NR);
}

void hw_pack_b(int transB, int K, int N, const float *B, int ldb, float *packed) {
    hw_pack_b_part(transB, K, N, B, ldb, packed, 0, K, 0, N);
}

void hw_pack_b_part(int transB, int K, int N, const float *B, int ldb, float *packed, int k0, int k1, int j0, int j1) {
    long npad = (long)((N + NR - 1) / NR * NR);
    if (j0 >= j1) return;
    for (int pc = 0; pc < K; pc += KC) {
        int kc = K - pc < KC ? K - pc : KC;
        int s = k0 > pc ? k0 : pc, e = k1 < pc + kc ? k1 : pc + kc;
        if (s >= e) continue;
        pack_b(transB, B, ldb, s, e - s, j0, j1 - j0, packed + (long)pc * npad + (long)j0 * kc + (long)(s - pc) * NR, kc);
    }
}

void hw_sgemm_packed(hw_path path, int M, int N, int K, float alpha, const float *A, int lda,
                     const float *packedB, float beta, float *C, int ldc, const float *bias, int relu) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) { epilogue_only(M, N, beta, C, ldc, bias, relu); return; }
    hw_kernel kernel = select_kernel(path);
    long npad = (long)((N + NR - 1) / NR * NR);
    for (int pc = 0; pc < K; pc += KC) {
        int kc = K - pc < KC ? K - pc : KC;
        macro_block(kernel, use_avx512(path), 0, M, N, kc, pc == 0, pc + kc >= K, alpha, A, lda, pc, packedB + (long)pc * npad, 0, beta,
                    C, ldc, bias, relu, NULL);
    }
}
