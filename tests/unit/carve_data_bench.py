#!/usr/bin/env python3
"""carve_data_bench.py OUTDIR -- the content check_carve_data --bench
measures: one file of 100+ MB per carver (an SQLite database, its WAL, a
hot journal, ZIPs stored and deflated, PDFs with direct and indirect
stream lengths, an IRC log)."""
import os
import random
import shutil
import sqlite3
import sys
import zipfile
import zlib

OUT = sys.argv[1]
MB = 1 << 20
rng = random.Random(1)
os.makedirs(OUT, exist_ok=True)

# SQLite: 128 MB of rows with text and blobs (overflow chains).
path = os.path.join(OUT, "source.db")
con = sqlite3.connect(path, isolation_level=None)
con.execute("PRAGMA page_size=4096")
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("CREATE TABLE m(id INTEGER PRIMARY KEY, body TEXT, blob BLOB)")
con.execute("CREATE INDEX m_body ON m(body)")
con.execute("BEGIN")
blob = rng.randbytes(6000)
for i in range(22000):
    con.execute("INSERT INTO m(body, blob) VALUES (?, ?)", ("message %d " % i * 5, blob))
con.execute("COMMIT")
shutil.copyfile(path + "-wal", os.path.join(OUT, "bench.sqlite-wal"))
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("PRAGMA journal_mode=DELETE")
shutil.copyfile(path, os.path.join(OUT, "bench.sqlite"))
con.execute("PRAGMA cache_size=10")
con.execute("BEGIN")
con.execute("UPDATE m SET body = body || 'x'")
shutil.copyfile(path + "-journal", os.path.join(OUT, "bench.sqlite-journal"))
con.execute("ROLLBACK")
con.close()
os.remove(path)

# ZIP: stored (skipped through) and deflated.
chunk = rng.randbytes(4 * MB)
with zipfile.ZipFile(os.path.join(OUT, "bench-stored.zip"), "w", zipfile.ZIP_STORED) as z:
    for i in range(32):
        z.writestr("part%02d.bin" % i, chunk)
text = " ".join(rng.choice(["alpha", "bravo", "charlie", "delta", "echo"]) for _ in range(400000))
with zipfile.ZipFile(os.path.join(OUT, "bench-deflated.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(48):
        z.writestr("text%02d.txt" % i, text[i:] + rng.randbytes(600000).hex())


def pdf(name, indirect):
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {1: len(out)}
    n = 40
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    offsets[2] = len(out)
    kids = " ".join("%d 0 R" % (3 + i) for i in range(n))
    out += b"2 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n" % (kids.encode(), n)
    num = 3 + n
    for i in range(n):
        data = rng.randbytes(3 * MB + 1000 * i)
        offsets[3 + i] = len(out)
        out += (b"%d 0 obj\n<< /Type /Page /Parent 2 0 R /Contents %d 0 R >>\nendobj\n"
                % (3 + i, num))
        offsets[num] = len(out)
        length = b"%d 0 R" % (num + 1) if indirect else b"%d" % len(data)
        out += b"%d 0 obj\n<< /Length %s /Filter /DCTDecode >>\nstream\n" % (num, length)
        out += data + b"\nendstream\nendobj\n"
        offsets[num + 1] = len(out)
        out += b"%d 0 obj\n%d\nendobj\n" % (num + 1, len(data))
        num += 2
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f\r\n" % num
    for k in range(1, num):
        out += b"%010d 00000 n\r\n" % offsets[k]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (num, xref)
    open(os.path.join(OUT, name), "wb").write(bytes(out))


pdf("bench-direct.pdf", False)
pdf("bench-indirect.pdf", True)

# An IRC log: 128 MB of lines, some UTF-8.
lines = ["**** BEGIN LOGGING AT Mon Dec 31 21:11:55 2018"]
words = ["alpha", "bravo", "charlie", "delta", "echo", "caf\u00e9", "na\u00efve", "\u65e5\u672c"]
for i in range(50000):
    lines.append("Dec %02d %02d:%02d:%02d <nick%d>\t%s" % (1 + i % 28, i % 24, i % 60, i % 60, i % 7,
                                                       " ".join(rng.choice(words) for _ in range(8))))
block = ("\n".join(lines) + "\n").encode()
with open(os.path.join(OUT, "bench-xchat.log"), "wb") as f:
    f.write(block)
    body = block[block.index(b"\n") + 1:]
    while f.tell() < 128 * MB:
        f.write(body)
