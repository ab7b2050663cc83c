// OpenBLAS's CBLAS interface. pkg-config supplies the include path (openblas-pthread/).
#include <cblas.h>

// A cache prefetch hint for the row gathers that feed the matrix products (Swift has no
// prefetch of its own; a plain load would block until the row arrives).
static inline void rec_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
