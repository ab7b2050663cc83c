// Picks the widest path this CPU runs (or the one REC_KERNELS names) on first use; every
// public rk_ function calls through the chosen table.
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "dispatch.h"
#if defined(__x86_64__)
#include <cpuid.h>
#endif

static const rk_table *const tables[] = { &rk_table_sse2, &rk_table_avx2, &rk_table_avx512 };
static _Atomic(const rk_table *) current_table = NULL;
static _Atomic int current_path = RK_PATH_SSE2;

#if defined(__x86_64__)
/// The register state the OS saves on a context switch (XCR0).
static uint64_t os_saved_state(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}
#endif

int rk_path_supported(rk_path path) {
    if (path == RK_PATH_SSE2) return 1;
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int osxsave = (c >> 27) & 1, fma = (c >> 12) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx || !fma) return 0;
    uint64_t xcr0 = os_saved_state();
    if ((xcr0 & 0x6) != 0x6) return 0;  // SSE and AVX state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int avx2 = (b >> 5) & 1;
    if (path == RK_PATH_AVX2) return avx2;
    int f = (b >> 16) & 1, dq = (b >> 17) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
    // PREFETCHW, which the AVX-512 path's prefetches for writing compile to.
    if (!__get_cpuid(0x80000001, &a, &b, &c, &d)) return 0;
    int prefetchw = (c >> 8) & 1;
    return path == RK_PATH_AVX512 && avx2 && f && dq && bw && vl && prefetchw && (xcr0 & 0xE0) == 0xE0;
#else
    return 0;
#endif
}

const char *rk_path_name(rk_path path) {
    switch (path) {
    case RK_PATH_AVX512: return "avx512";
    case RK_PATH_AVX2: return "avx2";
    default: return "sse2";
    }
}

int rk_select_path(rk_path path) {
    if (path < RK_PATH_SSE2 || path > RK_PATH_AVX512 || !rk_path_supported(path)) return 0;
    atomic_store(&current_path, path);
    atomic_store(&current_table, tables[path]);
    return 1;
}

/// REC_KERNELS=sse2|avx2|avx512 asks for a path (the widest supported one at most).
static rk_path chosen_path(void) {
    rk_path best = RK_PATH_SSE2;
    for (int p = RK_PATH_AVX512; p > RK_PATH_SSE2; p--)
        if (rk_path_supported((rk_path)p)) { best = (rk_path)p; break; }
    const char *asked = getenv("REC_KERNELS");
    if (asked) {
        for (int p = RK_PATH_SSE2; p <= RK_PATH_AVX512; p++)
            if (strcmp(asked, rk_path_name((rk_path)p)) == 0 && p <= (int)best) return (rk_path)p;
    }
    return best;
}

static inline const rk_table *table(void) {
    const rk_table *t = atomic_load_explicit(&current_table, memory_order_acquire);
    if (__builtin_expect(t != NULL, 1)) return t;
    rk_select_path(chosen_path());
    return atomic_load(&current_table);
}

rk_path rk_current_path(void) { table(); return (rk_path)atomic_load(&current_path); }

void rk_bias_act_forward(float *y, const float *bias, int64_t rows, int64_t width, int act) {
    table()->bias_act_forward(y, bias, rows, width, act);
}
void rk_act_backward(const float *g, const float *mask, const float *y, float *dz, float *dbias,
                     int64_t rows, int64_t width, int act) {
    table()->act_backward(g, mask, y, dz, dbias, rows, width, act);
}
void rk_multiply(const float *x, const float *y, float *out, int64_t n) { table()->multiply(x, y, out, n); }
void rk_add(const float *x, float *y, int64_t n) { table()->add(x, y, n); }
void rk_sum(const float *x, const float *y, float *out, int64_t n) { table()->sum(x, y, out, n); }
void rk_adagrad(float *w, float *acc, const float *g, int64_t n, float lr, float eps) {
    table()->adagrad(w, acc, g, n, lr, eps);
}
void rk_adagrad_rows(float *table_, float *acc, const float *grads, const int32_t *rows,
                     int64_t count, int64_t width, float lr, float eps) {
    table()->adagrad_rows(table_, acc, grads, rows, count, width, lr, eps);
}
float rk_bpr(const float *pos, const float *neg, float *gp, float *gn, int64_t b, int64_t k, float scale) {
    return table()->bpr(pos, neg, gp, gn, b, k, scale);
}
float rk_listwise(const float *pos, const float *neg, float *gp, float *gn, int64_t b, int64_t k, float scale) {
    return table()->listwise(pos, neg, gp, gn, b, k, scale);
}
float rk_wmse(const float *pos, const float *neg, float *gp, float *gn, int64_t b, int64_t k, float sp, float sn) {
    return table()->wmse(pos, neg, gp, gn, b, k, sp, sn);
}
void rk_dropout_forward(uint64_t *state, int64_t threshold, uint32_t keep_bits,
                        const float *x, float *mask, float *y, int64_t n) {
    table()->dropout_forward(state, threshold, keep_bits, x, mask, y, n);
}
void rk_row_dot(const float *a, const float *b, float *out, int64_t rows, int64_t d) {
    table()->row_dot(a, b, out, rows, d);
}
void rk_scale_rows(const float *g, const float *src, float *dst, int64_t rows, int64_t d) {
    table()->scale_rows(g, src, dst, rows, d);
}
int64_t rk_sparse_rows_add(int32_t *slot_of, int32_t *touched, int64_t count, float *values,
                           const int32_t *indices, const float *rows, int64_t n, int64_t width) {
    return table()->sparse_rows_add(slot_of, touched, count, values, indices, rows, n, width);
}
void rk_gather_rows(const float *table_, int64_t width, const int32_t *indices, int64_t n, float *out) {
    table()->gather_rows(table_, width, indices, n, out);
}
void rk_count_levels(const float *s, int64_t n, const float *levels, int64_t count, const int32_t *index,
                     int32_t buckets, int32_t *scratch, float *pending, int64_t *above, int64_t *equal) {
    table()->count_levels(s, n, levels, count, index, buckets, scratch, pending, above, equal);
}
int64_t rk_first_above(const float *s, int64_t from, int64_t n, float floor) {
    return table()->first_above(s, from, n, floor);
}
void rk_level_table(const float *levels, int64_t count, int32_t buckets, int32_t *index) {
    const float low = levels[0], high = levels[count - 1], scale = level_scale(levels, count, buckets);
    int64_t next = 0;
    for (int64_t j = 0; j < count; j++) {
        const int32_t b = level_bucket(levels[j], low, high, scale, buckets);
        while (next <= b) index[next++] = (int32_t)j;
    }
    while (next <= buckets + 1) index[next++] = (int32_t)count;
    // A bucket holding a level (its first level differs from the next bucket's) is mixed.
    for (int64_t b = 1; b <= buckets; b++)
        if (index[b] != index[b + 1]) index[b] |= RK_LEVEL_MIXED;
}
void rk_scatter_add_rows(float *table_, int64_t width, const int32_t *indices, int64_t n, const float *rows) {
    table()->scatter_add_rows(table_, width, indices, n, rows);
}
void rk_count_nonfinite(const float *s, int64_t n, int64_t *nan, int64_t *infinite) {
    table()->count_nonfinite(s, n, nan, infinite);
}
int64_t rk_count_equal(const float *s, int64_t n, float v) {
    return table()->count_equal(s, n, v);
}
void rk_ns_step(const rk_negative_sampling *m, uint64_t s[4], const float *l1, int32_t target, float lr,
                float *neu1e) {
    table()->ns_step(m, s, l1, target, lr, neu1e);
}
int64_t rk_top_k(const float *s, int64_t n, const uint8_t *excluded, int64_t k, float *scores, int32_t *ids) {
    return table()->top_k(s, n, excluded, k, scores, ids);
}
double rk_excluded_scores(const float *v, const float *e, const float *u, const float *cb, int64_t d,
                          const int32_t *groups, int64_t rows, const int64_t *starts, const int32_t *columns,
                          float *scores, double total) {
    return table()->excluded_scores(v, e, u, cb, d, groups, rows, starts, columns, scores, total);
}
void rk_excluded_backward(const float *v, const float *e, const float *u, int64_t d, const int32_t *groups,
                          int64_t rows, const int64_t *starts, const int32_t *columns, const float *scores,
                          float two, float *gv, float *gu, float *gcb) {
    table()->excluded_backward(v, e, u, d, groups, rows, starts, columns, scores, two, gv, gu, gcb);
}
void rk_ns_dbow(const rk_negative_sampling *m, uint64_t s[4], const int32_t *words, int64_t n, float *doc,
                float lr, float *neu1e) {
    table()->ns_dbow(m, s, words, n, doc, lr, neu1e);
}
