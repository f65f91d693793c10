"""carving_images.py — raw images of seeded random bytes with TOYC files
planted in them (tests/plugins/toycarver.c), for tests/integration/carving.sh.

    python3 carving_images.py layout IMAGE EXPECTED
        24 MiB: contiguous files at odd offsets (one across the 8 MiB block
        end), files in two fragments (random bytes, another file, a gap
        that a lazy file's data_check cannot see), a broken file, decoys,
        a file that crashes the carver, and containers nested across the
        16 MiB block end.  EXPECTED gets one line per file that must be
        carved: offset length fragments validated sha256
    python3 carving_images.py many IMAGE COUNT
        COUNT small files in 64 MiB, for the resume test.
    python3 carving_images.py file RECORDS ID SEED OUT
        one TOYC file.
"""
import hashlib
import random
import sys

import toyc

MIB = 1 << 20


def layout(image_path, expected_path):
    rnd = random.Random(2024)
    img = bytearray(rnd.randbytes(24 * MIB))
    expect = []

    def whole(offset, data, fragments=1):
        expect.append((offset, len(data), fragments, 1, hashlib.sha256(data).hexdigest()))

    def contiguous(offset, records, file_id, lazy=False):
        data = toyc.make(records, file_id, offset, lazy)
        toyc.plant(img, offset, data)
        whole(offset, data)

    def two_pieces(offset, records, file_id, split_at, gap, lazy=False, gap_bytes=None):
        data = toyc.make(records, file_id, offset, lazy)
        first = split_at - offset
        toyc.plant(img, offset, data[:first])
        if gap_bytes is not None:
            toyc.plant(img, split_at, gap_bytes)
        toyc.plant(img, split_at + gap, data[first:])
        whole(offset, data, 2)

    contiguous(12345, 100, 1)
    two_pieces(1_000_077, 400, 2, 1 * MIB, 37 * 512)
    gap_file = toyc.make(40, 3, 99)
    two_pieces(1_500_000, 300, 4, 3 * MIB // 2, len(gap_file), gap_bytes=gap_file)
    whole(3 * MIB // 2, gap_file)
    contiguous(2_000_003, 2000, 5, lazy=True)
    two_pieces(3_500_001, 1000, 6, 3 * MIB + MIB // 2, 11 * 512, lazy=True)
    # Broken: records 100 onwards overwritten; kept as partial.
    broken = toyc.make(500, 7, 7)
    toyc.plant(img, 4_500_000, broken)
    toyc.plant(img, 4_500_000 + 100 * 512, rnd.randbytes(401 * 512))
    expect.append((4_500_000, 100 * 512, 1, 0, hashlib.sha256(broken[:100 * 512]).hexdigest()))
    # Decoys: the magic alone; a good header before random records.
    toyc.plant(img, 5_000_000, b"TOYCARV1")
    toyc.plant(img, 5_100_000, toyc.make(50, 8, 8)[:512])
    # The carver crashes on this one.
    toyc.plant(img, 5_200_000, toyc.make(10, 0xC0FFEE, 9))
    contiguous(8 * MIB - 700_001, 3000, 10)
    nested(img, whole)
    open(image_path, "wb").write(img)
    with open(expected_path, "w") as out:
        for row in sorted(expect):
            out.write("%d %d %d %d %s\n" % row)


def nested(img, whole):
    """F1, a container from 15 MiB + 3 across the 16 MiB block end, holds the
    start of F3, a container that runs on past F1's end and holds F4.  F5
    and F6 lie inside F1.  Carved in order: F1 (F3, F5 and F6 start inside
    it), then F4, which only F3 (not kept) covered."""
    a1, r1 = 15 * MIB + 3, 4000
    b1 = a1 + (r1 + 1) * 512
    s3, r3 = 16_900_000, 3000
    f4 = toyc.make(50, 14, 14)
    toyc.plant(img, 16_000_000, toyc.make(50, 15, 15))   # F5
    toyc.plant(img, 17_000_000, toyc.make(50, 16, 16))   # F6
    toyc.plant(img, 18_000_000, f4)
    toyc.plant(img, s3, toyc.container_header(r3, 13))
    toyc.plant(img, a1, toyc.container_header(r1, 11))
    toyc.plant(img, b1 - 512, toyc.container_trailer(r1, 11, img[a1 + 512:b1 - 512]))
    toyc.plant(img, s3 + r3 * 512, toyc.container_trailer(r3, 13, img[s3 + 512:s3 + r3 * 512]))
    whole(a1, bytes(img[a1:b1]))
    whole(18_000_000, f4)


def many(image_path, count):
    rnd = random.Random(77)
    img = bytearray(rnd.randbytes(64 * MIB))
    step = (64 * MIB - 8192) // count
    for i in range(count):
        records = 2 + i % 5
        toyc.plant(img, 4096 + i * step + i % 511, toyc.make(records, 1000 + i, i))
    open(image_path, "wb").write(img)


def main():
    if sys.argv[1] == "layout":
        layout(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "many":
        many(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "file":
        records, file_id, seed = (int(x, 0) for x in sys.argv[2:5])
        open(sys.argv[5], "wb").write(toyc.make(records, file_id, seed))
    else:
        sys.exit("usage: carving_images.py layout|many|file ...")


if __name__ == "__main__":
    main()
