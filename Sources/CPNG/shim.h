// libpng 1.6 (Debian: libpng-dev installs it as <png.h>). Swift code reaches it through
// CImageShims, which owns the setjmp-based error handling libpng requires.
#include <png.h>
