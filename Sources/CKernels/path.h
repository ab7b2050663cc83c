// One path's copy of the kernels: a kernels_<path>.c defines RK_SUFFIX (and RK_TARGET, the
// instruction sets, except for the baseline) and includes this file.
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "dispatch.h"

#define RK_GLUE(a, b) a##_##b
#define RK_NAME(name, suffix) RK_GLUE(name, suffix)
#define RK(name) RK_NAME(rk_##name, RK_SUFFIX)
#define RK_TABLE RK_NAME(rk_table, RK_SUFFIX)
#define RK_STRING(x) #x
#define RK_PRAGMA(x) _Pragma(RK_STRING(x))

#if !defined(RK_TARGET)
#include "body.h"
const rk_table RK_TABLE = RK_TABLE_ENTRIES;
#elif defined(__x86_64__)
RK_PRAGMA(clang attribute push(__attribute__((target(RK_TARGET))), apply_to = function))
#include "body.h"
#pragma clang attribute pop
const rk_table RK_TABLE = RK_TABLE_ENTRIES;
#else
const rk_table RK_TABLE = {0};  // never chosen off x86-64
#endif
