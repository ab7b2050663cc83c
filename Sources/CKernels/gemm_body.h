// The small matrix product's body (see include/rk_gemm.h). gemm_path.h includes this file
// once inside a `#pragma clang attribute push(target(...))` with RG(name) naming that path's
// copy and RG_ROWS × RG_VECTORS the register tile: RG_ROWS rows of C by RG_VECTORS vectors
// of 16 columns (one zmm each on AVX-512, two ymm on AVX2).
//
// Each element of C is Σ_k op(A)[i, k] · op(B)[k, j] with one fused multiply-add per k, k
// ascending from zero, then alpha · sum + beta · C (C unread when beta is 0). Every FMA path
// therefore gives the same numbers, and the same ones every run.
#include <stdint.h>
#include <string.h>
#include "gemm.h"

#pragma clang fp contract(off)
#pragma clang diagnostic ignored "-Wpsabi"

typedef float gv __attribute__((vector_size(64)));

#define GINL static inline __attribute__((always_inline))

GINL gv g_load(const float *p) { gv v; memcpy(&v, p, sizeof v); return v; }
GINL void g_store(float *p, gv v) { memcpy(p, &v, sizeof v); }
/// x in every lane (not 0 + x: with contraction off the compiler must keep that addition).
GINL gv g_splat(float x) { return (gv){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }

/// rows × vectors of C's tile from row i of op(A) and the panel b (k rows of 16·vectors
/// floats, `ldb` apart): the sums into acc. A's element (i + r, p) is at
/// a[r·lda + p] (not transposed) or a[p·lda + r] (transposed); with `idx` (A's stored rows
/// picked by index: row q of the stored A is a + idx[q]·lda) at a[idx[r]·lda + p] or
/// a[idx[p]·lda + r]. The sums are the same either way: only the address differs.
GINL void g_tile(const int rows, const int vectors, const int trans_a, int64_t k, const float *a, int64_t lda,
                 const int32_t *idx, const int32_t *next, const float *b, int64_t ldb, gv acc[RG_ROWS][RG_VECTORS]) {
    for (int r = 0; r < rows; r++)
        for (int v = 0; v < vectors; v++) acc[r][v] = (gv){0};
    const float *ar[RG_ROWS], *an[RG_ROWS];
    if (idx && !trans_a)
        for (int r = 0; r < rows; r++) {
            ar[r] = a + idx[r] * lda;
            an[r] = next ? a + next[r] * lda : ar[r];
        }
    for (int64_t p = 0; p < k; p++) {
        gv bv[RG_VECTORS];
        for (int v = 0; v < vectors; v++) bv[v] = g_load(b + p * ldb + 16 * v);
        const float *ap = idx && trans_a ? a + idx[p] * lda : a;
        // Indexed rows come from anywhere (a content table in L3): where RG_PREFETCH says so,
        // the next tile's rows are fetched a line per row every 16 steps, and transposed, the
        // row 16 steps ahead.
        if (idx && !trans_a && RG_PREFETCH && (p & 15) == 0)
            for (int r = 0; r < rows; r++) __builtin_prefetch(an[r] + p);
        if (idx && trans_a && RG_PREFETCH && p + 16 < k) __builtin_prefetch(a + idx[p + 16] * lda);
        for (int r = 0; r < rows; r++) {
            const float x = idx ? (trans_a ? ap[r] : ar[r][p]) : (trans_a ? a[p * lda + r] : a[r * lda + p]);
            const gv av = g_splat(x);
            for (int v = 0; v < vectors; v++) acc[r][v] = __builtin_elementwise_fma(av, bv[v], acc[r][v]);
        }
    }
}

/// C's tile = alpha · acc + beta · C, for its first `width` columns (≤ 16 · vectors).
GINL void g_write(const int rows, const int vectors, gv acc[RG_ROWS][RG_VECTORS], float *c, int64_t ldc,
                  int64_t width, float alpha, float beta) {
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        for (int v = 0; v < vectors; v++) {
            const int64_t left = width - 16 * v, count = left < 16 ? left : 16;
            // Multiplying by 1 changes nothing, so skipping it keeps the numbers (and saves
            // half the write's work when k is small).
            gv t = alpha == 1 ? acc[r][v] : acc[r][v] * alpha;
            if (count == 16) {
                if (beta == 1) t = t + g_load(row + 16 * v);
                else if (beta != 0) t = t + g_load(row + 16 * v) * beta;
                g_store(row + 16 * v, t);
            } else {
                for (int64_t j = 0; j < count; j++)
                    row[16 * v + j] = beta != 0 ? t[j] + row[16 * v + j] * beta : t[j];
            }
        }
    }
}

GINL void g_block(const int rows, const int vectors, const int trans_a, int64_t k, const float *a, int64_t lda,
                  const int32_t *idx, const int32_t *next, const float *b, int64_t ldb, float *c, int64_t ldc,
                  int64_t width, float alpha, float beta) {
    gv acc[RG_ROWS][RG_VECTORS];
    g_tile(rows, vectors, trans_a, k, a, lda, idx, next, b, ldb, acc);
    g_write(rows, vectors, acc, c, ldc, width, alpha, beta);
}

/// One column block (16 · vectors wide, `width` of it real) down all m rows of C. With `idx`,
/// A's stored rows by index (see g_tile): tile i's rows are idx + i (not transposed), or its
/// columns a + i of every indexed row (transposed).
GINL void g_column(const int vectors, const int trans_a, const int indexed, int64_t m, int64_t k, const float *a,
                   int64_t lda, const int32_t *idx, const float *b, int64_t ldb, float *c, int64_t ldc, int64_t width,
                   float alpha, float beta) {
    if (!indexed) idx = 0;  // a constant, so each copy's loops know it
#define RG_AT(i) (trans_a ? a + (i) : indexed ? a : a + (i) * lda)
#define RG_IDX(i) (indexed && !trans_a ? idx + (i) : idx)
    int64_t i = 0;
    // The next tile's rows when they are a whole tile (the last, shorter one is not fetched ahead).
#define RG_NEXT(i) (indexed && !trans_a && (i) + 2 * RG_ROWS <= m ? idx + (i) + RG_ROWS : 0)
    for (; i + RG_ROWS <= m; i += RG_ROWS)
        g_block(RG_ROWS, vectors, trans_a, k, RG_AT(i), lda, RG_IDX(i), RG_NEXT(i), b, ldb, c + i * ldc, ldc, width,
                alpha, beta);
    const float *ai = RG_AT(i);
    const int32_t *xi = RG_IDX(i);
    switch (m - i) {  // the last rows: a tile of each height, so every loop above unrolls
#if RG_ROWS > 7
    case 7: g_block(7, vectors, trans_a, k, ai, lda, xi, 0, b, ldb, c + i * ldc, ldc, width, alpha, beta); break;
#endif
#if RG_ROWS > 6
    case 6: g_block(6, vectors, trans_a, k, ai, lda, xi, 0, b, ldb, c + i * ldc, ldc, width, alpha, beta); break;
#endif
    case 5: g_block(5, vectors, trans_a, k, ai, lda, xi, 0, b, ldb, c + i * ldc, ldc, width, alpha, beta); break;
    case 4: g_block(4, vectors, trans_a, k, ai, lda, xi, 0, b, ldb, c + i * ldc, ldc, width, alpha, beta); break;
    case 3: g_block(3, vectors, trans_a, k, ai, lda, xi, 0, b, ldb, c + i * ldc, ldc, width, alpha, beta); break;
    case 2: g_block(2, vectors, trans_a, k, ai, lda, xi, 0, b, ldb, c + i * ldc, ldc, width, alpha, beta); break;
    case 1: g_block(1, vectors, trans_a, k, ai, lda, xi, 0, b, ldb, c + i * ldc, ldc, width, alpha, beta); break;
    default: break;
    }
#undef RG_AT
#undef RG_IDX
#undef RG_NEXT
}

GINL void g_column_any(int vectors, int trans_a, int64_t m, int64_t k, const float *a, int64_t lda, const int32_t *idx,
                       const float *b, int64_t ldb, float *c, int64_t ldc, int64_t width, float alpha, float beta) {
#define RG_COLUMN_T(V, T) \
    (idx ? g_column(V, T, 1, m, k, a, lda, idx, b, ldb, c, ldc, width, alpha, beta) \
         : g_column(V, T, 0, m, k, a, lda, idx, b, ldb, c, ldc, width, alpha, beta))
#define RG_COLUMN(V) (trans_a ? RG_COLUMN_T(V, 1) : RG_COLUMN_T(V, 0))
    switch (vectors) {
#if RG_VECTORS > 3
    case 4: RG_COLUMN(4); break;
#endif
#if RG_VECTORS > 2
    case 3: RG_COLUMN(3); break;
#endif
#if RG_VECTORS > 1
    case 2: RG_COLUMN(2); break;
#endif
    default: RG_COLUMN(1); break;
    }
#undef RG_COLUMN
#undef RG_COLUMN_T
}

int RG(gemm_rows)(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
                  const int32_t *a_rows, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    const int64_t block = 16 * RG_VECTORS;
    // The panel buffer is asked for before any of C is written: without it nothing is done.
    if ((trans_b || n % 16 != 0) && !rk_gemm_scratch(k * (n < block ? (n + 15) / 16 * 16 : block))) return 0;
    for (int64_t j = 0; j < n; j += block) {
        const int64_t width = n - j < block ? n - j : block;
        const int vectors = (int)((width + 15) / 16);
        const int64_t padded = 16 * (int64_t)vectors;
        if (!trans_b && width == padded) {
            // B's rows are the panel's rows.
            g_column_any(vectors, trans_a, m, k, a, lda, a_rows, b + j, ldb, c + j, ldc, width, alpha, beta);
            continue;
        }
        // Bᵀ's columns, or a block narrower than its vectors: copied into k rows of `padded`
        // floats (zeros past `width`, so every load stays inside the copy).
        float *panel = rk_gemm_scratch(k * padded);
        if (trans_b) {
            for (int64_t q = 0; q < width; q++)
                for (int64_t p = 0; p < k; p++) panel[p * padded + q] = b[(j + q) * ldb + p];
        } else {
            for (int64_t p = 0; p < k; p++) memcpy(panel + p * padded, b + p * ldb + j, (size_t)width * sizeof(float));
        }
        for (int64_t p = 0; p < k; p++)
            for (int64_t q = width; q < padded; q++) panel[p * padded + q] = 0;
        g_column_any(vectors, trans_a, m, k, a, lda, a_rows, panel, padded, c + j, ldc, width, alpha, beta);
    }
    return 1;
}

int RG(gemm)(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
             const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    return RG(gemm_rows)(trans_a, trans_b, m, n, k, alpha, a, lda, 0, b, ldb, beta, c, ldc);
}
