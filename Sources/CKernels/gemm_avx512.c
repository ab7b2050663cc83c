// The AVX-512 copy of the small matrix product (see gemm_body.h): tiles of 6 rows × 64
// columns, 24 zmm accumulators.
#define RG_SUFFIX avx512
#define RG_TARGET "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"
#define RG_ROWS 6
#define RG_VECTORS 4
// Fetching indexed rows ahead gains 2% of a `rec bench train` step here (5 alternated rounds,
// 2026-12-05 00:44, load 8-9).
#define RG_PREFETCH 1
#include "gemm_path.h"
