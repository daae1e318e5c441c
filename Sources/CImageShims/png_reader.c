// PNG decoding from memory through libpng, with libpng's longjmp errors caught here (see
// CImageShims.h).
#include "CImageShims.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loupe_png_reader {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    /// Set when libpng asked for bytes past the end of the data.
    int ran_out;
    /// Set when an allocation failed.
    int out_of_memory;
    /// libpng's last error message.
    char error[200];
    uint32_t height;
    size_t row_bytes;
};

static void loupe_png_error(png_structp png, png_const_charp message) {
    struct loupe_png_reader *reader = png_get_error_ptr(png);
    if (reader) {
        snprintf(reader->error, sizeof reader->error, "%s", message ? message : "unknown libpng error");
        if (message && strstr(message, "Out of memory")) reader->out_of_memory = 1;
    }
    png_longjmp(png, 1);
}

static void loupe_png_warning(png_structp png, png_const_charp message) {
    // Pillow ignores what libpng reports as warnings (bad ancillary chunks, extra data); so do we.
    (void)png;
    (void)message;
}

static void loupe_png_read_data(png_structp png, png_bytep out, size_t length) {
    struct loupe_png_reader *reader = png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        reader->ran_out = 1;
        png_error(png, "the data ends before the image does");
    }
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

static loupe_png_status loupe_png_failure(struct loupe_png_reader *reader, char *message, size_t capacity) {
    if (message && capacity > 0) snprintf(message, capacity, "%s", reader->error);
    if (reader->ran_out) return LOUPE_PNG_TRUNCATED;
    if (reader->out_of_memory) return LOUPE_PNG_NO_MEMORY;
    return LOUPE_PNG_CORRUPT;
}

loupe_png_reader *loupe_png_open(
    const uint8_t *data, size_t size, int want_trns_alpha, loupe_png_info *info, loupe_png_status *status,
    char *message, size_t message_capacity) {
    struct loupe_png_reader *volatile reader = calloc(1, sizeof(struct loupe_png_reader));
    if (!reader) {
        *status = LOUPE_PNG_NO_MEMORY;
        if (message && message_capacity > 0) snprintf(message, message_capacity, "out of memory");
        return NULL;
    }
    reader->data = data;
    reader->size = size;
    snprintf(reader->error, sizeof reader->error, "unknown libpng error");
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader, loupe_png_error, loupe_png_warning);
    if (reader->png) reader->info = png_create_info_struct(reader->png);
    if (!reader->png || !reader->info) {
        loupe_png_close(reader);
        *status = LOUPE_PNG_NO_MEMORY;
        if (message && message_capacity > 0) snprintf(message, message_capacity, "out of memory");
        return NULL;
    }
    if (setjmp(png_jmpbuf(reader->png))) {
        *status = loupe_png_failure(reader, message, message_capacity);
        loupe_png_close(reader);
        return NULL;
    }
    // The caller enforces its own pixel budget from the header; libpng's default 1,000,000-pixel
    // side limit would reject valid images first.
    png_set_user_limits(reader->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_read_fn(reader->png, reader, loupe_png_read_data);
    png_read_info(reader->png, reader->info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    png_get_IHDR(reader->png, reader->info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);
    int has_trns = png_get_valid(reader->png, reader->info, PNG_INFO_tRNS) != 0;

    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(reader->png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(reader->png);
    if (has_trns && want_trns_alpha) png_set_tRNS_to_alpha(reader->png);
    // Pillow keeps the high byte of 16-bit colour and alpha samples ("RGB;16B", "RGBA;16B",
    // "LA;16B"); 16-bit gray becomes mode "I;16", reduced later by clipping, in the caller.
    if (bit_depth == 16 && color_type != PNG_COLOR_TYPE_GRAY) png_set_strip_16(reader->png);
    png_set_interlace_handling(reader->png);
    png_read_update_info(reader->png, reader->info);

    info->width = width;
    info->height = height;
    info->channels = png_get_channels(reader->png, reader->info);
    info->bit_depth = png_get_bit_depth(reader->png, reader->info);
    info->row_bytes = png_get_rowbytes(reader->png, reader->info);
    info->source_bit_depth = (uint32_t)bit_depth;
    info->source_color_type = (uint32_t)color_type;
    info->has_trns = (uint32_t)has_trns;
    reader->height = height;
    reader->row_bytes = info->row_bytes;
    *status = LOUPE_PNG_OK;
    return reader;
}

loupe_png_status loupe_png_read(loupe_png_reader *reader, uint8_t *pixels, char *message, size_t message_capacity) {
    png_bytep *volatile rows = malloc(sizeof(png_bytep) * (reader->height ? reader->height : 1));
    if (!rows) {
        if (message && message_capacity > 0) snprintf(message, message_capacity, "out of memory");
        return LOUPE_PNG_NO_MEMORY;
    }
    for (uint32_t y = 0; y < reader->height; y++) rows[y] = pixels + (size_t)y * reader->row_bytes;
    if (setjmp(png_jmpbuf(reader->png))) {
        free(rows);
        return loupe_png_failure(reader, message, message_capacity);
    }
    // Like Pillow, stop after the image data: chunks after IDAT (and a missing IEND) are ignored.
    png_read_image(reader->png, rows);
    free(rows);
    return LOUPE_PNG_OK;
}

void loupe_png_close(loupe_png_reader *reader) {
    if (!reader) return;
    if (reader->png) png_destroy_read_struct(&reader->png, reader->info ? &reader->info : NULL, NULL);
    free(reader);
}
