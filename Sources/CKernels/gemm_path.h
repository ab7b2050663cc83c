// One path's copy of the small matrix product: a gemm_<path>.c defines RG_SUFFIX, RG_TARGET
// (its instruction sets), RG_ROWS and RG_VECTORS (its register tile) and includes this file.
#define RG_GLUE(a, b) a##_##b
#define RG_NAME(name, suffix) RG_GLUE(name, suffix)
#define RG(name) RG_NAME(rk_##name, RG_SUFFIX)
#define RG_STRING(x) #x
#define RG_PRAGMA(x) _Pragma(RG_STRING(x))

#if defined(__x86_64__)
RG_PRAGMA(clang attribute push(__attribute__((target(RG_TARGET))), apply_to = function))
#include "gemm_body.h"
#pragma clang attribute pop
#else
#include "gemm.h"
int RG(gemm)(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
             const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    return 0;  // never chosen off x86-64
}
int RG(gemm_rows)(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
                  const int32_t *a_rows, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    return 0;
}
#endif
