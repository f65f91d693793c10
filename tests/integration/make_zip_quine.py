#!/usr/bin/env python3
"""make_zip_quine.py OUT -- write a zip archive that contains itself: its
one entry, r.zip, inflates to the very bytes of the archive (433 bytes).

How: the entry's deflate stream is a self-reproducing program of two
instructions, "literal n" (a stored block: 5 bytes, then n bytes to
print) and "repeat n" (a fixed-Huffman block copying the last n bytes,
padded to whole bytes by an empty stored block where needed), arranged
so that it prints the zip's local header, itself, then the central
directory and end record.  Each literal's length is the byte size of what
it prints, so the repeats' encodings are searched for the sizes the
arrangement needs.  The CRC-32 the headers state is the CRC of the file
that states it: CRC-32 is affine over GF(2), so that fixed point is the
solution of a 32x32 linear system.  The archive is checked by inflating
it, and by Python's zipfile (CRC included) before it is written.
"""
import struct, sys, zlib

LEN_BASE = [3,4,5,6,7,8,9,10,11,13,15,17,19,23,27,31,35,43,51,59,67,83,99,115,131,163,195,227,258]
LEN_EXTRA = [0]*8 + [1]*4 + [2]*4 + [3]*4 + [4]*4 + [5]*4 + [0]
DIST_BASE = [1,2,3,4,5,7,9,13,17,25,33,49,65,97,129,193,257,385,513,769,1025,1537,2049,3073,
             4097,6145,8193,12289,16385,24577]
DIST_EXTRA = [0,0,0,0,1,1,2,2,3,3,4,4,5,5,6,6,7,7,8,8,9,9,10,10,11,11,12,12,13,13]


class Bits:
    def __init__(self):
        self.out, self.acc, self.n = bytearray(), 0, 0

    def put(self, value, count):          # LSB first
        self.acc |= value << self.n
        self.n += count
        while self.n >= 8:
            self.out.append(self.acc & 255)
            self.acc >>= 8
            self.n -= 8

    def put_huffman(self, code, count):  # Huffman codes go MSB first
        self.put(int(format(code, "0%db" % count)[::-1], 2), count)

    def align(self):
        if self.n:
            self.put(0, 8 - self.n)


def put_length(b, length):
    i = max(k for k in range(len(LEN_BASE)) if LEN_BASE[k] <= length)
    if length == 258:
        i = 28
    sym = 257 + i
    if sym <= 279:
        b.put_huffman(sym - 256, 7)
    else:
        b.put_huffman(0xC0 + sym - 280, 8)
    b.put(length - LEN_BASE[i], LEN_EXTRA[i])


def put_distance(b, dist):
    i = max(k for k in range(len(DIST_BASE)) if DIST_BASE[k] <= dist)
    b.put_huffman(i, 5)
    b.put(dist - DIST_BASE[i], DIST_EXTRA[i])


def literal(n):
    """A stored block of n bytes (its data follows): 5 bytes."""
    return bytes([0, n & 255, n >> 8, ~n & 255, (~n >> 8) & 255])


def repeat_variants(n, final):
    """Encodings of "copy the last n bytes": a fixed-Huffman block of one
    to three copies at distance n, ending byte-aligned on its own or
    through an empty stored block."""
    parts = [(n,)] + [(a, n - a) for a in range(3, n - 2)] + \
            [(a, c, n - a - c) for a in range(3, n) for c in range(3, n - a - 2)]
    for copies in parts:
        if any(x < 3 or x > 258 for x in copies):
            continue
        for aligned in (False, True):
            b = Bits()
            b.put(0 if aligned else int(final), 1)
            b.put(1, 2)                          # fixed Huffman
            for x in copies:
                put_length(b, x)
                put_distance(b, n)
            b.put_huffman(0, 7)                  # end of block
            if aligned:
                b.put(int(final), 1)
                b.put(0, 2)                      # stored
                b.align()
                b.out += bytes([0, 0, 255, 255])
            elif b.n:
                continue
            yield bytes(b.out)


def repeat(n, size, final=False):
    for enc in repeat_variants(n, final):
        if len(enc) == size:
            return enc
    return None


NOP = literal(0)
NAME = b"r.zip"
TIME, DATE = 0x6000, 0x5821


def headers(crc, csize, usize, extra):
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, TIME, DATE, crc, csize, usize,
                        len(NAME), len(extra)) + NAME + extra
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, TIME, DATE, crc,
                          csize, usize, len(NAME), 0, 0, 0, 0, 0, 0) + NAME
    return local, central


def build():
    r_b, b = 10, 30                         # the middle: R(30) in 10 bytes
    rb = repeat(b, r_b)
    for extra_len in range(0, 64):          # the prefix: R(p+5) in 10 bytes
        p = 30 + len(NAME) + extra_len
        rp = repeat(p + 5, 10)
        if rp:
            break
    extra = b"\x00" * extra_len
    s = 46 + len(NAME) + 22
    for r_y in range(5, 40):                # the suffix: R(y) in r_y bytes, y = r_y + s
        ry = repeat(r_y + s, r_y, final=True)
        if ry:
            break
    y = r_y + s
    lb = literal(b)

    def stream(P, S):
        ops = [literal(p + 5), P + literal(p + 5), rp,
               literal(len(rp)), rp,
               literal(5), literal(len(rp)),
               NOP,
               lb, rp + literal(5) + literal(len(rp)) + NOP + lb,
               rb,
               lb, rb + lb + rb + lb,
               rb,
               lb, rb + NOP * 3 + literal(y),
               rb, NOP, NOP, NOP,
               literal(y), ry + S,
               ry]
        return b"".join(ops)

    # Sizes first (they do not depend on the CRC), then the CRC as the
    # fixed point of an affine map over GF(2).
    local, central = headers(0, 0, 0, extra)
    eocd = lambda cd_off: struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central),
                                      cd_off, 0)
    csize = len(stream(local, central + eocd(0)))
    usize = len(local) + csize + len(central) + 22

    def file_for(crc):
        lo, ce = headers(crc, csize, usize, extra)
        S = ce + eocd(len(lo) + csize)
        return lo + stream(lo, S) + S

    base = zlib.crc32(file_for(0))
    cols = [zlib.crc32(file_for(1 << i)) ^ base for i in range(32)]
    # solve crc = base ^ sum(bits of crc * cols): (M + I) crc = base
    rows = []
    for i in range(32):
        rows.append((sum(((cols[j] >> i) & 1) << j for j in range(32)) ^ (1 << i), (base >> i) & 1))
    solution = gauss(rows)
    data = file_for(solution)
    assert zlib.crc32(data) == solution
    return data


def gauss(rows):
    rows = [list(r) for r in rows]
    n, where, r = 32, [-1] * 32, 0
    for col in range(n):
        piv = next((i for i in range(r, n) if rows[i][0] >> col & 1), None)
        if piv is None:
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        for i in range(n):
            if i != r and rows[i][0] >> col & 1:
                rows[i][0] ^= rows[r][0]
                rows[i][1] ^= rows[r][1]
        where[col] = r
        r += 1
    x = 0
    for col in range(n):
        if where[col] >= 0 and rows[where[col]][1]:
            x |= 1 << col
    if any(row[0] == 0 and row[1] for row in rows):
        raise SystemExit("no CRC fixed point")
    return x


if __name__ == "__main__":
    data = build()
    import io, zipfile
    assert zipfile.ZipFile(io.BytesIO(data)).read(NAME.decode()) == data
    with open(sys.argv[1], "wb") as f:
        f.write(data)
