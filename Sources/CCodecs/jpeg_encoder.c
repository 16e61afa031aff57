#include "CCodecs.h"

// jpeglib.h uses size_t and FILE without including their headers.
#include <stddef.h>
#include <stdio.h>

// After jpeglib.h, which jerror.h needs.
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>

#define FIRST_CAPACITY 4096

struct jpeg_encoder {
    // First member, so the j_common_ptr that libjpeg hands to the error callbacks
    // is also a pointer to the whole encoder.
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr errors;
    struct jpeg_destination_mgr destination;
    jmp_buf jump;
    // Our own growing buffer rather than jpeg_mem_dest: libjpeg-turbo's memory destination frees
    // its first buffer when it grows but reports the new one only at the end, so after an error
    // there is no pointer that is safe to free.
    uint8_t *bytes;
    size_t capacity;
    size_t size;
    char message[JMSG_LENGTH_MAX];
};

static void fail(j_common_ptr cinfo) {
    struct jpeg_encoder *encoder = (struct jpeg_encoder *)cinfo;
    (*cinfo->err->format_message)(cinfo, encoder->message);
    longjmp(encoder->jump, 1);
}

// Compression emits only warnings and traces that do not change the bytes; libjpeg's
// default would print them to stderr.
static void drop_message(j_common_ptr cinfo, int level) {
    (void)cinfo;
    (void)level;
}

static void start_buffer(j_compress_ptr cinfo) {
    struct jpeg_encoder *encoder = (struct jpeg_encoder *)cinfo;
    encoder->bytes = malloc(FIRST_CAPACITY);
    if (encoder->bytes == NULL) {
        ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
    }
    encoder->capacity = FIRST_CAPACITY;
    encoder->destination.next_output_byte = encoder->bytes;
    encoder->destination.free_in_buffer = FIRST_CAPACITY;
}

// Called when the buffer is full: all of it holds output.
static boolean grow_buffer(j_compress_ptr cinfo) {
    struct jpeg_encoder *encoder = (struct jpeg_encoder *)cinfo;
    size_t used = encoder->capacity;
    uint8_t *grown = realloc(encoder->bytes, used * 2);
    if (grown == NULL) {
        ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 1);
    }
    encoder->bytes = grown;
    encoder->capacity = used * 2;
    encoder->destination.next_output_byte = grown + used;
    encoder->destination.free_in_buffer = used;
    return TRUE;
}

static void end_buffer(j_compress_ptr cinfo) {
    struct jpeg_encoder *encoder = (struct jpeg_encoder *)cinfo;
    encoder->size = encoder->capacity - encoder->destination.free_in_buffer;
}

static void copy_text(char *message, size_t capacity, const char *text) {
    if (capacity > 0) {
        snprintf(message, capacity, "%s", text);
    }
}

int ccodecs_jpeg_encode(const uint8_t *rgb, uint32_t width, uint32_t height, int quality,
                        uint8_t **jpeg, size_t *jpeg_size, char *message, size_t capacity) {
    copy_text(message, capacity, "");
    struct jpeg_encoder *encoder = calloc(1, sizeof *encoder);
    if (encoder == NULL) {
        copy_text(message, capacity, "out of memory");
        return CCODECS_ERROR;
    }
    j_compress_ptr cinfo = &encoder->cinfo;
    cinfo->err = jpeg_std_error(&encoder->errors);
    encoder->errors.error_exit = fail;
    encoder->errors.emit_message = drop_message;
    if (setjmp(encoder->jump)) {
        copy_text(message, capacity, encoder->message);
        // Safe even if jpeg_create_compress never ran: cinfo is zeroed, so mem is NULL.
        jpeg_destroy_compress(cinfo);
        free(encoder->bytes);
        free(encoder);
        return CCODECS_ERROR;
    }
    jpeg_create_compress(cinfo);
    encoder->destination.init_destination = start_buffer;
    encoder->destination.empty_output_buffer = grow_buffer;
    encoder->destination.term_destination = end_buffer;
    cinfo->dest = &encoder->destination;
    cinfo->image_width = width;
    cinfo->image_height = height;
    cinfo->input_components = 3;
    cinfo->in_color_space = JCS_RGB;
    jpeg_set_defaults(cinfo);
    // force_baseline: quantisation tables clamped to 8 bits, as every JPEG writer does by default.
    jpeg_set_quality(cinfo, quality, TRUE);
    // The exact integer DCT: the same bytes with and without libjpeg-turbo's SIMD code.
    cinfo->dct_method = JDCT_ISLOW;
    jpeg_start_compress(cinfo, TRUE);
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)cinfo->next_scanline * width * 3);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    jpeg_destroy_compress(cinfo);
    *jpeg = encoder->bytes;
    *jpeg_size = encoder->size;
    free(encoder);
    return CCODECS_OK;
}
