// The table of one path's kernels (private to the C target).
#ifndef REC_CKERNELS_DISPATCH_H
#define REC_CKERNELS_DISPATCH_H
#include "CKernels.h"

typedef struct {
    void (*bias_act_forward)(float *, const float *, int64_t, int64_t, int);
    void (*act_backward)(const float *, const float *, const float *, float *, float *, int64_t, int64_t, int);
    void (*multiply)(const float *, const float *, float *, int64_t);
    void (*add)(const float *, float *, int64_t);
    void (*sum)(const float *, const float *, float *, int64_t);
    void (*adagrad)(float *, float *, const float *, int64_t, float, float);
    void (*adagrad_rows)(float *, float *, const float *, const int32_t *, int64_t, int64_t, float, float);
    float (*bpr)(const float *, const float *, float *, float *, int64_t, int64_t, float);
    float (*listwise)(const float *, const float *, float *, float *, int64_t, int64_t, float);
    float (*wmse)(const float *, const float *, float *, float *, int64_t, int64_t, float, float);
    void (*dropout_forward)(uint64_t *, int64_t, uint32_t, const float *, float *, float *, int64_t);
    void (*row_dot)(const float *, const float *, float *, int64_t, int64_t);
    void (*scale_rows)(const float *, const float *, float *, int64_t, int64_t);
    int64_t (*sparse_rows_add)(int32_t *, int32_t *, int64_t, float *, const int32_t *, const float *, int64_t, int64_t);
    void (*gather_rows)(const float *, int64_t, const int32_t *, int64_t, float *);
    void (*count_levels)(const float *, int64_t, const float *, int64_t, const int32_t *, int32_t, int32_t *, float *,
                         int64_t *, int64_t *);
    int64_t (*first_above)(const float *, int64_t, int64_t, float);
    void (*scatter_add_rows)(float *, int64_t, const int32_t *, int64_t, const float *);
    void (*count_nonfinite)(const float *, int64_t, int64_t *, int64_t *);
    int64_t (*count_equal)(const float *, int64_t, float);
    void (*ns_step)(const rk_negative_sampling *, uint64_t *, const float *, int32_t, float, float *);
    void (*ns_dbow)(const rk_negative_sampling *, uint64_t *, const int32_t *, int64_t, float *, float, float *);
    double (*excluded_scores)(const float *, const float *, const float *, const float *, int64_t, const int32_t *,
                              int64_t, const int64_t *, const int32_t *, float *, double);
    void (*excluded_backward)(const float *, const float *, const float *, int64_t, const int32_t *, int64_t,
                              const int64_t *, const int32_t *, const float *, float, float *, float *, float *);
    int64_t (*top_k)(const float *, int64_t, const uint8_t *, int64_t, float *, int32_t *);
} rk_table;

/// Buckets per unit of score between the lowest and the highest level (0 with one level).
static inline float level_scale(const float *v, int64_t levels, int32_t buckets) {
    return levels > 1 ? (float)((double)buckets / ((double)v[levels - 1] - (double)v[0])) : 0.0f;
}

/// The bucket of score x (see rk_level_table): 0 below the lowest level (and NaN), 1…buckets
/// in equal widths from the lowest to the highest level, buckets + 1 above the highest.
/// Monotone in x.
static inline int32_t level_bucket(float x, float low, float high, float scale, int32_t buckets) {
    const float t = (x - low) * scale;
    const int32_t inside = t >= 0 && t < (float)buckets ? (int32_t)t : buckets - 1;
    return x > high ? buckets + 1 : !(x >= low) ? 0 : 1 + inside;
}

/// xoshiro256**'s state advanced by a fixed number of draws (xoshiro_jump.c): a cached table
/// for `steps` (NULL when the cache is full), and its application to a state.
struct rk_jump;
const struct rk_jump *rk_xoshiro_jump(int64_t steps);
void rk_xoshiro_apply(const struct rk_jump *jump, const uint64_t s[4], uint64_t out[4]);

extern const rk_table rk_table_sse2, rk_table_avx2, rk_table_avx512;

// A path's table, in a file where RK(name) names that path's copies.
#define RK_TABLE_ENTRIES { \
    .bias_act_forward = RK(bias_act_forward), .act_backward = RK(act_backward), \
    .multiply = RK(multiply), .add = RK(add), .sum = RK(sum), .adagrad = RK(adagrad), \
    .adagrad_rows = RK(adagrad_rows), .bpr = RK(bpr), \
    .listwise = RK(listwise), .wmse = RK(wmse), \
    .dropout_forward = RK(dropout_forward), .row_dot = RK(row_dot), .scale_rows = RK(scale_rows), \
    .sparse_rows_add = RK(sparse_rows_add), .gather_rows = RK(gather_rows), \
    .count_levels = RK(count_levels), .first_above = RK(first_above), \
    .scatter_add_rows = RK(scatter_add_rows), .count_nonfinite = RK(count_nonfinite), .count_equal = RK(count_equal), \
    .ns_step = RK(ns_step), .ns_dbow = RK(ns_dbow), \
    .excluded_scores = RK(excluded_scores), .excluded_backward = RK(excluded_backward), .top_k = RK(top_k) }

#endif
