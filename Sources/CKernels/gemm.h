// The small matrix product's paths (private to the C target; see include/rk_gemm.h).
#ifndef REC_CKERNELS_GEMM_H
#define REC_CKERNELS_GEMM_H
#include <stdint.h>

/// A buffer of at least `floats` floats owned by the calling thread, kept from call to call
/// (grown when a bigger one is asked for, freed when the thread ends); NULL when memory ran out.
float *rk_gemm_scratch(int64_t floats);

int rk_gemm_avx512(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                   int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);
int rk_gemm_avx2(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                 int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

int rk_gemm_rows_avx512(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                        int64_t lda, const int32_t *a_rows, const float *b, int64_t ldb, float beta, float *c,
                        int64_t ldc);
int rk_gemm_rows_avx2(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                      int64_t lda, const int32_t *a_rows, const float *b, int64_t ldb, float beta, float *c,
                      int64_t ldc);

#endif
