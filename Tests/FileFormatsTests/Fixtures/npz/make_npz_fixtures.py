#!/usr/bin/env python3
"""Regenerates the .npz test fixtures in this folder (read by Tests/BiTTests/NpzArchiveTests.swift).

Regenerate from the repository root with:

    python3 Tests/FileFormatsTests/Fixtures/npz/make_npz_fixtures.py

Needs numpy 2.x. Values follow simple formulas so the Swift tests can recompute them instead of storing
expected copies; if you change a formula here, change the test too.
"""

import io
import os
import struct
import warnings
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def ramp(count, dtype):
    """k * 0.25 - 2 for k = 0..count-1: exactly representable in every float dtype used here."""
    return (np.arange(count, dtype=np.float64) * 0.25 - 2).astype(dtype)


def npy_bytes(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def write_zip(name, members):
    """members: list of (member name, bytes[, compression]). Python's zipfile computes correct CRCs, so
    each fixture is broken only in the way it is meant to be."""
    with zipfile.ZipFile(path(name), "w") as archive:
        for member, data, *compression in members:
            archive.writestr(member, data, compress_type=compression[0] if compression else zipfile.ZIP_STORED)


def make_savez():
    # np.savez: stored members, written by numpy itself (with ZIP64 local extra fields).
    np.savez(
        path("savez.npz"),
        **{
            "resnet/block1/unit01/a/group_norm/gamma": ramp(24, np.float32).reshape(2, 3, 4),
            "resnet/root_block/standardized_conv2d/kernel": ramp(6, np.float32).reshape(1, 1, 2, 3),
            "scalar": np.array(1.5, dtype=np.float32),
            "empty": np.zeros((0, 3), dtype=np.float32),
            "bytes": (np.arange(10) * 25).astype(np.uint8),
            "int32": np.arange(-3, 3, dtype=np.int32).reshape(2, 3),
            "int64": np.array([-(2**40), 0, 2**40 + 1], dtype=np.int64),
            "half": np.array([0.5, -2.0, 65504.0, 2.0**-24, np.inf], dtype=np.float16),
            "double": np.array([1.0 / 3.0, -1e300, 2.5], dtype=np.float64),
            "fortran3d": np.asfortranarray(ramp(24, np.float32).reshape(2, 3, 4)),
        },
    )


def make_savez_compressed():
    # np.savez_compressed: deflated members, including big-endian and Fortran-ordered data.
    np.savez_compressed(
        path("savez_compressed.npz"),
        **{
            "head/conv2d/kernel": ramp(12, np.float32).reshape(3, 4),
            "head/conv2d/bias": ramp(4, np.float64),
            "big_endian_f4": ramp(6, ">f4").reshape(2, 3),
            "big_endian_f8": ramp(5, ">f8"),
            "big_endian_i8": np.array([1, -2, 2**33], dtype=">i8"),
            "fortran": np.asfortranarray(ramp(6, np.float32).reshape(2, 3)),
            "zeros": np.zeros(1000, dtype=np.float32),
        },
    )


def make_zip64():
    # Lowering zipfile's limits makes it write every ZIP64 structure (local and central extra fields, the
    # ZIP64 end record and locator) without needing a 4 GiB file. One member of each compression method.
    saved = zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 0, 0
    try:
        with zipfile.ZipFile(path("zip64.npz"), "w") as archive:
            archive.writestr("stored.npy", npy_bytes(ramp(8, np.float32)), compress_type=zipfile.ZIP_STORED)
            archive.writestr("deflated.npy", npy_bytes(ramp(16, np.float32).reshape(4, 4)),
                             compress_type=zipfile.ZIP_DEFLATED)
    finally:
        zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = saved
    with open(path("zip64.npz"), "rb") as handle:
        data = handle.read()
    assert struct.pack("<I", 0x06064B50) in data and struct.pack("<I", 0x07064B50) in data
    with np.load(path("zip64.npz")) as loaded:
        assert loaded["deflated"].shape == (4, 4)


class Unseekable(io.RawIOBase):
    """A pipe-like sink: zipfile cannot seek back, so it writes data descriptors after each member."""

    def __init__(self, sink):
        self.sink = sink

    def writable(self):
        return True

    def write(self, data):
        return self.sink.write(data)

    def tell(self):
        raise OSError("not seekable")


def make_data_descriptor():
    # Local headers carry zero sizes and CRC; only the central directory (and trailing descriptors) have them.
    with open(path("data_descriptor.npz"), "wb") as handle:
        with zipfile.ZipFile(Unseekable(handle), "w") as archive:
            archive.writestr("stored.npy", npy_bytes(ramp(8, np.float32)), compress_type=zipfile.ZIP_STORED)
            archive.writestr("deflated.npy", npy_bytes(ramp(16, np.float32).reshape(4, 4)),
                             compress_type=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(path("data_descriptor.npz")) as archive:
        assert all(info.flag_bits & 0x08 for info in archive.infolist())


def make_bad_members():
    good = ("good.npy", npy_bytes(ramp(4, np.float32)))
    valid = npy_bytes(ramp(6, np.float32).reshape(2, 3))
    write_zip("bad_magic.npz", [good, ("w.npy", b"\x93NUMPX" + valid[6:])])
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3 }"
    header += b" " * (64 - 10 - len(header) - 1) + b"\n"
    write_zip("bad_header.npz", [good, ("w.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + valid[128:])])
    write_zip("bad_dtype.npz", [good, ("w.npy", npy_bytes(np.array([1 + 2j, 3 - 4j], dtype=np.complex64)))])
    write_zip("shape_mismatch.npz", [good, ("w.npy", valid[:-4])])
    write_zip("not_npy_member.npz", [good, ("README.txt", b"hello\n")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name, which is the point
        write_zip("duplicate_keys.npz", [good, ("w.npy", valid), ("w.npy", valid)])
    write_zip("bzip2.npz", [good, ("w.npy", valid, zipfile.ZIP_BZIP2)])


def make_png():
    """A valid 1x1 grey PNG: a real non-ZIP file that a user might pass by mistake."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"\x00\x80"))
    png += chunk(b"IEND", b"")
    with open(path("not_a_zip.png"), "wb") as handle:
        handle.write(png)


if __name__ == "__main__":
    make_savez()
    make_savez_compressed()
    make_zip64()
    make_data_descriptor()
    make_bad_members()
    make_png()
