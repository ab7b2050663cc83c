// The small matrix product's rule and dispatch (see include/rk_gemm.h), and the per-thread
// panel buffer its transposed and ragged cases copy B into.
#include <pthread.h>
#include <stdlib.h>
#include "CKernels.h"
#include "gemm.h"

// The rule, from `rec bench products` (each distinct product of a `rec bench train` step, timed
// on rk_gemm and on sgemm, one thread). On the AVX-512 path, against OpenBLAS's Haswell kernels
// (what this project's machines run: OPENBLAS_CORETYPE=Haswell), 2026-12-04: the 300-wide
// projection 225×64·k300 2.1× and its Xᵀ·dY 2.0×, 256×64·k64 1.9×, the negatives' NT 256×32·k64
// 1.9× and 256×64·k32 1.65×, dY·Wᵀ (NT 256×64·k64) 1.6×, the TN weight gradients 2.2×.
// Below k = 16 the write of C outweighs the sums and sgemm is as fast (256×64·k8: 1.0×).
// rk_gemm runs on one thread, so wide or long products (scoring tiles over every user,
// Gramians over many rows), which OpenBLAS splits over its threads, stay sgemm's.
// On the AVX2 path (6×16 tiles) both run at about the FMA units' peak, and rk_gemm still wins
// every product of the step, having no packing (2026-12-04, chrt -r 10, two runs: 225×64·k300
// 1.07×, its Xᵀ·dY 1.06×, 256×64·k64 1.05–1.08×, NT 256×32·k64 1.09–1.11×, 256×64·k32 1.01×,
// NT 256×64·k64 1.05×, the TN weight gradients 1.13–1.18×), so the rule is the same; at k = 8
// it loses (0.74×), as on AVX-512. SSE2 has no FMA and leaves every product to sgemm. So does
// a build without optimisation (swift build's debug configuration), where the tiles are not
// kept in registers and run at a tenth of sgemm's speed.
enum { RG_MIN_K = 16, RG_MAX_M = 1024, RG_MAX_N = 128, RG_MAX_K = 1024 };

int rk_gemm_takes(int64_t m, int64_t n, int64_t k, int trans_a, int trans_b) {
    (void)trans_a; (void)trans_b;  // every transpose wins
#if defined(__OPTIMIZE__)
    const rk_path path = rk_current_path();
    return (path == RK_PATH_AVX512 || path == RK_PATH_AVX2) && m <= RG_MAX_M && n <= RG_MAX_N && k >= RG_MIN_K && k <= RG_MAX_K;
#else
    (void)m; (void)n; (void)k;
    return 0;
#endif
}

int rk_gemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
            const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    switch (rk_current_path()) {
    case RK_PATH_AVX512: return rk_gemm_avx512(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    case RK_PATH_AVX2: return rk_gemm_avx2(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    default: return 0;
    }
}

int rk_gemm_rows(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
                 const int32_t *a_rows, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    switch (rk_current_path()) {
    case RK_PATH_AVX512:
        return rk_gemm_rows_avx512(trans_a, trans_b, m, n, k, alpha, a, lda, a_rows, b, ldb, beta, c, ldc);
    case RK_PATH_AVX2:
        return rk_gemm_rows_avx2(trans_a, trans_b, m, n, k, alpha, a, lda, a_rows, b, ldb, beta, c, ldc);
    default: return 0;
    }
}

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static _Thread_local float *scratch;
static _Thread_local int64_t scratch_floats;

static void make_scratch_key(void) { pthread_key_create(&scratch_key, free); }

float *rk_gemm_scratch(int64_t floats) {
    if (__builtin_expect(floats <= scratch_floats, 1)) return scratch;
    pthread_once(&scratch_once, make_scratch_key);
    const int64_t size = floats < 4096 ? 4096 : (floats + 15) / 16 * 16;
    float *grown = aligned_alloc(64, (size_t)size * sizeof(float));
    if (!grown) return NULL;
    free(scratch);
    scratch = grown;
    scratch_floats = size;
    pthread_setspecific(scratch_key, grown);  // freed when the thread ends
    return grown;
}
