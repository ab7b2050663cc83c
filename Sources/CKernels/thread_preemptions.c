// Whether the calling thread is being preempted often (see CKernels.h).
#if defined(__linux__)
#define _GNU_SOURCE  // RUSAGE_THREAD; before any header, or it is not seen
#endif
#include <sys/resource.h>
#include "CKernels.h"

int64_t rk_thread_preemptions(void) {
#if defined(RUSAGE_THREAD)
    struct rusage usage;
    if (getrusage(RUSAGE_THREAD, &usage) != 0) return -1;
    return (int64_t)usage.ru_nivcsw;
#else
    return -1;
#endif
}

// The calling thread's last window: where it began and the count then, and its verdict.
static _Thread_local uint64_t window_start;
static _Thread_local int64_t window_count;
static _Thread_local int window_busy;

int rk_thread_contended(uint64_t now, uint64_t window, int64_t per_second) {
    if (window_start != 0 && now - window_start < window) return window_busy;
    const int64_t count = rk_thread_preemptions();
    if (count < 0) return 1;
    if (window_start != 0)
        window_busy = (double)(count - window_count) * 1e9 > (double)per_second * (double)(now - window_start);
    window_start = now;
    window_count = count;
    return window_busy;
}
