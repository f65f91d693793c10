#!/usr/bin/env python3
"""carve_data_samples.py OUTDIR -- write the generated samples the
carve-data unit tests carve: SQLite databases of several page sizes (one
auto-vacuum, one with a freelist and overflow chains), WAL files with
uncheckpointed frames, hot rollback journals, ZIPs (stored, deflated,
data descriptors, zip64, an OOXML and an ODF package), PDFs (classic xref,
xref stream with an object stream, an incremental update) and chat logs.

Deterministic content (seeded); SQLite's own salts and nonces are random,
which the tests do not depend on.  Every file name says what it is:
  db-*.sqlite  wal-*.sqlite-wal  journal-*.sqlite-journal  zip-*.<ext>
  pdf-*.pdf  chat-*.log
"""
import io
import os
import random
import shutil
import sqlite3
import sys
import zipfile
import zlib

OUT = sys.argv[1]
rng = random.Random(4)


def text(n):
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
             "hotel", "india", "juliet", "kilo", "lima", "mike", "november"]
    return " ".join(rng.choice(words) for _ in range(n))


def fill(con, rows, big_every=0):
    con.execute("CREATE TABLE messages(id INTEGER PRIMARY KEY, sender TEXT, body TEXT, "
                "sent INTEGER, attachment BLOB)")
    con.execute("CREATE INDEX messages_sender ON messages(sender)")
    con.execute("CREATE TABLE contacts(name TEXT, phone TEXT)")
    for i in range(rows):
        blob = rng.randbytes(5000) if big_every and i % big_every == 0 else None
        con.execute("INSERT INTO messages(sender, body, sent, attachment) VALUES (?,?,?,?)",
                    ("user%d" % (i % 17), text(5 + i % 40), 1600000000 + i * 61, blob))
    for i in range(rows // 10):
        con.execute("INSERT INTO contacts VALUES (?,?)", ("name %d" % i, "+1555%07d" % i))


def database(name, page_size, rows, big_every=0, autovacuum=False, delete_some=False):
    path = os.path.join(OUT, name)
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size=%d" % page_size)
    if autovacuum:
        con.execute("PRAGMA auto_vacuum=FULL")
    fill(con, rows, big_every)
    con.commit()
    if delete_some:
        con.execute("DELETE FROM messages WHERE id % 3 = 0")
        con.commit()
    con.close()


def wal(name, page_size):
    """A database in WAL mode and a copy of its -wal with frames no
    checkpoint has taken, made while the connection holds it open."""
    path = os.path.join(OUT, "wal-src-" + name)
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size=%d" % page_size)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    fill(con, 50)
    con.commit()
    for i in range(5):
        con.execute("INSERT INTO contacts VALUES (?,?)", ("later %d" % i, text(30)))
        con.commit()
    shutil.copyfile(path + "-wal", os.path.join(OUT, "wal-%s.sqlite-wal" % name))
    con.close()
    for f in (path, path + "-wal", path + "-shm"):
        if os.path.exists(f):
            os.remove(f)


def wal_end(d):
    """Where a WAL's frames of its current log end (an independent reading
    of the format: salts equal to the header's, cumulative checksums)."""
    big = d[3] & 1
    order = "big" if big else "little"
    page = int.from_bytes(d[8:12], "big")

    def checksum(data, s0, s1):
        for i in range(0, len(data), 8):
            s0 = (s0 + int.from_bytes(data[i:i + 4], order) + s1) & 0xffffffff
            s1 = (s1 + int.from_bytes(data[i + 4:i + 8], order) + s0) & 0xffffffff
        return s0, s1
    s0, s1 = checksum(d[:24], 0, 0)
    at = 32
    while at + 24 + page <= len(d):
        h = d[at:at + 24]
        if h[8:16] != d[16:24]:
            break
        c = checksum(h[:8] + d[at + 24:at + 24 + page], s0, s1)
        if c != (int.from_bytes(h[16:20], "big"), int.from_bytes(h[20:24], "big")):
            break
        s0, s1 = c
        at += 24 + page
    return at


def wal_restarted(name):
    """A WAL that a checkpoint restarted: a short new log over the start of
    a longer old one, whose frames stay behind it.  Its .end file says
    where the new log ends."""
    path = os.path.join(OUT, "wal-src-" + name)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA page_size=1024")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    fill(con, 200)
    con.execute("PRAGMA wal_checkpoint(PASSIVE)")
    con.execute("INSERT INTO contacts VALUES ('after', 'the restart')")
    data = open(path + "-wal", "rb").read()
    con.close()
    with open(os.path.join(OUT, "wal-%s.sqlite-wal" % name), "wb") as f:
        f.write(data)
    with open(os.path.join(OUT, "wal-%s.sqlite-wal.end" % name), "w") as f:
        f.write("%d\n" % wal_end(data))
    for f in (path, path + "-wal", path + "-shm"):
        if os.path.exists(f):
            os.remove(f)


def journal_end(d):
    """Where a journal's last segment's records end (an independent reading
    of the format: headers at sector boundaries, nRec records each)."""
    magic = bytes.fromhex("d9d505f920a163d7")
    at, end = 0, 0
    while d[at:at + 8] == magic:
        nrec, _, _, sector, page = (int.from_bytes(d[at + i:at + i + 4], "big")
                                    for i in range(8, 28, 4))
        end = at + sector + nrec * (page + 8)
        at = (end + sector - 1) // sector * sector
    return end


def journal(name, page_size):
    """A hot journal: a copy of the -journal of a transaction that has
    spilled pages to the database file (a tiny cache forces the spill)."""
    path = os.path.join(OUT, "journal-src-" + name)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA page_size=%d" % page_size)
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("BEGIN")
    fill(con, 300)
    con.execute("COMMIT")
    con.execute("PRAGMA cache_size=2")
    con.execute("BEGIN")
    con.execute("UPDATE messages SET body = body || ' edited'")
    data = open(path + "-journal", "rb").read()
    # SQLite leaves zeros after the last segment's records; no carver can
    # tell them from free space, so the sample ends where its records do.
    with open(os.path.join(OUT, "journal-%s.sqlite-journal" % name), "wb") as f:
        f.write(data[:journal_end(data)])
    con.execute("ROLLBACK")
    con.close()
    os.remove(path)


def zips():
    entries = [("readme.txt", (text(300) + "\n").encode()),
               ("data/random.bin", rng.randbytes(20000)),
               ("data/notes.txt", (text(2000) + "\n").encode()),
               ("empty.txt", b"")]
    with zipfile.ZipFile(os.path.join(OUT, "zip-deflated.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in entries:
            z.writestr(zipfile.ZipInfo(n, (2020, 1, 2, 3, 4, 6)), d, zipfile.ZIP_DEFLATED)
        z.comment = b"an archive comment"
    with zipfile.ZipFile(os.path.join(OUT, "zip-stored.zip"), "w", zipfile.ZIP_STORED) as z:
        for n, d in entries:
            z.writestr(zipfile.ZipInfo(n, (2020, 1, 2, 3, 4, 6)), d)
    # Written to a stream that cannot seek: every entry gets a data descriptor.
    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.buf = bytearray()
        def writable(self):
            return True
        def write(self, b):
            self.buf += b
            return len(b)
    for method, tag in ((zipfile.ZIP_DEFLATED, "deflated"), (zipfile.ZIP_STORED, "stored")):
        sink = Unseekable()
        with zipfile.ZipFile(sink, "w", method) as z:
            for n, d in entries:
                info = zipfile.ZipInfo(n, (2020, 1, 2, 3, 4, 6))
                info.compress_type = method
                with z.open(info, "w") as f:
                    f.write(d)
        with open(os.path.join(OUT, "zip-descriptor-%s.zip" % tag), "wb") as f:
            f.write(bytes(sink.buf))
    with zipfile.ZipFile(os.path.join(OUT, "zip-zip64.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in entries:
            info = zipfile.ZipInfo(n, (2020, 1, 2, 3, 4, 6))
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w", force_zip64=True) as f:
                f.write(d)
    # More entries than the end record can count: zip64 end record and locator.
    with zipfile.ZipFile(os.path.join(OUT, "zip-many.zip"), "w", zipfile.ZIP_STORED) as z:
        for i in range(65600):
            z.writestr(zipfile.ZipInfo("%05d" % i, (2020, 1, 2, 3, 4, 6)), b"")
    # An OOXML word document and an ODF text document, minimal but whole.
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    with zipfile.ZipFile(os.path.join(OUT, "zip-word.docx"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr("word/document.xml", "<w:document>%s</w:document>" % text(400))
    with zipfile.ZipFile(os.path.join(OUT, "zip-text.odt"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content>%s</office:document-content>" % text(400))
        z.writestr("META-INF/manifest.xml", "<manifest:manifest/>")


def pdf_objects(pages):
    """The objects of a small PDF with one text page per entry of pages."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    kids = " ".join("%d 0 R" % (3 + 2 * i) for i in range(len(pages)))
    objs[2] = ("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))).encode()
    for i, words in enumerate(pages):
        content = ("BT /F1 12 Tf 72 720 Td (%s) Tj ET" % words).encode()
        stream = zlib.compress(content * 20)
        objs[3 + 2 * i] = ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R >>"
                           % (4 + 2 * i)).encode()
        objs[4 + 2 * i] = (b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
                           + stream + b"\nendstream")
    return objs


def write_classic(objs, prev_size=0, base=b"", prev=None):
    out = bytearray(base)
    if not base:
        out += b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    size = max(list(objs) + [prev_size - 1]) + 1
    if not base:
        out += b"xref\n0 %d\n0000000000 65535 f\r\n" % size
        for num in range(1, size):
            out += b"%010d 00000 n\r\n" % offsets[num]
    else:
        out += b"xref\n0 1\n0000000000 65535 f\r\n"
        for num in sorted(objs):
            out += b"%d 1\n%010d 00000 n\r\n" % (num, offsets[num])
    trailer = b"<< /Size %d /Root 1 0 R" % size
    if prev is not None:
        trailer += b" /Prev %d" % prev
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out), xref


def pdfs():
    objs = pdf_objects([text(8) for _ in range(3)])
    data, xref = write_classic(objs)
    open(os.path.join(OUT, "pdf-classic.pdf"), "wb").write(data)
    # An incremental update: page 1's contents replaced, a new xref section.
    content = b"BT /F1 12 Tf 72 720 Td (updated) Tj ET"
    update = {4: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"}
    data2, _ = write_classic(update, prev_size=len(objs) + 1, base=data, prev=xref)
    open(os.path.join(OUT, "pdf-incremental.pdf"), "wb").write(data2)
    # PDF 1.5: objects 3.. in an object stream, a cross-reference stream.
    objs = pdf_objects([text(8) for _ in range(4)])
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    packed = [n for n in sorted(objs) if n % 2 == 1 and n > 2]  # the page dictionaries
    for num in sorted(objs):
        if num in packed:
            continue
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    objstm = max(objs) + 1
    head, body = b"", b""
    for num in packed:
        head += b"%d %d " % (num, len(body))
        body += objs[num] + b"\n"
    stm = zlib.compress(head + body)
    offsets[objstm] = len(out)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
            % (objstm, len(packed), len(head), len(stm)) + stm + b"\nendstream\nendobj\n")
    xref_num = objstm + 1
    offsets[xref_num] = len(out)
    size = xref_num + 1
    rows = b""
    prev_row = bytes(5)
    for num in range(size):
        if num == 0:
            row = bytes([0, 0, 0, 0, 255])
        elif num in packed:
            row = bytes([2]) + objstm.to_bytes(3, "big") + bytes([packed.index(num)])
        else:
            row = bytes([1]) + offsets[num].to_bytes(3, "big") + bytes([0])
        # PNG "Up" predictor, as most writers use.
        rows += bytes([2]) + bytes((a - b) & 255 for a, b in zip(row, prev_row))
        prev_row = row
    xs = zlib.compress(rows)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 3 1] /Root 1 0 R /Filter /FlateDecode "
            b"/DecodeParms << /Columns 5 /Predictor 12 >> /Length %d >>\nstream\n"
            % (xref_num, size, len(xs)) + xs + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_num]
    open(os.path.join(OUT, "pdf-xrefstream.pdf"), "wb").write(bytes(out))


def chats():
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    lines = ["**** BEGIN LOGGING AT Mon Dec 31 21:11:55 2018", ""]
    for i in range(400):
        lines.append("%s %02d %02d:%02d:%02d <nick%d>\t%s" % (months[i % 12], 1 + i % 28, i % 24,
                                                            i % 60, (i * 7) % 60, i % 5, text(12)))
    lines += ["**** ENDING LOGGING AT Tue Jan  1 02:00:00 2019", ""]
    open(os.path.join(OUT, "chat-xchat.log"), "w").write("\n".join(lines) + "\n")
    lines = ["", "Session Start: Mon Dec 31 21:11:55 2018", "Session Ident: #forensics"]
    for i in range(300):
        lines.append("[%02d:%02d] <nick%d> %s" % (i % 24, i % 60, i % 4, text(10)))
    lines.append("Session Close: Tue Jan 01 02:00:00 2019")
    open(os.path.join(OUT, "chat-mirc.log"), "w", newline="\r\n").write("\n".join(lines) + "\n")
    lines = ["--- Log opened Mon Dec 31 21:11:55 2018"]
    for i in range(300):
        lines.append("%02d:%02d <nick%d> %s" % (i % 24, i % 60, i % 4, text(10)))
    lines.append("--- Log closed Tue Jan 01 02:00:00 2019")
    open(os.path.join(OUT, "chat-irssi.log"), "w").write("\n".join(lines) + "\n")


os.makedirs(OUT, exist_ok=True)
for ps in (512, 1024, 4096, 65536):
    database("db-page%d.sqlite" % ps, ps, 300 if ps < 65536 else 2000, big_every=37)
database("db-autovacuum.sqlite", 1024, 400, big_every=11, autovacuum=True)
database("db-freelist.sqlite", 4096, 2000, big_every=13, delete_some=True)
for ps in (1024, 4096):
    wal("page%d" % ps, ps)
wal_restarted("restarted")
for ps in (1024, 4096):
    journal("page%d" % ps, ps)
zips()
pdfs()
chats()
