#!/usr/bin/env python3
"""make_archive_seeds.py OUTDIR — the seed files of the archives fuzz target.

Writes OUTDIR/archives/<seed>: tiny archives of each kind the plugin reads
(zip stored and deflated, a docx-like zip, tar, tar.gz, tar.bz2, tar.xz,
single gzip, xz and lzma files, a zip inside a tar, a 7z when p7zip is
installed), each holding a few short entries, a folder and a symlink where
the format has them.  The committed seeds in tests/fuzz/corpus/archives/
were made by this script; run it again to remake them:

    python3 tests/fuzz/make_archive_seeds.py tests/fuzz/corpus
"""
import bz2
import gzip
import io
import lzma
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

OUT = os.path.join(sys.argv[1], "archives")
os.makedirs(OUT, exist_ok=True)
FILES = {"a.txt": b"first entry\n", "dir/b.txt": b"second entry in a folder\n" * 3}


def put(name, data):
    open(os.path.join(OUT, name), "wb").write(data)


def zip_bytes(files, method):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        z.writestr(zipfile.ZipInfo("dir/", (2020, 1, 1, 0, 0, 0)), b"")
        for n, d in files.items():
            z.writestr(zipfile.ZipInfo(n, (2020, 1, 1, 0, 0, 0)), d, compress_type=method)
    return b.getvalue()


def tar_bytes(files):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT) as t:
        d = tarfile.TarInfo("dir"); d.type = tarfile.DIRTYPE; d.mtime = 1600000000; t.addfile(d)
        link = tarfile.TarInfo("link"); link.type = tarfile.SYMTYPE; link.linkname = "a.txt"
        link.mtime = 1600000000; t.addfile(link)
        for n, data in files.items():
            i = tarfile.TarInfo(n); i.size = len(data); i.mtime = 1600000000
            t.addfile(i, io.BytesIO(data))
    return b.getvalue()


put("stored.zip", zip_bytes(FILES, zipfile.ZIP_STORED))
put("deflated.zip", zip_bytes(FILES, zipfile.ZIP_DEFLATED))
put("letter.docx", zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"},
                             zipfile.ZIP_DEFLATED))
tar = tar_bytes(FILES)
put("plain.tar", tar)
put("plain.tar.gz", gzip.compress(tar, mtime=0))
put("plain.tar.bz2", bz2.compress(tar))
put("plain.tar.xz", lzma.compress(tar))
put("single.txt.gz", gzip.compress(b"a single compressed file\n", mtime=0))
put("single.txt.xz", lzma.compress(b"a single compressed file\n"))
put("single.txt.lzma", lzma.compress(b"a single compressed file\n", format=lzma.FORMAT_ALONE))
put("nested.tar", tar_bytes({"inner.zip": zip_bytes(FILES, zipfile.ZIP_DEFLATED)}))
if shutil.which("7z"):
    with tempfile.TemporaryDirectory() as d:
        for n, data in FILES.items():
            os.makedirs(os.path.dirname(os.path.join(d, n)) or d, exist_ok=True)
            open(os.path.join(d, n), "wb").write(data)
        subprocess.run(["7z", "a", "-bd", "-mtm=off", "-mtc=off", "-mta=off", "seed.7z", "a.txt", "dir"],
                       cwd=d, check=True, stdout=subprocess.DEVNULL)
        put("seed.7z", open(os.path.join(d, "seed.7z"), "rb").read())
