// libjpeg-turbo's TurboJPEG API (Debian: libturbojpeg0-dev installs it as <turbojpeg.h>).
#include <turbojpeg.h>
