#ifndef CCODECS_H
#define CCODECS_H

// libpng and libjpeg report errors by longjmp, which must never unwind through
// Swift frames. Every entry point here sets its own setjmp target, so a codec
// error surfaces as a non-zero return code plus a message kept in the decoder.
//
// Decoding is split into open / read_header / read_rgb / close so the caller can
// refuse oversized images after reading the header and before allocating pixels.
// The input bytes must stay valid and unchanged until close.
//
// Decoders share no state: distinct decoders may be used on distinct threads; the
// encoders keep all their state in the call.

#include <stddef.h>
#include <stdint.h>

#define CCODECS_OK 0
#define CCODECS_ERROR 1

typedef struct ccodecs_png_decoder ccodecs_png_decoder;
typedef struct ccodecs_jpeg_decoder ccodecs_jpeg_decoder;

// Returns NULL only when memory is exhausted.
ccodecs_png_decoder *ccodecs_png_open(const uint8_t *data, size_t size);
int ccodecs_png_read_header(ccodecs_png_decoder *decoder, uint32_t *width, uint32_t *height);
// rgb must hold width * height * 3 bytes. Any bit depth and colour type becomes
// 8-bit RGB: 16-bit samples keep their high byte, and alpha (including tRNS) is
// composited on black as round(c * a / 255). Gamma and colour profiles are ignored.
int ccodecs_png_read_rgb(ccodecs_png_decoder *decoder, uint8_t *rgb);
const char *ccodecs_png_message(const ccodecs_png_decoder *decoder);
void ccodecs_png_close(ccodecs_png_decoder *decoder);

// Returns NULL only when memory is exhausted.
ccodecs_jpeg_decoder *ccodecs_jpeg_open(const uint8_t *data, size_t size);
int ccodecs_jpeg_read_header(ccodecs_jpeg_decoder *decoder, uint32_t *width, uint32_t *height);
// rgb must hold width * height * 3 bytes. Uses the accurate integer IDCT and fancy
// upsampling (libjpeg's and Pillow's defaults). CMYK/YCCK becomes RGB as
// round((255 - C) * (255 - K) / 255) per channel, reading the stored samples as
// inverted (Adobe/Photoshop polarity) whether or not an Adobe marker is present,
// as Pillow does. Warnings that mean lost data (truncation, corrupt
// entropy-coded segments) are errors, because libjpeg would otherwise fill the
// missing part with grey.
int ccodecs_jpeg_read_rgb(ccodecs_jpeg_decoder *decoder, uint8_t *rgb);
const char *ccodecs_jpeg_message(const ccodecs_jpeg_decoder *decoder);
void ccodecs_jpeg_close(ccodecs_jpeg_decoder *decoder);

// Encodes 8-bit RGB (channels 3) or RGBA (channels 4) rows into a PNG. On success
// *png is a malloc'd buffer the caller releases with ccodecs_free; on failure the
// reason is copied into message (always NUL-terminated when capacity > 0).
int ccodecs_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t channels,
                       uint8_t **png, size_t *png_size, char *message, size_t capacity);
// Encodes 8-bit RGB rows as a baseline JPEG at quality 1...100 (libjpeg's defaults otherwise:
// 4:2:0 chroma, Huffman tables not optimised; the accurate integer DCT). On success *jpeg is a
// malloc'd buffer the caller releases with ccodecs_free; on failure the reason is copied into
// message (always NUL-terminated when capacity > 0).
int ccodecs_jpeg_encode(const uint8_t *rgb, uint32_t width, uint32_t height, int quality,
                        uint8_t **jpeg, size_t *jpeg_size, char *message, size_t capacity);
void ccodecs_free(void *pointer);

#endif
