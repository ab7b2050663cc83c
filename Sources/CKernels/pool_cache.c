// A thread's own cache of small pooled buffers (see CKernels.h): the first level of the Swift
// BufferPool, taken and given back without a lock.
#include "CKernels.h"
#include <pthread.h>
#include <stdlib.h>

typedef struct {
    int32_t count[RK_POOL_CACHE_CLASSES];
    void *items[RK_POOL_CACHE_CLASSES][RK_POOL_CACHE_KEEP];
} pool_cache;

static _Thread_local pool_cache cache;
/// 0: no buffer cached yet; 1: the thread-exit hook is set; 2: the thread is ending (its
/// cache was emptied: later gives go to the shared lanes, takes find nothing).
static _Thread_local int state;
static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

static void drop_cache(void *unused) {
    (void)unused;
    for (int c = 0; c < RK_POOL_CACHE_CLASSES; c++) {
        for (int32_t i = 0; i < cache.count[c]; i++) free(cache.items[c][i]);
        cache.count[c] = 0;
    }
    state = 2;
}

static void make_exit_key(void) { pthread_key_create(&exit_key, drop_cache); }

void *rk_pool_cache_take(int64_t cls) {
    if (cls < 0 || cls >= RK_POOL_CACHE_CLASSES) return NULL;
    int32_t n = cache.count[cls];
    if (n == 0) return NULL;
    cache.count[cls] = n - 1;
    return cache.items[cls][n - 1];
}

int rk_pool_cache_give(void *buffer, int64_t cls) {
    if (cls < 0 || cls >= RK_POOL_CACHE_CLASSES || state == 2) return 0;
    int32_t n = cache.count[cls];
    if (n == RK_POOL_CACHE_KEEP) return 0;
    if (__builtin_expect(state == 0, 0)) {
        // The cached buffers are freed when the thread ends (the main thread's by the exit).
        pthread_once(&exit_once, make_exit_key);
        if (pthread_setspecific(exit_key, (void *)1) != 0) return 0;
        state = 1;
    }
    cache.items[cls][n] = buffer;
    cache.count[cls] = n + 1;
    return 1;
}
