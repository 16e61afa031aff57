#include "CCodecs.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MESSAGE_CAPACITY 256

// Where libpng's error callback leaves its text before jumping back.
struct message_sink {
    char *text;
    size_t capacity;
};

struct ccodecs_png_decoder {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    // Owned here rather than by a local so that a longjmp out of libpng cannot leak it.
    uint8_t *scratch;
    struct message_sink sink;
    char message[MESSAGE_CAPACITY];
};

static void copy_message(struct message_sink *sink, const char *text) {
    if (sink->capacity > 0) {
        snprintf(sink->text, sink->capacity, "%s", text);
    }
}

// Must not return: libpng's fallback would print to stderr before jumping.
static void fail(png_structp png, png_const_charp text) {
    copy_message(png_get_error_ptr(png), text);
    png_longjmp(png, 1);
}

// Warnings (bad ancillary data such as iCCP profiles) never make the pixels wrong,
// and libpng's default handler would write to stderr from worker threads.
static void ignore_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void read_bytes(png_structp png, png_bytep out, size_t count) {
    ccodecs_png_decoder *decoder = png_get_io_ptr(png);
    if (count > decoder->size - decoder->offset) {
        png_error(png, "unexpected end of file");
    }
    memcpy(out, decoder->data + decoder->offset, count);
    decoder->offset += count;
}

ccodecs_png_decoder *ccodecs_png_open(const uint8_t *data, size_t size) {
    ccodecs_png_decoder *decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) {
        return NULL;
    }
    decoder->data = data;
    decoder->size = size;
    decoder->sink.text = decoder->message;
    decoder->sink.capacity = sizeof decoder->message;
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &decoder->sink, fail, ignore_warning);
    if (decoder->png != NULL) {
        decoder->info = png_create_info_struct(decoder->png);
    }
    if (decoder->info == NULL) {
        ccodecs_png_close(decoder);
        return NULL;
    }
    return decoder;
}

int ccodecs_png_read_header(ccodecs_png_decoder *decoder, uint32_t *width, uint32_t *height) {
    png_structp png = decoder->png;
    png_infop info = decoder->info;
    if (setjmp(png_jmpbuf(png))) {
        return CCODECS_ERROR;
    }
    png_set_read_fn(png, decoder, read_bytes);
    // libpng only warns about bad CRCs in ancillary chunks; a damaged file should
    // be rejected wherever the damage is (Pillow rejects it too).
    png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_ERROR_QUIT);
    png_read_info(png, info);
    *width = png_get_image_width(png, info);
    *height = png_get_image_height(png, info);
    return CCODECS_OK;
}

// round(c * a / 255) exactly: c * a / 255 is never halfway between integers.
static inline uint8_t over_black(unsigned colour, unsigned alpha) {
    return (uint8_t)((colour * alpha + 127) / 255);
}

static void composite_row(const uint8_t *rgba, uint8_t *rgb, size_t width) {
    for (size_t x = 0; x < width; x++) {
        unsigned alpha = rgba[4 * x + 3];
        rgb[3 * x + 0] = over_black(rgba[4 * x + 0], alpha);
        rgb[3 * x + 1] = over_black(rgba[4 * x + 1], alpha);
        rgb[3 * x + 2] = over_black(rgba[4 * x + 2], alpha);
    }
}

int ccodecs_png_read_rgb(ccodecs_png_decoder *decoder, uint8_t *rgb) {
    png_structp png = decoder->png;
    png_infop info = decoder->info;
    if (setjmp(png_jmpbuf(png))) {
        return CCODECS_ERROR;
    }
    int colour_type = png_get_color_type(png, info);
    if (colour_type == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(png);
    }
    if (colour_type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) {
        png_set_expand_gray_1_2_4_to_8(png);
    }
    if (png_get_valid(png, info, PNG_INFO_tRNS)) {
        png_set_tRNS_to_alpha(png);
    }
    // strip (high byte) rather than scale (rounded): Pillow keeps the high byte.
    png_set_strip_16(png);
    png_set_gray_to_rgb(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t width = png_get_image_width(png, info);
    size_t height = png_get_image_height(png, info);
    size_t channels = png_get_channels(png, info);
    if (png_get_bit_depth(png, info) != 8 || (channels != 3 && channels != 4) ||
        png_get_rowbytes(png, info) != width * channels) {
        png_error(png, "unexpected pixel layout after conversion to 8-bit RGB");
    }

    if (channels == 3) {
        for (int pass = 0; pass < passes; pass++) {
            for (size_t y = 0; y < height; y++) {
                png_read_row(png, rgb + y * width * 3, NULL);
            }
        }
    } else if (passes == 1) {
        decoder->scratch = malloc(width * 4);
        if (decoder->scratch == NULL) {
            png_error(png, "out of memory");
        }
        for (size_t y = 0; y < height; y++) {
            png_read_row(png, decoder->scratch, NULL);
            composite_row(decoder->scratch, rgb + y * width * 3, width);
        }
    } else {
        // Adam7 fills each row over several passes, so every RGBA row must persist.
        decoder->scratch = malloc(width * height * 4);
        if (decoder->scratch == NULL) {
            png_error(png, "out of memory");
        }
        for (int pass = 0; pass < passes; pass++) {
            for (size_t y = 0; y < height; y++) {
                png_read_row(png, decoder->scratch + y * width * 4, NULL);
            }
        }
        for (size_t y = 0; y < height; y++) {
            composite_row(decoder->scratch + y * width * 4, rgb + y * width * 3, width);
        }
    }
    // Reads through IEND so that damage after the pixel data (bad CRCs) is caught.
    png_read_end(png, NULL);
    return CCODECS_OK;
}

const char *ccodecs_png_message(const ccodecs_png_decoder *decoder) {
    return decoder->message;
}

void ccodecs_png_close(ccodecs_png_decoder *decoder) {
    if (decoder == NULL) {
        return;
    }
    if (decoder->png != NULL) {
        png_destroy_read_struct(&decoder->png, decoder->info != NULL ? &decoder->info : NULL, NULL);
    }
    free(decoder->scratch);
    free(decoder);
}

struct growing_buffer {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
};

static void write_bytes(png_structp png, png_bytep data, size_t count) {
    struct growing_buffer *buffer = png_get_io_ptr(png);
    if (count > buffer->capacity - buffer->size) {
        size_t capacity = buffer->capacity > 0 ? buffer->capacity : 4096;
        while (count > capacity - buffer->size) {
            capacity *= 2;
        }
        uint8_t *grown = realloc(buffer->bytes, capacity);
        if (grown == NULL) {
            png_error(png, "out of memory");
        }
        buffer->bytes = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->size, data, count);
    buffer->size += count;
}

// Without a flush callback libpng would fflush the io pointer as if it were a FILE.
static void flush_nothing(png_structp png) {
    (void)png;
}

int ccodecs_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t channels,
                       uint8_t **png_out, size_t *png_size, char *message, size_t capacity) {
    struct message_sink sink = {message, capacity};
    copy_message(&sink, "");
    if (channels != 3 && channels != 4) {
        copy_message(&sink, "only RGB and RGBA images can be encoded");
        return CCODECS_ERROR;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, fail, ignore_warning);
    png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
    struct growing_buffer buffer = {NULL, 0, 0};
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        copy_message(&sink, "out of memory");
        return CCODECS_ERROR;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(buffer.bytes);
        return CCODECS_ERROR;
    }
    png_set_write_fn(png, &buffer, write_bytes, flush_nothing);
    png_set_IHDR(png, info, width, height, 8, channels == 4 ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (size_t y = 0; y < height; y++) {
        png_write_row(png, pixels + y * (size_t)width * channels);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    *png_out = buffer.bytes;
    *png_size = buffer.size;
    return CCODECS_OK;
}

void ccodecs_free(void *pointer) {
    free(pointer);
}
