import TestSupport

/// Scripts that check our PNGs with readers we did not write.
extension Python {
    static var canImportPillow: Bool { canImport("PIL") }

    /// Parses the PNG with nothing but zlib: chunk CRCs, IHDR, inflate, all five filters.
    static let zlibPNGCheck = """
        import struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        expected = open(sys.argv[2], 'rb').read()
        width, height = int(sys.argv[3]), int(sys.argv[4])
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'bad signature'
        chunks, pos = [], 8
        while pos < len(data):
            length, tag = struct.unpack('>I4s', data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
            assert zlib.crc32(tag + body) == crc, 'bad CRC in %r' % tag
            chunks.append((tag, body))
            pos += 12 + length
        assert chunks[0][0] == b'IHDR' and chunks[-1][0] == b'IEND', [t for t, _ in chunks]
        ihdr = struct.unpack('>IIBBBBB', chunks[0][1])
        assert ihdr == (width, height, 8, 2, 0, 0, 0), ihdr
        raw = zlib.decompress(b''.join(b for t, b in chunks if t == b'IDAT'))
        stride = width * 3
        assert len(raw) == height * (stride + 1), len(raw)
        out, previous = bytearray(), bytearray(stride)
        for y in range(height):
            kind = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - 3] if i >= 3 else 0
                b = previous[i]
                c = previous[i - 3] if i >= 3 else 0
                p = a + b - c
                paeth = a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else (b if abs(p - b) <= abs(p - c) else c)
                line[i] = (line[i] + [0, a, b, (a + b) // 2, paeth][kind]) & 0xFF
            out += line
            previous = line
        assert bytes(out) == expected, 'pixels differ'
        print('ok')
        """

    static let pillowPNGCheck = """
        import sys
        from PIL import Image
        expected = open(sys.argv[2], 'rb').read()
        with Image.open(sys.argv[1]) as image:
            assert image.format == 'PNG' and image.mode == 'RGB', (image.format, image.mode)
            assert image.size == (int(sys.argv[3]), int(sys.argv[4])), image.size
            assert image.tobytes() == expected, 'pixels differ'
        print('ok')
        """
}
