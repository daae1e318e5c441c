// OpenBLAS's CBLAS interface (Debian: libopenblas-dev installs it as <cblas.h>), and the LAPACK
// routines of the same library that Loupe calls.
#include <cblas.h>
#include "lapack.h"
