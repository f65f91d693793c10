"""make_inflate_seeds.py DIR — seeds for fuzz_inflate_check: a mode byte
and a row byte (fuzz_inflate_check.c), then deflate streams: wrapped and
raw, stored, fixed and dynamic blocks, PNG-like rows, a cut stream."""
import os
import random
import sys
import zlib

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rnd = random.Random(11)
text = b"".join(rnd.choice([b"alice ", b"bob ", b"sent ", b"photo ", b"\n"]) for _ in range(600))
rows = b"".join(bytes([r % 5]) + bytes(rnd.randrange(4) for _ in range(40)) for r in range(30))


def deflate(data, level, wbits, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, wbits, 8, strategy)
    return c.compress(data) + c.flush()


def write(name, mode, row, stream):
    open(os.path.join(out, name), "wb").write(bytes([mode, row]) + stream)


write("wrapped-dynamic", 1, 0, deflate(text, 9, 15))
write("raw-fixed", 0, 0, deflate(text[:300], 6, -15, zlib.Z_FIXED))
write("wrapped-stored", 1, 0, deflate(rnd.randbytes(700), 0, 9))
write("rows", 3, 40, deflate(rows, 6, 15))
write("rows-limited", 7, 40, deflate(rows, 1, 12, zlib.Z_HUFFMAN_ONLY))
write("cut", 1, 0, deflate(text, 6, 15)[:200])
