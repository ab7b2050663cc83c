// The AVX2 copy of the kernels (see body.h).
#define RK_SUFFIX avx2
#define RK_FMA 1  // fma16 fuses (the same bits on both AVX paths)
#define RK_TARGET "avx2,fma"
#define RK_FEW_LEVELS 28  // rk_count_levels compares with each level up to this many
#include "path.h"
