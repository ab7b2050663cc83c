// Fisher–Yates over an index array, drawing exactly as RandomSource.shuffle does, with each
// swap's far element asked for some swaps ahead: an epoch's order (a million events) is larger
// than L2, and the plain loop waits on one cache miss per swap.
#include "CKernels.h"
#include "xoshiro.h"

// For i from n − 1 down to 1, j = below(i + 1) and v[i] ⇄ v[j]; the draws are the same ones in
// the same order, only made AHEAD swaps early (a swap only moves v[i] and v[j], and v[i] is
// read from the front of the walk, so prefetching v[j] early changes no value).
#define RK_SHUFFLE(name, type) \
    void name(uint64_t s[4], type *v, int64_t n) { \
        enum { AHEAD = 16 }; \
        int64_t drawn[AHEAD]; \
        for (int64_t q = 0; q < AHEAD && n - 1 - q > 0; q++) { \
            drawn[q] = xoshiro_below(s, n - q); \
            __builtin_prefetch(v + drawn[q], 1); \
        } \
        for (int64_t i = n - 1, q = 0; i > 0; i--, q = q + 1 == AHEAD ? 0 : q + 1) { \
            const int64_t j = drawn[q]; \
            if (i - AHEAD > 0) { \
                drawn[q] = xoshiro_below(s, i - AHEAD + 1); \
                __builtin_prefetch(v + drawn[q], 1); \
            } \
            const type x = v[i]; \
            v[i] = v[j]; \
            v[j] = x; \
        } \
    }

RK_SHUFFLE(rk_shuffle_int32, int32_t)
RK_SHUFFLE(rk_shuffle_int64, int64_t)

// An epoch's layout: outA[k] = a[order[k]], outB[k] = b[order[k]]. The reads land anywhere in
// the events' columns (larger than L2 on large data), so each is asked for some rows ahead.
void rk_gather_pairs_int32(const int64_t *order, int64_t n, const int32_t *a, const int32_t *b,
                           int32_t *outA, int32_t *outB) {
    enum { AHEAD = 16 };
    for (int64_t k = 0; k < n; k++) {
        if (k + AHEAD < n) {
            __builtin_prefetch(a + order[k + AHEAD]);
            __builtin_prefetch(b + order[k + AHEAD]);
        }
        const int64_t e = order[k];
        outA[k] = a[e];
        outB[k] = b[e];
    }
}
