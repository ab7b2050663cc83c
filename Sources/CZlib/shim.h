// zlib, for reading gzip-compressed word-vector files.
#include <zlib.h>
