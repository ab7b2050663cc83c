// The calling thread's involuntary context switches (see CKernels.h).
#if defined(__linux__)
#define _GNU_SOURCE  // RUSAGE_THREAD
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
