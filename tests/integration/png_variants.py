"""png_variants.py — PNG files of every colour type, bit depth and
interlacing, compressed at every zlib level and strategy with several
windows and IDAT chunk sizes, planted in seeded random bytes, for
tests/integration/carve_png.sh.  Written here, byte by byte, so that the
layout of each image's data (rows, Adam7 passes, filter bytes) does not
depend on any one encoder; the test decodes them with ffmpeg too.

    python3 png_variants.py IMAGE EXPECTED DIR
        IMAGE: the files at 4 KiB boundaries with random bytes between;
        EXPECTED: one line per file: offset length sha256 name, where
        names starting "short" hold 40 bytes of image data too few (with
        valid CRCs, in one IDAT chunk of over 16 KiB): they must not be
        carved whole; DIR: the files.
"""
import hashlib
import os
import random
import struct
import sys
import zlib

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
STRATEGIES = [zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE, zlib.Z_FIXED]


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def image_data(rnd, w, h, bits, interlaced):
    """The rows (each a filter byte, then packed samples) of the image or
    of each of its Adam7 passes."""
    passes = [(w, h)] if not interlaced else [
        ((w - x0 + dx - 1) // dx if w > x0 else 0, (h - y0 + dy - 1) // dy if h > y0 else 0)
        for x0, y0, dx, dy in ADAM7]
    raw = bytearray()
    for cols, rows in passes:
        if not cols or not rows:
            continue
        for _ in range(rows):
            raw.append(rnd.randrange(5))
            raw += bytes(rnd.randrange(256) if rnd.random() < 0.3 else 7
                         for _ in range((cols * bits + 7) // 8))
    return bytes(raw)


def png(rnd, w, h, ct, depth, interlaced, short=False):
    """A PNG file; short: its image data 40 bytes short, in one IDAT chunk
    long enough to be inflated (carve-png's INFLATE_MIN_CHUNK)."""
    raw = image_data(rnd, w, h, CHANNELS[ct] * depth, interlaced)
    if short:
        raw = raw[:-40]
    co = zlib.compressobj(rnd.choice([0, 1, 6, 9]), zlib.DEFLATED, rnd.choice([9, 12, 15]), 8,
                          rnd.choice(STRATEGIES))
    z = co.compress(raw) + co.flush()
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ct, 0, 0, interlaced))
    if ct == 3:
        out += chunk(b"PLTE", bytes(rnd.randrange(256) for _ in range(3 << depth)))
    size = 1 << 20 if short else rnd.choice([7, 100, 8192, 1 << 20])
    for i in range(0, len(z), size):
        out += chunk(b"IDAT", z[i:i + size])
    return out + chunk(b"IEND", b"")


def main():
    image, expected, outdir = sys.argv[1:4]
    rnd = random.Random(1950)
    files = []
    for ct, depths in DEPTHS.items():
        for depth in depths:
            for interlaced in (0, 1):
                for w, h in ((1, 1), (3, 2), (9, 5), (33, 17), (200, 77)):
                    files.append(("ct%d_d%d_il%d_%dx%d" % (ct, depth, interlaced, w, h),
                                  png(rnd, w, h, ct, depth, interlaced)))
    for ct, depth, interlaced in ((2, 8, 0), (4, 8, 1), (6, 16, 1)):
        files.append(("short_ct%d_d%d_il%d" % (ct, depth, interlaced),
                      png(rnd, 400, 200, ct, depth, interlaced, short=True)))
    os.makedirs(outdir, exist_ok=True)
    img = bytearray()
    with open(expected, "w") as e:
        for name, data in files:
            img += rnd.randbytes(4096 + (-len(img)) % 4096)
            e.write("%d %d %s %s\n" % (len(img), len(data), hashlib.sha256(data).hexdigest(), name))
            img += data
            with open(os.path.join(outdir, name + ".png"), "wb") as f:
                f.write(data)
        img += rnd.randbytes(8192)
    with open(image, "wb") as f:
        f.write(img)


if __name__ == "__main__":
    main()
