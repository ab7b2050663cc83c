#ifndef RK_XOSHIRO_H
#define RK_XOSHIRO_H
#include <stdint.h>

// xoshiro256** (RandomSource.Stream.next) and RandomSource.below(n), for every kernel that draws.
static inline uint64_t xoshiro_next(uint64_t s[4]) {
    const uint64_t m = s[1] * 5, result = ((m << 7) | (m >> 57)) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}
static inline int64_t xoshiro_below(uint64_t s[4], int64_t n) { return (int64_t)(((xoshiro_next(s) >> 32) * (uint64_t)n) >> 32); }

#endif
