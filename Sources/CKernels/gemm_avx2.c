// The AVX2 copy of the small matrix product (see gemm_body.h): tiles of 6 rows × 16 columns,
// 12 ymm accumulators.
#define RG_SUFFIX avx2
#define RG_TARGET "avx2,fma"
#define RG_ROWS 6
#define RG_VECTORS 1
// No fetching ahead of indexed rows: with 16-column tiles each row is read once per column
// block, so it is in cache after the first, and the prefetches cost 3% of a `rec bench train`
// step (5 alternated rounds, 2026-12-05 00:44, load 8-9).
#define RG_PREFETCH 0
#include "gemm_path.h"
