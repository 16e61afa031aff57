#!/usr/bin/env python3
"""Generates the ImagingTests fixtures; the expected pixels come from Pillow, an
independent decoder, so the Swift tests check libpng/libjpeg against it.

Run once by hand (CI never runs it; Pillow is not a project dependency):

    pip install pillow
    python3 Tests/ImagingTests/Fixtures/make_fixtures.py

Writes Fixtures/decode/<image> plus <image>.rgb (Pillow's pixels as 8-bit RGB,
row-major) and Fixtures/invalid/<file> (inputs every decoder must reject).

Reduction rules, which Imaging implements and documents identically:
  * 16-bit samples keep their high byte (what Pillow does for RGB;16B/RGBA;16B).
  * Alpha is composited on black: out = round(c * a / 255) = (c * a + 127) // 255.
  * CMYK: R = round((255 - C) * (255 - K) / 255), likewise G (M) and B (Y),
    with C, M, Y, K the ink amounts Pillow reports (it reads every CMYK JPEG with
    Adobe's inverted polarity, marker or not; cmyk_plain.jpg pins that down).
"""

import io
import os
import random
import struct
import zlib

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
DECODE = os.path.join(HERE, "decode")
INVALID = os.path.join(HERE, "invalid")

PNG_W, PNG_H = 13, 9
JPEG_W, JPEG_H = 37, 29

rng = random.Random(20240611)


# --- a hand-written PNG encoder, for variants Pillow cannot write (16-bit colour,
# low bit depths, Adam7, tRNS on grey/RGB) and for deliberately broken files.

def chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def pack_row(samples, depth):
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    per_byte = 8 // depth
    out = bytearray()
    for i in range(0, len(samples), per_byte):
        byte = 0
        group = samples[i:i + per_byte]
        for j, s in enumerate(group):
            byte |= s << (8 - depth * (j + 1))
        out.append(byte)
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(rows, bpp):
    """Cycles through all five filter types so libpng's unfiltering is exercised."""
    out = bytearray()
    prev = bytes(len(rows[0])) if rows else b""
    for y, row in enumerate(rows):
        kind = y % 5
        out.append(kind)
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            out.append((x - predictor) & 0xFF)
        prev = row
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_bytes(width, height, color_type, depth, pixels, palette=None, trns=None, interlace=False,
              extra_chunks=()):
    """pixels: list of rows, each a list of per-pixel tuples of samples."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    bpp = max(1, channels * depth // 8)

    def encode(sub_rows):
        return filter_rows([pack_row([s for px in row for s in px], depth) for row in sub_rows], bpp)

    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            sub = [[pixels[y][x] for x in range(x0, width, dx)] for y in range(y0, height, dy)]
            if sub and sub[0]:
                raw += encode(sub)
    else:
        raw = encode(pixels)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 1 if interlace else 0)
    body = chunk(b"IHDR", ihdr)
    if palette is not None:
        body += chunk(b"PLTE", bytes(v for rgb in palette for v in rgb))
    if trns is not None:
        body += chunk(b"tRNS", trns)
    for tag, data in extra_chunks:
        body += chunk(tag, data)
    body += chunk(b"IDAT", zlib.compress(raw, 9))
    body += chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def random_pixels(width, height, channels, maximum):
    return [[tuple(rng.randint(0, maximum) for _ in range(channels)) for _ in range(width)]
            for _ in range(height)]


def with_extremes(pixels, maximum):
    """Forces fully transparent / opaque / black / white samples into the image."""
    channels = len(pixels[0][0])
    pixels[0][0] = tuple([maximum] * channels)
    pixels[0][1] = tuple([0] * channels)
    pixels[1][0] = tuple([maximum] * (channels - 1) + [0])
    pixels[1][1] = tuple([0] * (channels - 1) + [maximum])
    return pixels


def smooth_image(mode, width, height):
    """Gradients plus noise: realistic enough for JPEG, not a flat field."""
    im = Image.new("RGB", (width, height))
    im.putdata([((x * 255) // (width - 1), (y * 255) // (height - 1),
                 max(0, min(255, 128 + rng.randint(-60, 60)))) for y in range(height) for x in range(width)])
    if mode == "CMYK":
        cmyk = Image.new("CMYK", (width, height))
        cmyk.putdata([(r, g, b, rng.randint(0, 120)) for r, g, b in pixel_list(im)])
        return cmyk
    return im.convert(mode)


# --- expected pixels, from Pillow's decode plus the documented integer rules.

def composite(c, a):
    return (c * a + 127) // 255


def cmyk_to_rgb(c, m, y, k):
    return tuple(((255 - v) * (255 - k) + 127) // 255 for v in (c, m, y))


def pixel_list(im):
    # getpixel rather than getdata: the latter is deprecated in recent Pillow.
    return [im.getpixel((x, y)) for y in range(im.height) for x in range(im.width)]


def expected_rgb(path):
    with Image.open(path) as im:
        im.load()
        if im.mode.startswith("I;16") or im.mode == "I":
            values = [v >> 8 for v in pixel_list(im)]
            return bytes(v for v in values for _ in range(3))
        if im.mode == "CMYK":
            pixels = [cmyk_to_rgb(*px) for px in pixel_list(im)]
            pillow = pixel_list(im.convert("RGB"))
            assert pixels == pillow, "Pillow's own CMYK conversion disagrees with the documented rule"
            return bytes(v for px in pixels for v in px)
        if "A" in im.mode or "transparency" in im.info:
            rgba = im.convert("RGBA")
            return bytes(composite(c, px[3]) for px in pixel_list(rgba) for c in px[:3])
        return im.convert("RGB").tobytes()


def save_decodable(name, data):
    path = os.path.join(DECODE, name)
    with open(path, "wb") as f:
        f.write(data)
    with open(path + ".rgb", "wb") as f:
        f.write(expected_rgb(path))


def pillow_bytes(im, fmt, **options):
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def pillow_image(mode, pixels):
    height, width = len(pixels), len(pixels[0])
    im = Image.new(mode, (width, height))
    im.putdata([px[0] if len(px) == 1 else px for row in pixels for px in row])
    return im


def strip_segment(jpeg, marker):
    """Drops every segment with the given marker that precedes the first SOS."""
    out = bytearray(jpeg[:2])
    i = 2
    while i < len(jpeg):
        assert jpeg[i] == 0xFF
        code = jpeg[i + 1]
        if code == 0xDA:
            out += jpeg[i:]
            break
        length = struct.unpack(">H", jpeg[i + 2:i + 4])[0]
        if code != marker:
            out += jpeg[i:i + 2 + length]
        i += 2 + length
    return bytes(out)


def patch_sof_size(jpeg, width, height):
    i = 2
    while True:
        code = jpeg[i + 1]
        length = struct.unpack(">H", jpeg[i + 2:i + 4])[0]
        if code in (0xC0, 0xC1, 0xC2):
            return jpeg[:i + 5] + struct.pack(">HH", height, width) + jpeg[i + 9:]
        i += 2 + length


def png_with_ihdr(png, width, height):
    ihdr = png[16:29]
    patched = struct.pack(">II", width, height) + ihdr[8:]
    return png[:8] + chunk(b"IHDR", patched) + png[33:]


def main():
    os.makedirs(DECODE, exist_ok=True)
    os.makedirs(INVALID, exist_ok=True)
    w, h = PNG_W, PNG_H

    # PNGs written by Pillow.
    gray8 = random_pixels(w, h, 1, 255)
    save_decodable("gray8.png", pillow_bytes(pillow_image("L", gray8), "PNG"))
    save_decodable("graya8.png", pillow_bytes(pillow_image("LA", with_extremes(random_pixels(w, h, 2, 255), 255)), "PNG"))
    rgb8 = random_pixels(w, h, 3, 255)
    rgb8_png = pillow_bytes(pillow_image("RGB", rgb8), "PNG")
    save_decodable("rgb8.png", rgb8_png)
    save_decodable("rgba8.png", pillow_bytes(pillow_image("RGBA", with_extremes(random_pixels(w, h, 4, 255), 255)), "PNG"))
    palette = [(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)) for _ in range(256)]
    indices = random_pixels(w, h, 1, 255)
    pal_im = pillow_image("P", indices)
    pal_im.putpalette([v for rgb in palette for v in rgb])
    save_decodable("palette8.png", pillow_bytes(pal_im, "PNG"))
    alphas = bytes(rng.randint(0, 255) for _ in range(200))  # shorter than the palette: rest opaque
    save_decodable("palette8_trns.png", pillow_bytes(pal_im, "PNG", transparency=alphas))

    # PNGs written by hand.
    save_decodable("gray1.png", png_bytes(w, h, 0, 1, random_pixels(w, h, 1, 1)))
    save_decodable("gray2.png", png_bytes(w, h, 0, 2, random_pixels(w, h, 1, 3)))
    save_decodable("gray4.png", png_bytes(w, h, 0, 4, random_pixels(w, h, 1, 15)))
    save_decodable("gray16.png", png_bytes(w, h, 0, 16, random_pixels(w, h, 1, 65535)))
    save_decodable("graya16.png", png_bytes(w, h, 4, 16, with_extremes(random_pixels(w, h, 2, 65535), 65535)))
    save_decodable("rgb16.png", png_bytes(w, h, 2, 16, random_pixels(w, h, 3, 65535)))
    save_decodable("rgba16.png", png_bytes(w, h, 6, 16, with_extremes(random_pixels(w, h, 4, 65535), 65535)))
    gray_trns = random_pixels(w, h, 1, 7)
    save_decodable("gray8_trns.png", png_bytes(w, h, 0, 8, gray_trns, trns=struct.pack(">H", 3)))
    rgb_trns = random_pixels(w, h, 3, 1)
    save_decodable("rgb8_trns.png", png_bytes(w, h, 2, 8, rgb_trns, trns=struct.pack(">HHH", 1, 0, 1)))
    save_decodable("palette4_trns.png", png_bytes(w, h, 3, 4, random_pixels(w, h, 1, 15), palette=palette[:16],
                                                  trns=bytes([0, 128, 255, 7, 200])))
    save_decodable("interlaced_rgb8.png", png_bytes(w, h, 2, 8, random_pixels(w, h, 3, 255), interlace=True))
    save_decodable("interlaced_rgba8.png", png_bytes(w, h, 6, 8, with_extremes(random_pixels(w, h, 4, 255), 255),
                                                     interlace=True))
    save_decodable("interlaced_gray16.png", png_bytes(w, h, 0, 16, random_pixels(w, h, 1, 65535), interlace=True))
    # Recognised by magic bytes, not by name.
    save_decodable("png_named.jpg", rgb8_png)

    # JPEGs written by Pillow (libjpeg-turbo).
    jw, jh = JPEG_W, JPEG_H
    rgb = smooth_image("RGB", jw, jh)
    baseline = pillow_bytes(rgb, "JPEG", quality=90)
    progressive = pillow_bytes(rgb, "JPEG", quality=85, progressive=True)
    save_decodable("baseline420.jpg", baseline)
    save_decodable("baseline422.jpg", pillow_bytes(rgb, "JPEG", quality=90, subsampling=1))
    save_decodable("baseline444.jpg", pillow_bytes(rgb, "JPEG", quality=90, subsampling=0))
    save_decodable("progressive.jpg", progressive)
    save_decodable("grey.jpg", pillow_bytes(smooth_image("L", jw, jh), "JPEG", quality=90))
    cmyk = pillow_bytes(smooth_image("CMYK", jw, jh), "JPEG", quality=90)
    save_decodable("cmyk_adobe.jpg", cmyk)
    save_decodable("cmyk_plain.jpg", strip_segment(cmyk, 0xEE))

    # Inputs that must be rejected.
    def invalid(name, data):
        with open(os.path.join(INVALID, name), "wb") as f:
            f.write(data)

    invalid("empty.png", b"")
    invalid("text.png", b"this is not an image\n")
    invalid("image.gif", pillow_bytes(pillow_image("L", gray8), "GIF"))
    invalid("truncated_signature.png", rgb8_png[:6])
    invalid("truncated.png", rgb8_png[:len(rgb8_png) // 2])
    idat = rgb8_png.index(b"IDAT")
    idat_length = struct.unpack(">I", rgb8_png[idat - 4:idat])[0]
    crc = idat + 4 + idat_length
    # Only the CRC is wrong: with damaged data zlib would object before the CRC is checked.
    invalid("bad_crc.png", rgb8_png[:crc] + bytes([rgb8_png[crc] ^ 0x01]) + rgb8_png[crc + 1:])
    invalid("corrupt_idat.png", rgb8_png[:idat + 10] + bytes([rgb8_png[idat + 10] ^ 0x01]) + rgb8_png[idat + 11:])
    text = chunk(b"tEXt", b"Comment\x00hello")
    invalid("bad_crc_ancillary.png", rgb8_png[:33] + text[:-1] + bytes([text[-1] ^ 0xFF]) + rgb8_png[33:])
    invalid("lying_header.png", png_with_ihdr(rgb8_png, w, h * 4))
    invalid("no_idat.png", rgb8_png[:33] + chunk(b"IEND", b""))
    invalid("bomb.png", png_with_ihdr(rgb8_png, 100_000, 100_000))
    invalid("truncated_header.jpg", baseline[:100])
    invalid("truncated.jpg", baseline[:len(baseline) // 2])
    invalid("truncated_progressive.jpg", progressive[:len(progressive) // 2])
    invalid("lying_header.jpg", patch_sof_size(baseline, jw, jh * 4))
    invalid("bomb.jpg", patch_sof_size(baseline, 60_000, 60_000))


if __name__ == "__main__":
    main()
