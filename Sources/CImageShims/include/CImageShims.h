// CImageShims: the C glue Loupe's image decoding needs and Swift cannot express.
//
// libpng reports errors by longjmp-ing out of the failing call, which Swift code must never be
// unwound through. These functions own every libpng call, catch the longjmp with setjmp in each
// entry point, and turn it into a status code and a message. No libpng type crosses this header.
#ifndef LOUPE_IMAGE_SHIMS_H
#define LOUPE_IMAGE_SHIMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The outcome of a PNG call.
typedef enum {
    LOUPE_PNG_OK = 0,
    /// libpng rejected the data (bad signature, CRC, zlib stream, header, …).
    LOUPE_PNG_CORRUPT = 1,
    /// The data ended before the image was complete.
    LOUPE_PNG_TRUNCATED = 2,
    /// Memory could not be allocated.
    LOUPE_PNG_NO_MEMORY = 3,
} loupe_png_status;

/// A PNG being read from memory. Opaque.
typedef struct loupe_png_reader loupe_png_reader;

/// What `loupe_png_open` found in the header, after the transforms were chosen.
typedef struct {
    /// Image size in pixels.
    uint32_t width;
    uint32_t height;
    /// Samples per pixel of the rows `loupe_png_read` writes: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    uint32_t channels;
    /// Bits per sample of those rows: 8, or 16 (big-endian) for 16-bit grayscale only.
    uint32_t bit_depth;
    /// Bytes per row of those rows.
    size_t row_bytes;
    /// The file's own bit depth and PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA).
    uint32_t source_bit_depth;
    uint32_t source_color_type;
    /// Whether the file has a tRNS chunk (palette alpha or a transparent colour key).
    uint32_t has_trns;
} loupe_png_info;

/// Opens a PNG held in `data` (which must stay valid until `loupe_png_close`) and reads its header.
///
/// Rows are normalised the way Pillow reads PNGs: palette → RGB, 1/2/4-bit gray → 8-bit (scaled),
/// 16-bit colour and alpha samples → their high byte; 16-bit grayscale stays 16-bit so the caller
/// can reduce it as Pillow does. When `want_trns_alpha` is non-zero a tRNS chunk becomes an alpha
/// channel; otherwise it is ignored.
///
/// On success returns a reader and fills `info`; on failure returns NULL, sets `*status` and
/// writes a message into `message` (at most `message_capacity` bytes, NUL-terminated).
loupe_png_reader *loupe_png_open(
    const uint8_t *data, size_t size, int want_trns_alpha, loupe_png_info *info, loupe_png_status *status,
    char *message, size_t message_capacity);

/// Decodes every row into `pixels`, `info.row_bytes` bytes per row, top to bottom (interlaced
/// images are de-interlaced). `pixels` must hold `info.height * info.row_bytes` bytes.
loupe_png_status loupe_png_read(loupe_png_reader *reader, uint8_t *pixels, char *message, size_t message_capacity);

/// Frees the reader. Safe to call with NULL.
void loupe_png_close(loupe_png_reader *reader);

#ifdef __cplusplus
}
#endif

#endif
