// libwebp's decoder and its animation demuxer (Debian: libwebp-dev installs them under <webp/>).
#include <webp/decode.h>
#include <webp/demux.h>
