#include "ckernels.h"

/// 0 = not checked yet, 1 = no AVX2/FMA, 2 = AVX2/FMA, 3 = AVX2/FMA and AVX-512F. Written once;
/// a race only repeats the check.
static volatile int hw_cpu_state = 0;

static int hw_cpu_level(void) {
    int state = hw_cpu_state;
    if (state == 0) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_cpu_init();
        state = (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 2 : 1;
        if (state == 2 && __builtin_cpu_supports("avx512f")) state = 3;
#else
        state = 1;
#endif
        hw_cpu_state = state;
    }
    return state;
}

int hw_cpu_has_avx2_fma(void) { return hw_cpu_level() >= 2; }

int hw_cpu_has_avx512f(void) { return hw_cpu_level() >= 3; }
