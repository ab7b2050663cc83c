// The table of one path's kernels (private to the C target).
#ifndef REC_CKERNELS_DISPATCH_H
#define REC_CKERNELS_DISPATCH_H
#include "CKernels.h"

typedef struct {
    void (*bias_act_forward)(float *, const float *, int64_t, int64_t, int);
    void (*act_backward)(const float *, const float *, const float *, float *, float *, int64_t, int64_t, int);
    void (*multiply)(const float *, const float *, float *, int64_t);
    void (*add)(const float *, float *, int64_t);
    void (*adagrad)(float *, float *, const float *, int64_t, float, float);
    void (*adagrad_rows)(float *, float *, const float *, const int32_t *, int64_t, int64_t, float, float);
    float (*bpr_forward)(const float *, const float *, float *, int64_t, int64_t);
    void (*bpr_backward)(const float *, float *, float *, int64_t, int64_t, float);
    float (*listwise_forward)(const float *, const float *, float *, float *, int64_t, int64_t);
    void (*dropout_forward)(uint64_t *, int64_t, uint32_t, const float *, float *, float *, int64_t);
    void (*row_dot)(const float *, const float *, float *, int64_t, int64_t);
    void (*scale_rows)(const float *, const float *, float *, int64_t, int64_t);
    int64_t (*sparse_rows_add)(int32_t *, int32_t *, int64_t, float *, const int32_t *, const float *, int64_t, int64_t);
    void (*gather_rows)(const float *, int64_t, const int32_t *, int64_t, float *);
    void (*count_levels)(const float *, int64_t, const float *, int64_t, const int32_t *, int64_t, double, double,
                         int32_t *, int64_t *, int64_t *);
    int64_t (*first_above)(const float *, int64_t, int64_t, float);
} rk_table;

/// rk_level_bucket, shared by the public function and every path's counting.
static inline int64_t level_bucket(float x, double low, double scale, int64_t buckets) {
    const double t = ((double)x - low) * scale;
    return t <= 0 ? 0 : t >= (double)buckets ? buckets - 1 : (int64_t)t;
}

extern const rk_table rk_table_sse2, rk_table_avx2, rk_table_avx512;

// A path's table, in a file where RK(name) names that path's copies.
#define RK_TABLE_ENTRIES { \
    .bias_act_forward = RK(bias_act_forward), .act_backward = RK(act_backward), \
    .multiply = RK(multiply), .add = RK(add), .adagrad = RK(adagrad), \
    .adagrad_rows = RK(adagrad_rows), .bpr_forward = RK(bpr_forward), \
    .bpr_backward = RK(bpr_backward), .listwise_forward = RK(listwise_forward), \
    .dropout_forward = RK(dropout_forward), .row_dot = RK(row_dot), .scale_rows = RK(scale_rows), \
    .sparse_rows_add = RK(sparse_rows_add), .gather_rows = RK(gather_rows), \
    .count_levels = RK(count_levels), .first_above = RK(first_above) }

#endif
