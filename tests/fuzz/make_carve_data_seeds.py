#!/usr/bin/env python3
"""make_carve_data_seeds.py SRCDIR -- (re)write the seed corpora of the
carve-data fuzz targets, tests/fuzz/corpus/carve_<format>/: small files of
each format from tests/unit/carve_data_samples.py's generators (tiny
databases, logs, archives) and a few embedded in other bytes.  Each seed
starts with the byte that picks the fuzz target's block size."""
import os
import random
import sqlite3
import shutil
import subprocess
import sys
import tempfile

src = sys.argv[1]
corpus = os.path.join(src, "tests", "fuzz", "corpus")
tmp = tempfile.mkdtemp()
rng = random.Random(11)


def seed(target, name, data, block=7):
    d = os.path.join(corpus, "carve_" + target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes([block]) + data)


def small_db(path, page_size=512, rows=12, wal=False):
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size=%d" % page_size)
    if wal:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)")
    for i in range(rows):
        con.execute("INSERT INTO t(b) VALUES (?)", ("row %d " % i * (1 + i % 9),))
    con.commit()
    return con


db = os.path.join(tmp, "a.db")
small_db(db).close()
data = open(db, "rb").read()
seed("sqlite", "db512", data)
seed("sqlite", "db512-embedded", rng.randbytes(37) + data + rng.randbytes(300), 31)
db2 = os.path.join(tmp, "b.db")
con = small_db(db2, 1024, 40)
con.execute("DELETE FROM t WHERE a % 2 = 0")
con.commit()
con.close()
seed("sqlite", "db1024-freelist", open(db2, "rb").read(), 63)

db3 = os.path.join(tmp, "c.db")
con = small_db(db3, 1024, 6, wal=True)
con.execute("INSERT INTO t(b) VALUES ('later')")
con.commit()
wal = open(db3 + "-wal", "rb").read()
con.close()
seed("sqlite_wal", "wal1024", wal)
seed("sqlite_wal", "wal1024-cut", wal[:len(wal) - 500] + rng.randbytes(100), 13)

db4 = os.path.join(tmp, "d.db")
con = sqlite3.connect(db4, isolation_level=None)
con.execute("PRAGMA page_size=512")
con.execute("BEGIN")
con.execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)")
for i in range(40):
    con.execute("INSERT INTO t(b) VALUES (?)", ("x" * 50,))
con.execute("COMMIT")
con.execute("PRAGMA cache_size=1")
con.execute("BEGIN")
con.execute("UPDATE t SET b = 'y'")
journal = open(db4 + "-journal", "rb").read()
con.execute("ROLLBACK")
con.close()
seed("sqlite_journal", "journal512", journal[:4096])
seed("sqlite_journal", "journal512-more", journal[:8192], 40)

samples = os.path.join(tmp, "samples")
subprocess.run([sys.executable, os.path.join(src, "tests", "unit", "carve_data_samples.py"), samples],
               check=True)
for name, target, keep in (("zip-word.docx", "zip", None), ("zip-text.odt", "zip", None),
                           ("pdf-classic.pdf", "pdf", None), ("pdf-incremental.pdf", "pdf", None),
                           ("pdf-xrefstream.pdf", "pdf", None),
                           ("chat-xchat.log", "chatlog", 2000), ("chat-mirc.log", "chatlog", 2000),
                           ("chat-irssi.log", "chatlog", 2000)):
    data = open(os.path.join(samples, name), "rb").read()
    if keep:
        data = data[:keep]
    # .gitignore drops *.log (build logs): the chat log seeds are .txt.
    seed(target, name.replace(".log", ".txt"), data)
# A small zip whose entries fit a seed (the samples' are 20-35 KB).
import io, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("a.txt", "hello " * 50)
    z.writestr("b/c.bin", rng.randbytes(200), zipfile.ZIP_STORED)
    z.comment = b"seed"
seed("zip", "small.zip", b.getvalue(), 5)


class Unseekable(io.RawIOBase):
    def __init__(self):
        self.buf = bytearray()

    def writable(self):
        return True

    def write(self, data):
        self.buf += data
        return len(data)


for method, name in ((zipfile.ZIP_DEFLATED, "descriptor-deflated.zip"),
                     (zipfile.ZIP_STORED, "descriptor-stored.zip")):
    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", method) as z:
        for entry, data in (("x.txt", b"some text " * 30), ("y.bin", rng.randbytes(150))):
            info = zipfile.ZipInfo(entry, (2020, 1, 2, 3, 4, 6))
            info.compress_type = method
            with z.open(info, "w", force_zip64=name.startswith("descriptor-d")) as f:
                f.write(data)
    seed("zip", name, bytes(sink.buf), 3)
shutil.rmtree(tmp)
