// The AVX-512 copy of the kernels (see body.h).
#define RK_SUFFIX avx512
#define RK_FMA 1  // fma16 fuses (the same bits on both AVX paths)
// prfchw: a prefetch for writing is `prefetchw` (every AVX-512 CPU has it; see rk_path_supported)
#define RK_TARGET "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma,prfchw"
#define RK_FEW_LEVELS 48  // rk_count_levels compares with each level up to this many
#include "path.h"
