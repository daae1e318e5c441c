// The few LAPACK routines Loupe uses, from OpenBLAS's bundled LAPACK (Debian's libopenblas0
// exports them; libopenblas-dev ships no LAPACKE header). Fortran calling convention: every
// argument by pointer, column-major matrices, and one hidden length per character argument.
#include <stddef.h>

// Selected eigenvalues and eigenvectors of a real symmetric matrix (MRRR).
void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a, const int *lda,
             const double *vl, const double *vu, const int *il, const int *iu, const double *abstol, int *m,
             double *w, double *z, const int *ldz, int *isuppz, double *work, const int *lwork, int *iwork,
             const int *liwork, int *info, size_t jobz_len, size_t range_len, size_t uplo_len);
