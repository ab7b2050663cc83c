// The baseline copy of the kernels (see body.h): whatever the compiler targets by default
// (SSE2 on x86-64, NEON on arm64).
#define RK_SUFFIX sse2
#define RK_FEW_LEVELS 8  // rk_count_levels compares with each level up to this many
#include "path.h"
