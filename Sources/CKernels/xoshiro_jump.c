// Jumping a xoshiro256** stream ahead by a fixed number of draws, so that one long run of draws
// can be made as several lanes side by side (dropout's mask): lane j starts where the serial
// stream would be after j · steps draws, and the lanes together give exactly the serial numbers.
// The state update is linear over GF(2), so "advance by steps" is a 256 × 256 bit matrix; it is
// kept as tables of the XOR of columns for each 4-bit piece of the state (64 pieces × 16), made
// once per step count and cached (a few counts: one per batch shape).
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "dispatch.h"
#include "xoshiro.h"

enum { JUMP_CACHE = 8 };

struct rk_jump {
    int64_t steps;
    uint64_t table[64][16][4];  // table[p][v]: the advanced image of nibble p of the state holding v
};

static struct rk_jump *cache[JUMP_CACHE];
static _Atomic int cached = 0;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void advance(uint64_t s[4]) { (void)xoshiro_next(s); }  // the state's step; its output unused

static struct rk_jump *make_jump(int64_t steps) {
    struct rk_jump *j = malloc(sizeof *j);
    if (!j) return NULL;
    j->steps = steps;
    uint64_t column[256][4];  // the image of each state bit
    for (int bit = 0; bit < 256; bit++) {
        uint64_t s[4] = {0, 0, 0, 0};
        s[bit / 64] = 1ull << (bit % 64);
        for (int64_t k = 0; k < steps; k++) advance(s);
        memcpy(column[bit], s, sizeof s);
    }
    for (int p = 0; p < 64; p++)
        for (int v = 0; v < 16; v++)
            for (int q = 0; q < 4; q++) {
                uint64_t x = 0;
                for (int b = 0; b < 4; b++) if (v >> b & 1) x ^= column[p * 4 + b][q];
                j->table[p][v][q] = x;
            }
    return j;
}

const struct rk_jump *rk_xoshiro_jump(int64_t steps) {
    int n = atomic_load_explicit(&cached, memory_order_acquire);
    for (int i = 0; i < n; i++) if (cache[i]->steps == steps) return cache[i];
    pthread_mutex_lock(&cache_lock);
    const struct rk_jump *found = NULL;
    n = atomic_load_explicit(&cached, memory_order_relaxed);
    for (int i = 0; i < n && !found; i++) if (cache[i]->steps == steps) found = cache[i];
    if (!found && n < JUMP_CACHE && (cache[n] = make_jump(steps)) != NULL) {
        found = cache[n];
        atomic_store_explicit(&cached, n + 1, memory_order_release);
    }
    pthread_mutex_unlock(&cache_lock);
    return found;  // NULL when the cache is full: the caller draws serially
}

void rk_xoshiro_apply(const struct rk_jump *j, const uint64_t s[4], uint64_t out[4]) {
    uint64_t r[4] = {0, 0, 0, 0};
    for (int p = 0; p < 64; p++) {
        const uint64_t *x = j->table[p][(s[p / 16] >> (p % 16 * 4)) & 15];
        r[0] ^= x[0]; r[1] ^= x[1]; r[2] ^= x[2]; r[3] ^= x[3];
    }
    memcpy(out, r, sizeof r);
}
