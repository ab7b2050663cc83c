// The AVX-512 copy of the small matrix product (see gemm_body.h): tiles of 6 rows × 64
// columns, 24 zmm accumulators.
#define RG(name) rk_##name##_avx512
#define RG_ROWS 6
#define RG_VECTORS 4
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))), apply_to = function)
#include "gemm_body.h"
#pragma clang attribute pop
#else
#include "gemm.h"
int rk_gemm_avx512(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
                    const float *b, int64_t ldb, float beta, float *c, int64_t ldc) { return 0; }  // never chosen off x86-64
#endif
