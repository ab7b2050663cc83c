// The baseline copy of the kernels (see body.h): whatever the compiler targets by default
// (SSE2 on x86-64, NEON on arm64).
#define RK_SUFFIX sse2
#include "path.h"
