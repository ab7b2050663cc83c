// The AVX2 copy of the small matrix product (see gemm_body.h): tiles of 6 rows × 16 columns,
// 12 ymm accumulators.
#define RG_SUFFIX avx2
#define RG_TARGET "avx2,fma"
#define RG_ROWS 6
#define RG_VECTORS 1
#include "gemm_path.h"
