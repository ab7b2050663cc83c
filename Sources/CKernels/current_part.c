// The thread's part of a split batch (see CKernels.h).
#include "CKernels.h"

_Thread_local int64_t rk_current_part_value = 0;
