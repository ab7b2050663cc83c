// rec's own small matrix product (gemm.c, gemm_body.h): register-tiled fused multiply-adds
// for the small products of a training step, where sgemm's packing and set-up cost more than
// the product itself. Row-major; either side transposed.
#ifndef REC_CKERNELS_RK_GEMM_H
#define REC_CKERNELS_RK_GEMM_H
#include <stdint.h>

/// Whether rk_gemm, rather than sgemm, should run the product op(A) [m × k] · op(B) [k × n] on
/// the path in use: the rule BLAS.gemm follows (see gemm.c for the limits and the figures
/// behind them). Never on the SSE2 path, nor in a build without optimisation.
int rk_gemm_takes(int64_t m, int64_t n, int64_t k, int trans_a, int trans_b);

/// C = alpha · op(A) · op(B) + beta · C (C [m × n], rows ldc apart; A's rows lda apart, B's ldb
/// apart, as stored). Each element is one fused multiply-add per k, k ascending, then
/// alpha · sum + beta · C, with C unread when beta is 0: the same numbers on every path that
/// has FMA, every run. Any shape; returns 0 (and touches nothing) on a path without FMA.
int rk_gemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
            const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

/// rk_gemm with A's stored rows picked by index: stored row q of A is a + a_rows[q] · lda
/// (q < m when A is not transposed, q < k when it is), as if those rows had been gathered into
/// a matrix first, with the same numbers; the gather's copy is never made. Indices unchecked.
int rk_gemm_rows(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
                 const int32_t *a_rows, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

#endif
