// Runs of negative users drawn as UserSampler.draw does, one number of the stream per draw.
#include "CKernels.h"
#include "xoshiro.h"

void rk_draw_below(uint64_t s[4], int64_t users, int32_t *out, int64_t n) {
    for (int64_t k = 0; k < n; k++) out[k] = (int32_t)xoshiro_below(s, users);
}

// AliasSampler.sample: column i = ⌊low 32 bits · count / 2³²⌋, kept when the top 24 bits as
// u ∈ [0, 1) fall below its probability, else its alias. The pick is a select: as a branch
// (what Swift's loop compiled to) it mispredicted on about half the draws, ~3.4 ns a draw.
void rk_draw_alias(uint64_t s[4], const float *probability, const int32_t *alias, int64_t count,
                   int32_t *out, int64_t n) {
    for (int64_t k = 0; k < n; k++) {
        const uint64_t r = xoshiro_next(s);
        const int64_t i = (int64_t)(((uint64_t)(uint32_t)r * (uint64_t)count) >> 32);
        const float u = (float)(r >> 40) * 0x1p-24f;
        const int32_t other = alias[i];
        out[k] = __builtin_unpredictable(u < probability[i]) ? (int32_t)i : other;
    }
}
