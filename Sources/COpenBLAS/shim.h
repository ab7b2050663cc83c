// OpenBLAS's CBLAS interface. pkg-config supplies the include path (openblas-pthread/).
#include <cblas.h>
