// Hot element-wise loops of the numeric core, compiled three times (AVX-512, AVX2 + FMA
// registers, baseline SSE2) and picked once at start-up from the CPU (or REC_KERNELS), so
// one portable binary runs full width everywhere. The loops use one 16-lane vector type whatever
// the register width; the AVX2 and AVX-512 paths fuse the multiply-adds the formulas mark
// (fma16 in body.h) and give the same bits as each other; SSE2 computes them unfused (the Swift
// formulas' bits), so it may differ from them in the last bits.
#ifndef REC_CKERNELS_H
#define REC_CKERNELS_H

#include <stdint.h>
#include "rk_gemm.h"

/// The instruction sets a path uses.
typedef enum { RK_PATH_SSE2 = 0, RK_PATH_AVX2 = 1, RK_PATH_AVX512 = 2 } rk_path;

/// The path in use (chosen on first use: the widest the CPU has, or REC_KERNELS=sse2|avx2|avx512
/// when the CPU has it).
rk_path rk_current_path(void);
/// Whether this CPU can run `path`.
int rk_path_supported(rk_path path);
/// Switches to `path` (tests run every path); returns 0 when the CPU cannot run it.
int rk_select_path(rk_path path);
/// "sse2", "avx2" or "avx512".
const char *rk_path_name(rk_path path);

/// What rec changed in OpenBLAS's choice of kernels at start-up, or NULL: an OpenBLAS older than
/// the CPU falls back to its SSE3 kernels, and rec then has it pick the AVX2 or AVX-512 ones the
/// CPU runs (openblas_core.c; OPENBLAS_CORETYPE, when set, is left to decide).
const char *rk_openblas_core_note(void);
/// Whether `core` (an `openblas_get_corename()`) names one of OpenBLAS's x86-64 kernel sets that
/// use neither AVX2 nor FMA ("Prescott", "Nehalem", "Sandybridge", …).
int rk_openblas_core_lacks_avx2(const char *core);

/// Activations the fused passes know (the rest stay in Swift).
enum { RK_ACT_NONE = 0, RK_ACT_ELU = 1, RK_ACT_RELU = 2 };

/// y[r] = act(y[r] + bias) for each of `rows` rows of `width` (bias may be NULL).
void rk_bias_act_forward(float *y, const float *bias, int64_t rows, int64_t width, int act);
/// dz = g · act'(y), with y the activation's output; with dbias non-NULL, also
/// dbias[c] += Σ_r dz[r, c]. When mask is non-NULL the incoming gradient is g · mask (dropout's
/// backward) and out = y · mask is what went forward.
void rk_act_backward(const float *g, const float *mask, const float *y, float *dz, float *dbias,
                     int64_t rows, int64_t width, int act);
/// out = y · mask, element-wise.
void rk_multiply(const float *x, const float *y, float *out, int64_t n);
/// y += x.
void rk_add(const float *x, float *y, int64_t n);
/// out = x + y, element-wise.
void rk_sum(const float *x, const float *y, float *out, int64_t n);

/// Adagrad on a block: acc += g²; w -= lr · g / (√acc + eps).
void rk_adagrad(float *w, float *acc, const float *g, int64_t n, float lr, float eps);
/// Adagrad on rows rows[k] of a table and its accumulator, gradient row k of `grads`.
void rk_adagrad_rows(float *table, float *acc, const float *grads, const int32_t *rows,
                     int64_t count, int64_t width, float lr, float eps);

/// BPR over b examples × k negatives, forward and backward in one pass: returns
/// Σ softplus(neg − pos) and writes its gradients times `scale`: gn = σ(neg − pos) · scale
/// [b, k], gp[i] = −(Σ_j σ(neg_ij − pos_i)) · scale [b].
float rk_bpr(const float *pos, const float *neg, float *gp, float *gn, int64_t b, int64_t k, float scale);
/// Listwise softmax cross-entropy over [pos, neg_1…neg_k] per example, forward and backward in
/// one pass: returns the summed loss and writes its gradients times `scale`: gn = prob · scale
/// [b, k], gp = (prob_pos − 1) · scale [b].
float rk_listwise(const float *pos, const float *neg, float *gp, float *gn, int64_t b, int64_t k, float scale);
/// Weighted squared error against targets 1 (pos) and 0 (neg), forward and backward in one pass:
/// returns sp · Σ (pos − 1)² + sn · Σ neg² and writes gp = 2sp · (pos − 1), gn = 2sn · neg.
float rk_wmse(const float *pos, const float *neg, float *gp, float *gn, int64_t b, int64_t k, float sp, float sn);
/// Inverted dropout: mask from the xoshiro256** state (4 words, advanced), y = x · mask.
/// A draw u (32 bits) below threshold drops; the kept get the float whose bits are keep_bits.
void rk_dropout_forward(uint64_t *state, int64_t threshold, uint32_t keep_bits,
                        const float *x, float *mask, float *y, int64_t n);
/// out[r] = a[r] · b[r] for rows of width d.
void rk_row_dot(const float *a, const float *b, float *out, int64_t rows, int64_t d);
/// dst[r] = g[r] · src[r] for rows of width d.
void rk_scale_rows(const float *g, const float *src, float *dst, int64_t rows, int64_t d);
/// Sparse row gradients: adds row k of `rows` [n, width] into the slot of row indices[k]
/// (slot_of[r], or −1 for none: then a new slot at `count`, the row copied there and r appended
/// to `touched`). Returns the new count of touched rows.
int64_t rk_sparse_rows_add(int32_t *slot_of, int32_t *touched, int64_t count, float *values,
                           const int32_t *indices, const float *rows, int64_t n, int64_t width);
/// out[k] = table[indices[k]] for rows of `width` (indices already checked), prefetching ahead.
void rk_gather_rows(const float *table, int64_t width, const int32_t *indices, int64_t n, float *out);
/// table[indices[k]] += rows[k] for rows of `width` (indices already checked; repeats add up in order).
void rk_scatter_add_rows(float *table, int64_t width, const int32_t *indices, int64_t n, const float *rows);

/// Ranking one item's users against the distinct scores of its relevant users ("levels",
/// ascending, finite, `count` of them, then +∞ at levels[count]). Scores fall into buckets: 0
/// below the lowest level, 1…buckets in equal widths up to the highest, buckets + 1 above it.
/// rk_level_table writes index[0…buckets + 1]: the first level at or above each bucket, with
/// RK_LEVEL_MIXED set where the bucket holds a level itself.
void rk_level_table(const float *levels, int64_t count, int32_t buckets, int32_t *index);
#define RK_LEVEL_MIXED ((int32_t)0x40000000)
#define RK_LEVEL_MASK ((int32_t)0x3FFFFFFF)
/// Over the n finite scores: above[j] += the users at most levels[j] and above levels[j − 1]
/// (above[count]: those above every level), equal[j] += those equal to levels[j]; users below
/// levels[0] count nowhere. A user in a bucket without a level is counted with its bucket; the
/// others (`pending`: room for n floats) are placed exactly afterwards. scratch holds
/// 4 · (buckets + 2) counters. With few levels (up to 48 on AVX-512, 28 on AVX2, 8 on SSE2)
/// each score is compared with every level instead, sixteen at a time (the same counts; index,
/// scratch and pending unused).
void rk_count_levels(const float *s, int64_t n, const float *levels, int64_t count, const int32_t *index,
                     int32_t buckets, int32_t *scratch, float *pending, int64_t *above, int64_t *equal);
/// The first index i in [from, n) with s[i] > floor, or n.
int64_t rk_first_above(const float *s, int64_t from, int64_t n, float floor);
/// Fisher–Yates over v[0..<n] with the xoshiro256** state s (4 words, advanced): the permutation
/// and the draws of RandomSource.shuffle, with the far element of each swap prefetched ahead.
void rk_shuffle_int32(uint64_t s[4], int32_t *v, int64_t n);
void rk_shuffle_int64(uint64_t s[4], int64_t *v, int64_t n);
/// n draws from the xoshiro256** state s (advanced), one number each, into out: RandomSource.below(users)
/// each, or AliasSampler.sample over its tables (count columns).
void rk_draw_below(uint64_t s[4], int64_t users, int32_t *out, int64_t n);
void rk_draw_alias(uint64_t s[4], const float *probability, const int32_t *alias, int64_t count,
                   int32_t *out, int64_t n);
void rk_gather_pairs_int32(const int64_t *order, int64_t n, const int32_t *a, const int32_t *b,
                           int32_t *outA, int32_t *outB);
/// ItemGrouping: the n examples (items, positives) into out_items, out_positives (no overlap),
/// grouped by item for `parts` parts (see ItemGrouping.swift). group_of: −1 for every item id,
/// and so again on return; scratch: room for 5n + 1 + parts int32.
void rk_group_items(const int32_t *items, const int32_t *positives, int64_t n, int64_t parts,
                    int32_t *group_of, int32_t *scratch, int32_t *out_items, int32_t *out_positives);
/// *nan += the NaNs among the n floats, *infinite += the ±∞.
void rk_count_nonfinite(const float *s, int64_t n, int64_t *nan, int64_t *infinite);
/// How many of the n floats equal v.
int64_t rk_count_equal(const float *s, int64_t n, float v);

/// Negative sampling (word2vec, paragraph vectors): the output vectors, the noise words' alias
/// tables (Walker's method over `words` entries) and σ's table, as NegativeSamplingStep holds them.
typedef struct {
    float *output;              ///< [words, dim]; written only when updates_outputs
    const float *probability;   ///< alias sampler: keep i with this probability, else alias[i]
    const int32_t *alias;
    const float *sigmoid;       ///< σ at RK_SIGMOID_SIZE points over [−RK_SIGMOID_MAX, RK_SIGMOID_MAX)
    int64_t words, dim, negatives;
    int32_t updates_outputs;    ///< 0 for inference: only the input's step is computed
} rk_negative_sampling;
#define RK_SIGMOID_SIZE 1000
#define RK_SIGMOID_MAX 6.0f
/// One step: input l1 predicts `target` against `negatives` noise words drawn from the
/// xoshiro256** state s (advanced); output rows move (when allowed) and the input's step is
/// added into neu1e.
void rk_ns_step(const rk_negative_sampling *m, uint64_t s[4], const float *l1, int32_t target, float lr,
                float *neu1e);
/// The k best of s[0..<n] (higher score first, equal scores by lower index), leaving out
/// indices marked in `excluded` (NULL: none) and scores not above −∞ (NaN too): written best
/// first to scores and ids (room for k each); returns how many (fewer than k when fewer qualify).
int64_t rk_top_k(const float *s, int64_t n, const uint8_t *excluded, int64_t k, float *scores, int32_t *ids);
/// A Gramian sum's excluded pairs (Variable.gramianSquares): for each row r of v [rows, d], each
/// column c = columns[k] of u [n, d] for k in starts[g]..<starts[g + 1] (g = groups[r]), the
/// pairs in row order: scores[pair] = v_r · u_c (as Kernels.dot) + e_r · cb_c, total − Σ (s·s
/// in double). cb (the columns' bias, [n]) may be NULL: no bias; e (the rows' factor on it,
/// [rows]) may be NULL: 1 for every row.
double rk_excluded_scores(const float *v, const float *e, const float *u, const float *cb, int64_t d,
                          const int32_t *groups, int64_t rows, const int64_t *starts, const int32_t *columns,
                          float *scores, double total);
/// Their gradients, pair by pair in the same order, a = −two · scores[pair]: gv_r += a · u_c,
/// gu_c += a · v_r (each as Kernels.axpy) and gcb_c += a · e_r (any of the three may be NULL).
void rk_excluded_backward(const float *v, const float *e, const float *u, int64_t d, const int32_t *groups,
                          int64_t rows, const int64_t *starts, const int32_t *columns, const float *scores,
                          float two, float *gv, float *gu, float *gcb);
/// PV-DBOW over a document's n words: for each word, neu1e = 0, a step of doc predicting it,
/// doc += neu1e.
void rk_ns_dbow(const rk_negative_sampling *m, uint64_t s[4], const int32_t *words, int64_t n, float *doc,
                float lr, float *neu1e);

/// The part of a split batch this thread works on (the Swift `CurrentPart`), a thread-local:
/// read for every tensor a part allocates or frees, where a Swift task-local lookup cost
/// tens of nanoseconds.
extern _Thread_local int64_t rk_current_part_value;
static inline int64_t rk_current_part(void) { return rk_current_part_value; }
static inline void rk_set_current_part(int64_t k) { rk_current_part_value = k; }

/// How many times the calling thread has been preempted (its involuntary context switches, from
/// getrusage(RUSAGE_THREAD)); −1 where the system does not say.
int64_t rk_thread_preemptions(void);

/// Whether the calling thread was preempted more than `per_second` times a second over its last
/// window of at least `window` ns (`now` and `window` in the same clock's ns; the verdict is kept
/// until a window has passed, and the first call only starts one): a thread with a core of its
/// own is preempted a few dozen times a second (timer and kernel work), one on a machine with
/// more runnable threads than cores hundreds. 1 where the system does not count preemptions.
int rk_thread_contended(uint64_t now, uint64_t window, int64_t per_second);

/// A thread's own cache of pooled buffers of size classes below RK_POOL_CACHE_CLASSES (at most
/// RK_POOL_CACHE_KEEP each), in front of the Swift BufferPool's locked lanes: a training step
/// takes and gives back dozens of tensors, and a lock and a free-list array each cost tens of
/// nanoseconds. Buffers still cached when the thread ends are freed then.
#define RK_POOL_CACHE_CLASSES 17
#define RK_POOL_CACHE_KEEP 16
/// A cached buffer of size class `cls`, or NULL when this thread has none.
void *rk_pool_cache_take(int64_t cls);
/// Keeps `buffer` (of size class `cls`) in this thread's cache: 1, or 0 when it is full (the
/// caller keeps the buffer).
int rk_pool_cache_give(void *buffer, int64_t cls);

#endif
