#include "CCodecs.h"

// jpeglib.h uses size_t and FILE without including their headers.
#include <stddef.h>
#include <stdio.h>

// After jpeglib.h: jerror.h lists arithmetic-coding messages only if jconfig.h enabled them.
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>

struct ccodecs_jpeg_decoder {
    // First member, so the j_common_ptr that libjpeg hands to the error callbacks
    // is also a pointer to the whole decoder.
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr errors;
    jmp_buf jump;
    const uint8_t *data;
    size_t size;
    // Owned here rather than by a local so that a longjmp out of libjpeg cannot leak it.
    uint8_t *scratch;
    char message[JMSG_LENGTH_MAX];
};

static void fail(j_common_ptr cinfo) {
    ccodecs_jpeg_decoder *decoder = (ccodecs_jpeg_decoder *)cinfo;
    (*cinfo->err->format_message)(cinfo, decoder->message);
    longjmp(decoder->jump, 1);
}

// libjpeg-turbo recovers from these by padding with grey or skipping data, which
// would hand back a silently damaged image.
static int loses_data(int code) {
    return code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_MUST_RESYNC ||
           code == JWRN_HUFF_BAD_CODE || code == JWRN_ARITH_BAD_CODE;
}

// Other warnings and trace messages are dropped: libjpeg's default prints them to
// stderr, and they do not affect the pixels.
static void emit_message(j_common_ptr cinfo, int level) {
    if (level < 0 && loses_data(cinfo->err->msg_code)) {
        fail(cinfo);
    }
}

ccodecs_jpeg_decoder *ccodecs_jpeg_open(const uint8_t *data, size_t size) {
    ccodecs_jpeg_decoder *decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) {
        return NULL;
    }
    decoder->data = data;
    decoder->size = size;
    decoder->cinfo.err = jpeg_std_error(&decoder->errors);
    decoder->errors.error_exit = fail;
    decoder->errors.emit_message = emit_message;
    return decoder;
}

int ccodecs_jpeg_read_header(ccodecs_jpeg_decoder *decoder, uint32_t *width, uint32_t *height) {
    j_decompress_ptr cinfo = &decoder->cinfo;
    if (setjmp(decoder->jump)) {
        return CCODECS_ERROR;
    }
    jpeg_create_decompress(cinfo);
    jpeg_mem_src(cinfo, decoder->data, (unsigned long)decoder->size);
    jpeg_read_header(cinfo, TRUE);
    *width = cinfo->image_width;
    *height = cinfo->image_height;
    return CCODECS_OK;
}

// round(x / 255) exactly for x in [0, 255 * 255]; x / 255 is never halfway.
static inline uint8_t divide_255(unsigned x) {
    return (uint8_t)((x + 127) / 255);
}

int ccodecs_jpeg_read_rgb(ccodecs_jpeg_decoder *decoder, uint8_t *rgb) {
    j_decompress_ptr cinfo = &decoder->cinfo;
    if (setjmp(decoder->jump)) {
        return CCODECS_ERROR;
    }
    int cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
    cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    // Pillow's settings; with the same libjpeg-turbo algorithms the output is bit-exact.
    cinfo->dct_method = JDCT_ISLOW;
    cinfo->do_fancy_upsampling = TRUE;
    jpeg_start_decompress(cinfo);

    size_t width = cinfo->output_width;
    if (cinfo->output_components != (cmyk ? 4 : 3)) {
        ERREXIT(cinfo, JERR_CONVERSION_NOTIMPL);
    }
    if (cmyk) {
        decoder->scratch = malloc(width * 4);
        if (decoder->scratch == NULL) {
            ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
        }
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        uint8_t *row = rgb + (size_t)cinfo->output_scanline * width * 3;
        if (!cmyk) {
            jpeg_read_scanlines(cinfo, &row, 1);
            continue;
        }
        JSAMPROW ink = decoder->scratch;
        jpeg_read_scanlines(cinfo, &ink, 1);
        // Samples are taken as inverted (255 = no ink), the Photoshop convention that
        // nearly all CMYK JPEGs follow, with or without an Adobe marker; Pillow assumes
        // the same. R = round((255 - C) * (255 - K) / 255) is then round(C' * K' / 255).
        for (size_t x = 0; x < width; x++) {
            const uint8_t *p = ink + 4 * x;
            row[3 * x + 0] = divide_255((unsigned)p[0] * p[3]);
            row[3 * x + 1] = divide_255((unsigned)p[1] * p[3]);
            row[3 * x + 2] = divide_255((unsigned)p[2] * p[3]);
        }
    }
    // Reads through EOI so that a file cut after the last scanline is still an error.
    jpeg_finish_decompress(cinfo);
    return CCODECS_OK;
}

const char *ccodecs_jpeg_message(const ccodecs_jpeg_decoder *decoder) {
    return decoder->message;
}

void ccodecs_jpeg_close(ccodecs_jpeg_decoder *decoder) {
    if (decoder == NULL) {
        return;
    }
    // Safe even if jpeg_create_decompress never ran: cinfo is zeroed, so mem is NULL.
    jpeg_destroy_decompress(&decoder->cinfo);
    free(decoder->scratch);
    free(decoder);
}
