// The AVX-512 copy of the small matrix product (see gemm_body.h): tiles of 6 rows × 64
// columns, 24 zmm accumulators.
#define RG_SUFFIX avx512
#define RG_TARGET "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"
#define RG_ROWS 6
#define RG_VECTORS 4
#include "gemm_path.h"
