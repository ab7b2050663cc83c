// OpenBLAS's CBLAS interface. pkg-config supplies the include path (openblas-pthread/).
#include <cblas.h>

// A cache prefetch hint for the row gathers that feed the matrix products (Swift has no
// prefetch of its own; a plain load would block until the row arrives).
static inline void rec_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

// LAPACK's Cholesky routines, which OpenBLAS ships (its headers do not declare them for C):
// factor a symmetric positive definite matrix, solve with the factor, invert from it. Column-
// major; a symmetric matrix reads the same either way. Signatures as in OpenBLAS's f77blas.h.
int spotrf_(char *uplo, int *n, float *a, int *lda, int *info);
int spotrs_(char *uplo, int *n, int *nrhs, float *a, int *lda, float *b, int *ldb, int *info);
int spotri_(char *uplo, int *n, float *a, int *lda, int *info);
