#ifndef HWNAS_CKERNELS_H
#define HWNAS_CKERNELS_H
/// Returns 1 when the CPU supports AVX2 and FMA (checked once at run time), else 0.
int hw_cpu_has_avx2_fma(void);
#endif
