#!/usr/bin/env python3
"""carve_image.py -- the carving benchmark image and its ground truth.

Usage: carve_image.py OUTDIR [--size BYTES] [--corpus DIR] [--jobs N]

Writes into OUTDIR (created; nothing else is touched):
  carve.raw         the image: no partition table, no file system, so every
                    byte is "unallocated" and every carver sees the same thing
  carve.truth.json  the ground truth: every original and decoy, where its bytes
                    lie in the image (fragments), its SHA-256 and size, and the
                    items embedded in the originals (EXIF thumbnails)
  carve.truth.tsv   the same, one line per item, for people and awk
  carve.summary     one line: originals, contiguous, fragmented, decoys, bytes

What is in the image (everything seeded: two runs give the same bytes, which
`--check` verifies by building the originals twice and comparing):
  * a few hundred real originals made here: JPEG (baseline and progressive,
    several sizes, some with an EXIF thumbnail), PNG, GIF (still and
    animated), MP4 (moov at the end, and faststart), MOV, AVI, MKV, WebM,
    FLV (ffmpeg with -bitexact, -map_metadata -1, one thread per encoder and
    filter; ffmpeg 5.1's "gradients" source is left out: it is not
    reproducible even with a seed),
    SQLite databases (page sizes 512 to 65536, tables of text rows, some
    rows deleted); plus, when --corpus is given, the media samples of the
    shared corpus;
  * placed on 4096-byte clusters (most) or 512-byte sectors, as a file system
    would: about 70 % contiguous, about 30 % in two fragments split at a
    cluster (sector) boundary, the gap between them random bytes or another
    original;
  * decoys: truncated files (a header and part of the body), random bytes
    behind a real magic number and a plausible header, and JPEG headers
    followed directly by another (original) JPEG (nested SOI);
  * between them filler: random bytes, zeros, 0xFF runs, text (logs, HTML,
    JSON), sparse sectors; file slack is random or zero.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import shutil
import sqlite3
import struct
import subprocess
import sys
import zlib

SEED = 20240417
IMAGE_BYTES = 1 << 30
SECTOR = 512
CLUSTER = 4096
FRAGMENTED_SHARE = 0.30
SECTOR_ALIGNED_SHARE = 0.20      # items on 512-byte sectors rather than clusters

EXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
         "-map_metadata", "-1", "-threads", "1", "-filter_threads", "1"]

# The corpus media samples used when present (relative to the corpus root).
CORPUS_MEDIA = [
    ("filetype/sample.jpg", "jpg"), ("filetype/sample.png", "png"),
    ("filetype/sample.gif", "gif"), ("filetype/sample.mp4", "mp4"),
    ("filetype/sample.mov", "mov"), ("filetype/sample.mkv", "mkv"),
    ("filetype/sample.webm", "webm"), ("iped/test_horseGif.gif", "gif"),
    ("iped/test_videoFlv.flv", "flv"), ("iped/test_videoMp4.mp4", "mp4"),
    ("iped/test_skypeMain.db", "sqlite"), ("iped/test_skypeS4lStreeguil1.db", "sqlite"),
]


# ---------------------------------------------------------------- originals

def ffmpeg(args, out):
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y"] + args + EXACT + [out]
    subprocess.run(cmd, check=True)


def video_source(rng, w, h, rate, dur):
    """A lavfi video source: some compress well (test patterns), some do not."""
    seed = rng.randrange(1 << 30)
    kind = rng.choice(["testsrc2", "testsrc2_noise", "life", "cellauto", "sierpinski", "mandel"])
    if kind == "testsrc2":
        return f"testsrc2=s={w}x{h}:r={rate}:d={dur}"
    if kind == "testsrc2_noise":
        return f"testsrc2=s={w}x{h}:r={rate}:d={dur},noise=alls={rng.randint(8, 40)}:allf=t+u:all_seed={seed}"
    if kind == "life":
        return (f"life=s={w // 4}x{h // 4}:r={rate}:seed={seed}:ratio=0.{rng.randint(1, 6)}:mold={rng.randint(0, 40)},"
                f"scale={w}x{h}:flags=neighbor,trim=duration={dur}")
    if kind == "cellauto":
        return f"cellauto=s={w}x{h}:r={rate}:rule={rng.choice([18, 30, 90, 110, 150])}:seed={seed},trim=duration={dur}"
    if kind == "sierpinski":
        return (f"sierpinski=s={w}x{h}:r={rate}:seed={seed}:type={rng.choice(['carpet', 'triangle'])},"
                f"trim=duration={dur},noise=alls={rng.randint(4, 20)}:allf=t:all_seed={seed}")
    return f"mandelbrot=s={w}x{h}:r={rate}:maxiter={rng.randint(50, 300)},trim=duration={dur}"


def still_source(rng, w, h):
    """A lavfi source of one frame (finite: palettegen waits for the end)."""
    return _still_source(rng, w, h) + ",trim=end_frame=1"


def _still_source(rng, w, h):
    seed = rng.randrange(1 << 30)
    kind = rng.choice(["testsrc2", "noise", "noise", "mandelbrot", "cellauto", "smpte"])
    if kind == "testsrc2":
        return f"testsrc2=s={w}x{h}:r=1"
    if kind == "noise":
        return f"testsrc2=s={w}x{h}:r=1,noise=alls={rng.randint(10, 60)}:allf=u:all_seed={seed}"
    if kind == "mandelbrot":
        return (f"mandelbrot=s={w}x{h}:r=1:maxiter={rng.randint(40, 400)}:start_scale={rng.uniform(0.05, 3):.4f}:"
                f"start_x={rng.uniform(-1.5, 0.3):.5f}:start_y={rng.uniform(-0.8, 0.8):.5f},"
                f"noise=alls={rng.randint(2, 25)}:allf=u:all_seed={seed}")
    if kind == "cellauto":
        return f"cellauto=s={w}x{h}:r=1:rule={rng.choice([30, 90, 110])}:seed={seed}"
    return f"smptehdbars=s={w}x{h}:r=1,noise=alls={rng.randint(5, 30)}:allf=u:all_seed={seed}"


def audio_source(rng, dur):
    return f"sine=frequency={rng.randint(110, 1760)}:sample_rate={rng.choice([22050, 44100, 48000])}:d={dur}"


def exif_app1(rng, thumb):
    """An APP1 Exif segment (little-endian TIFF): IFD0 with make, model, date
    and orientation, and IFD1 carrying THUMB as JPEGInterchangeFormat."""
    make = rng.choice([b"Canon", b"NIKON CORPORATION", b"Apple", b"samsung", b"SONY"]) + b"\0"
    model = b"Model %d\0" % rng.randint(100, 999)
    date = b"20%02d:%02d:%02d %02d:%02d:%02d\0" % (rng.randint(10, 24), rng.randint(1, 12), rng.randint(1, 28),
                                                    rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
    ifd0_entries = 4
    ifd0_size = 2 + 12 * ifd0_entries + 4
    data_off = 8 + ifd0_size
    make_off = data_off
    model_off = make_off + len(make)
    date_off = model_off + len(model)
    ifd1_off = date_off + len(date)
    ifd1_off += ifd1_off & 1
    ifd1_size = 2 + 12 * 3 + 4
    thumb_off = ifd1_off + ifd1_size
    t = bytearray(b"II*\0" + struct.pack("<I", 8))
    t += struct.pack("<H", ifd0_entries)
    t += struct.pack("<HHII", 0x010F, 2, len(make), make_off)
    t += struct.pack("<HHII", 0x0110, 2, len(model), model_off)
    t += struct.pack("<HHHHI", 0x0112, 3, 1, rng.choice([1, 1, 6, 8]), 0)
    t += struct.pack("<HHII", 0x0132, 2, len(date), date_off)
    t += struct.pack("<I", ifd1_off)
    t += make + model + date
    t += b"\0" * (ifd1_off - len(t))
    t += struct.pack("<H", 3)
    t += struct.pack("<HHHHI", 0x0103, 3, 1, 6, 0)
    t += struct.pack("<HHII", 0x0201, 4, 1, thumb_off)
    t += struct.pack("<HHII", 0x0202, 4, 1, len(thumb))
    t += struct.pack("<I", 0)
    assert len(t) == thumb_off
    t += thumb
    body = b"Exif\0\0" + bytes(t)
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def strip_app0(jpeg):
    """ffmpeg writes SOI, APP0 (JFIF), ...; a camera writes SOI, APP1 (Exif)."""
    assert jpeg[:4] == b"\xff\xd8\xff\xe0"
    n = struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:2], jpeg[4 + n:]


def make_jpeg(spec, tmp):
    rng = random.Random(spec["seed"])
    w, h = spec["w"], spec["h"]
    src = still_source(rng, w, h)
    base = os.path.join(tmp, spec["name"] + ".base.jpg")
    pix = rng.choice(["yuvj420p", "yuvj420p", "yuvj422p", "yuvj444p"])
    ffmpeg(["-f", "lavfi", "-i", src, "-frames:v", "1", "-q:v", str(rng.randint(2, 8)), "-pix_fmt", pix], base)
    out = os.path.join(tmp, spec["name"])
    if spec["variant"].startswith("progressive"):
        with open(out, "wb") as f:
            subprocess.run(["jpegtran", "-progressive", "-copy", "none", base], stdout=f, check=True)
    else:
        shutil.copyfile(base, out)
    if spec["variant"].endswith("exif"):
        thumb = os.path.join(tmp, spec["name"] + ".thumb.jpg")
        ffmpeg(["-f", "lavfi", "-i", src, "-frames:v", "1", "-vf", "scale=160:-2", "-q:v", "5",
                "-pix_fmt", "yuvj420p"], thumb)
        with open(thumb, "rb") as f:
            t = f.read()
        with open(out, "rb") as f:
            soi, rest = strip_app0(f.read())
        with open(out, "wb") as f:
            f.write(soi + exif_app1(rng, t) + rest)
        os.unlink(thumb)
    os.unlink(base)
    return out


def make_png(spec, tmp):
    rng = random.Random(spec["seed"])
    out = os.path.join(tmp, spec["name"])
    pix = rng.choice(["rgb24", "rgb24", "rgba", "gray", "rgb48be", "pal8"])
    src = still_source(rng, spec["w"], spec["h"])
    vf = ["-vf", "split[a][b];[a]palettegen[p];[b][p]paletteuse"] if pix == "pal8" else ["-pix_fmt", pix]
    ffmpeg(["-f", "lavfi", "-i", src, "-frames:v", "1"] + vf + ["-compression_level", str(rng.randint(1, 9))], out)
    return out


def make_gif(spec, tmp):
    rng = random.Random(spec["seed"])
    out = os.path.join(tmp, spec["name"])
    if spec["variant"] == "animated":
        dur = rng.randint(1, 4)
        src = video_source(rng, spec["w"], spec["h"], rng.choice([5, 8, 10]), dur)
        ffmpeg(["-f", "lavfi", "-i", src, "-vf", "split[a][b];[a]palettegen[p];[b][p]paletteuse"], out)
    else:
        src = still_source(rng, spec["w"], spec["h"])
        ffmpeg(["-f", "lavfi", "-i", src, "-frames:v", "1",
                "-vf", "split[a][b];[a]palettegen[p];[b][p]paletteuse"], out)
    return out


VIDEO_CODECS = {
    "mp4": [(["-c:v", "libx264", "-preset", "ultrafast"], ["-c:a", "aac"], ["-f", "mp4"])],
    "mov": [(["-c:v", "mpeg4"], ["-c:a", "pcm_s16le"], ["-f", "mov"]),
            (["-c:v", "libx264", "-preset", "ultrafast"], ["-c:a", "aac"], ["-f", "mov"])],
    "avi": [(["-c:v", "mpeg4"], ["-c:a", "libmp3lame"], ["-f", "avi"]),
            (["-c:v", "libx264", "-preset", "ultrafast"], ["-c:a", "pcm_s16le"], ["-f", "avi"])],
    "mkv": [(["-c:v", "libx264", "-preset", "ultrafast"], ["-c:a", "libvorbis"], ["-f", "matroska"]),
            (["-c:v", "mpeg4"], ["-c:a", "libmp3lame"], ["-f", "matroska"])],
    "webm": [(["-c:v", "libvpx", "-deadline", "good", "-cpu-used", "5"], ["-c:a", "libvorbis"], ["-f", "webm"])],
    "flv": [(["-c:v", "flv"], ["-c:a", "libmp3lame"], ["-f", "flv"]),
            (["-c:v", "libx264", "-preset", "ultrafast"], ["-c:a", "aac"], ["-f", "flv"])],
}


def make_video(spec, tmp):
    rng = random.Random(spec["seed"])
    out = os.path.join(tmp, spec["name"])
    t = spec["type"]
    vcodec, acodec, fmt = rng.choice(VIDEO_CODECS[t])
    dur = spec["dur"]
    rate = rng.choice([15, 24, 25, 30])
    src = video_source(rng, spec["w"], spec["h"], rate, dur)
    # a bit rate rather than a quality, so that noisy sources stay a few MB
    q = ["-b:v", "%dk" % int(rng.lognormvariate(7.6, 0.6))]
    args = ["-f", "lavfi", "-i", src]
    if rng.random() < 0.85:
        args += ["-f", "lavfi", "-i", audio_source(rng, dur)] + acodec
    else:
        args += ["-an"]
    args += vcodec + q + ["-pix_fmt", "yuv420p", "-t", str(dur)]
    if spec["variant"] == "faststart":
        args += ["-movflags", "+faststart"]
    ffmpeg(args + fmt, out)
    return out


def make_sqlite(spec, tmp):
    rng = random.Random(spec["seed"])
    out = os.path.join(tmp, spec["name"])
    if os.path.exists(out):
        os.unlink(out)
    words = ["the", "a", "meet", "tomorrow", "ok", "call", "me", "later", "photo", "sent", "where",
             "are", "you", "at", "home", "work", "see", "soon", "thanks", "love", "bring", "money",
             "car", "station", "train", "late", "sorry", "yes", "no", "maybe", "new", "number"]
    db = sqlite3.connect(out, isolation_level=None)
    db.execute("PRAGMA page_size=%d" % spec["page_size"])
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("PRAGMA auto_vacuum=NONE")
    db.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, phone TEXT)")
    db.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, contact INTEGER REFERENCES contacts(id), "
               "sent INTEGER, direction INTEGER, body TEXT)")
    db.execute("CREATE INDEX messages_sent ON messages(sent)")
    db.execute("BEGIN")
    nc = rng.randint(5, 60)
    for i in range(nc):
        db.execute("INSERT INTO contacts VALUES (?, ?, ?)",
                   (i + 1, "%s %s" % (rng.choice(words).title(), rng.choice(words).title()),
                    "+%d" % rng.randrange(10 ** 10, 10 ** 11)))
    t = 1500000000 + rng.randrange(10 ** 8)
    for i in range(spec["rows"]):
        t += rng.randint(1, 4000)
        body = " ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
        db.execute("INSERT INTO messages VALUES (?, ?, ?, ?, ?)",
                   (i + 1, rng.randint(1, nc), t, rng.randint(0, 1), body))
    db.execute("COMMIT")
    if rng.random() < 0.5:
        db.execute("DELETE FROM messages WHERE id %% %d = 0" % rng.randint(3, 9))
    db.close()
    return out


MAKERS = {"jpg": make_jpeg, "png": make_png, "gif": make_gif, "sqlite": make_sqlite,
          "mp4": make_video, "mov": make_video, "avi": make_video, "mkv": make_video,
          "webm": make_video, "flv": make_video}
EXT = {"jpg": "jpg", "png": "png", "gif": "gif", "sqlite": "sqlite", "mp4": "mp4", "mov": "mov",
       "avi": "avi", "mkv": "mkv", "webm": "webm", "flv": "flv"}


def plan_originals(rng, prefix, counts):
    """The specs of the files to make: type, variant, size parameters, seed."""
    specs = []
    sizes = [(320, 240), (480, 360), (640, 480), (800, 600), (1024, 768), (1280, 960),
             (1600, 1200), (2048, 1536), (2592, 1944), (3264, 2448)]
    vsizes = [(320, 240), (480, 270), (640, 360), (640, 480), (854, 480), (1280, 720)]
    n = 0

    def add(t, variant, **kw):
        nonlocal n
        n += 1
        name = "%s%04d_%s%s.%s" % (prefix, n, t, "_" + variant if variant else "", EXT[t])
        specs.append(dict(name=name, type=t, variant=variant, seed=rng.randrange(1 << 40), **kw))

    for _ in range(counts["jpg"]):
        w, h = rng.choice(sizes)
        variant = rng.choice(["baseline", "baseline", "baseline_exif", "progressive", "progressive_exif"])
        add("jpg", variant, w=w, h=h)
    for _ in range(counts["png"]):
        w, h = rng.choice(sizes[:8])
        add("png", "", w=w, h=h)
    for _ in range(counts["gif"]):
        w, h = rng.choice([(100, 100), (160, 120), (240, 180), (320, 240), (480, 360)])
        add("gif", rng.choice(["still", "animated", "animated"]), w=w, h=h)
    for t in ("mp4", "mov", "avi", "mkv", "webm", "flv"):
        for _ in range(counts[t]):
            w, h = rng.choice(vsizes[:4] if t == "webm" else vsizes)
            variant = rng.choice(["faststart", "moov_end"]) if t in ("mp4", "mov") else ""
            add(t, variant, w=w, h=h, dur=rng.randint(2, 10 if t != "webm" else 5))
    for _ in range(counts["sqlite"]):
        ps = rng.choice([512, 1024, 2048, 4096, 4096, 8192, 16384, 32768, 65536])
        add("sqlite", "page%d" % ps, page_size=ps, rows=int(rng.lognormvariate(7.5, 1.1)) + 20)
    return specs


def build_files(specs, tmp, jobs):
    """Make every spec (in parallel, each with its own seed, so the order of
    completion does not matter); return {name: bytes}."""
    os.makedirs(tmp, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        paths = list(ex.map(lambda s: MAKERS[s["type"]](s, tmp), specs))
    out = {}
    for s, p in zip(specs, paths):
        with open(p, "rb") as f:
            out[s["name"]] = f.read()
        os.unlink(p)
    return out


def exif_thumbnail(data):
    """(offset, length) of the EXIF thumbnail of a JPEG, or None."""
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker in (0xDA, 0xD9):
            return None
        n = struct.unpack(">H", data[i + 2:i + 4])[0]
        seg = data[i + 4:i + 2 + n]
        if marker == 0xE1 and seg[:6] == b"Exif\0\0":
            tiff = seg[6:]
            base = i + 4 + 6
            end = "<" if tiff[:2] == b"II" else ">"
            try:
                ifd0 = struct.unpack(end + "I", tiff[4:8])[0]
                cnt = struct.unpack(end + "H", tiff[ifd0:ifd0 + 2])[0]
                ifd1 = struct.unpack(end + "I", tiff[ifd0 + 2 + 12 * cnt:ifd0 + 6 + 12 * cnt])[0]
                if ifd1 == 0:
                    return None
                cnt = struct.unpack(end + "H", tiff[ifd1:ifd1 + 2])[0]
                off = ln = None
                for k in range(cnt):
                    e = tiff[ifd1 + 2 + 12 * k:ifd1 + 14 + 12 * k]
                    tag = struct.unpack(end + "H", e[:2])[0]
                    if tag == 0x0201:
                        off = struct.unpack(end + "I", e[8:12])[0]
                    elif tag == 0x0202:
                        ln = struct.unpack(end + "I", e[8:12])[0]
                if off and ln and off + ln <= len(tiff) and tiff[off:off + 2] == b"\xff\xd8":
                    return base + off, ln
            except struct.error:
                return None
            return None
        i += 2 + n
    return None


# ---------------------------------------------------------------- decoys

def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def magic_header(rng, t):
    """A plausible header of type T, which random bytes will follow."""
    if t == "jpg":
        return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
                b"\xff\xdb\x00\x43\x00" + bytes(rng.randint(1, 40) for _ in range(64)))
    if t == "png":
        return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", rng.randint(16, 2000),
                                                                     rng.randint(16, 2000), 8, 2, 0, 0, 0))
    if t == "gif":
        return b"GIF89a" + struct.pack("<HHBBB", rng.randint(16, 800), rng.randint(16, 600), 0xF7, 0, 0)
    if t in ("mp4", "mov"):
        brand = b"isom" if t == "mp4" else b"qt  "
        return struct.pack(">I4s4sI", 24, b"ftyp", brand, 0x200) + brand + b"mp41"
    if t == "avi":
        return b"RIFF" + struct.pack("<I", rng.randint(1 << 20, 1 << 26)) + b"AVI LIST" + struct.pack("<I", 4000) + b"hdrlavih"
    if t in ("mkv", "webm"):
        doc = b"matroska" if t == "mkv" else b"webm"
        body = (b"\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
                + b"\x42\x82" + bytes([0x80 | len(doc)]) + doc + b"\x42\x87\x81\x04\x42\x85\x81\x02")
        return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body + b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"
    if t == "flv":
        return b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00"
    if t == "sqlite":
        ps = rng.choice([1024, 4096])
        h = bytearray(100)
        h[:16] = b"SQLite format 3\0"
        struct.pack_into(">HBBBBBB", h, 16, ps, 1, 1, 0, 64, 32, 32)
        struct.pack_into(">II", h, 24, 3, rng.randint(2, 4000))
        struct.pack_into(">I", h, 44, 4)
        struct.pack_into(">I", h, 56, 1)
        struct.pack_into(">II", h, 92, 3, 3040001)
        return bytes(h)
    raise ValueError(t)


# ---------------------------------------------------------------- filler

def text_noise(rng, n):
    words = ["GET", "POST", "/index.html", "200", "404", "Mozilla/5.0", "session", "user", "login",
             "error", "warning", "kernel:", "usb", "eth0", "<div>", "</div>", "<p>", "class=\"x\"",
             "{\"id\":", "\"name\":", "true", "false", "null", "2023-11-04T10:22:01Z", "INFO", "DEBUG",
             "connection", "closed", "timeout", "retry", "cache", "hit", "miss", "ok"]
    out = []
    size = 0
    while size < n:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 16))) + "\n"
        out.append(line)
        size += len(line)
    return "".join(out).encode()[:n]


def filler(rng, n):
    """N bytes (a multiple of 512) of what unallocated space holds."""
    parts = []
    left = n
    while left > 0:
        k = min(left, SECTOR * rng.randint(1, 4096))
        kind = rng.choices(["random", "zero", "ff", "text", "sparse"], [45, 30, 5, 12, 8])[0]
        if kind == "random":
            parts.append(rng.randbytes(k))
        elif kind == "zero":
            parts.append(bytes(k))
        elif kind == "ff":
            parts.append(b"\xff" * k)
        elif kind == "text":
            parts.append(text_noise(rng, k))
        else:
            b = bytearray(k)
            for s in range(0, k, SECTOR):
                if rng.random() < 0.2:
                    b[s:s + SECTOR] = rng.randbytes(SECTOR)
            parts.append(bytes(b))
        left -= k
    return b"".join(parts)


# ---------------------------------------------------------------- layout

class Image:
    """Writes the image front to back and records where things went."""

    def __init__(self, path, rng):
        self.f = open(path, "wb")
        self.pos = 0
        self.rng = rng

    def write(self, data):
        self.f.write(data)
        at = self.pos
        self.pos += len(data)
        return at

    def slack(self):
        """The rest of the last sector: random or zeros, as a file system leaves it."""
        n = -self.pos % SECTOR
        if n:
            self.write(self.rng.randbytes(n) if self.rng.random() < 0.5 else bytes(n))

    def align(self, unit):
        self.slack()
        n = -self.pos % unit
        if n:
            self.write(filler(self.rng, n))

    def close(self):
        self.f.close()


def lay_out(path, originals, decoys, rng, size):
    """Write the image: originals (dict name -> record with 'data') and decoys
    in a seeded order with filler between them; fill in each record's
    'fragments' [[image offset, length], ...]."""
    names = sorted(originals)
    rng.shuffle(names)
    # who is fragmented, and what fills each gap
    units = {}
    for i, nm in enumerate(names):
        units[nm] = SECTOR if (rng.random() < SECTOR_ALIGNED_SHARE or i == 1) else CLUSTER
    nested = {d["name"]: d for d in decoys if d["decoy"] == "nested_soi"}
    nested_targets = set(d["nests"] for d in nested.values())
    want = int(round(FRAGMENTED_SHARE * len(names)))
    candidates = [nm for nm in names if len(originals[nm]["data"]) >= 2 * units[nm] and nm not in nested_targets]
    fragmented = set(rng.sample(candidates, min(want, len(candidates))))
    gap_files = {}
    pool = [nm for nm in names if nm not in fragmented and nm not in nested_targets]
    rng.shuffle(pool)
    for nm in sorted(fragmented):
        if pool and rng.random() < 0.4:
            gap_files[nm] = pool.pop()
    in_gap = set(gap_files.values())
    slots = [("orig", nm) for nm in names if nm not in in_gap and nm not in nested_targets]
    slots += [("decoy", d["name"]) for d in decoys]
    rng.shuffle(slots)
    # keep an item on 512-byte sectors among the first few, so that a carver
    # that guesses the block size from the first headers sees sectors
    first = next(i for i, s in enumerate(slots) if s[0] == "orig" and units[s[1]] == SECTOR)
    slots.insert(0, slots.pop(first))
    dmap = {d["name"]: d for d in decoys}

    content = sum(len(r["data"]) for r in originals.values()) + sum(len(d["data"]) for d in decoys)
    gaps = {nm: (None if nm in gap_files else rng.randint(1, 64) * units[nm]) for nm in sorted(fragmented)}
    content += sum(g for g in gaps.values() if g)
    free = size - content - len(slots) * (CLUSTER + SECTOR) - (16 << 20)
    if free < 0:
        raise SystemExit("carve_image: the files do not fit in %d bytes" % size)
    weights = [rng.expovariate(1.0) for _ in slots]
    scale = free / sum(weights)
    fills = [int(w * scale) // SECTOR * SECTOR for w in weights]

    img = Image(path, rng)
    img.write(filler(rng, 1 << 20))

    def place_original(nm):
        rec = originals[nm]
        data = rec["data"]
        unit = units[nm]
        img.align(unit)
        if nm not in fragmented:
            rec["fragments"] = [[img.write(data), len(data)]]
            rec["unit"] = unit
            img.slack()
            return
        split = unit * rng.randint(1, (len(data) - 1) // unit)
        a = img.write(data[:split])
        if nm in gap_files:
            rec["gap"] = "file:" + gap_files[nm]
            place_original(gap_files[nm])
            img.align(unit)
        else:
            rec["gap"] = "random"
            img.write(rng.randbytes(gaps[nm]))
        b = img.write(data[split:])
        rec["fragments"] = [[a, split], [b, len(data) - split]]
        rec["unit"] = unit
        img.slack()

    for (kind, nm), fill in zip(slots, fills):
        img.align(SECTOR)
        img.write(filler(rng, fill))
        if kind == "orig":
            place_original(nm)
            continue
        d = dmap[nm]
        unit = CLUSTER if rng.random() < 0.8 else SECTOR
        img.align(unit)
        d["fragments"] = [[img.write(d["data"]), len(d["data"])]]
        if d["decoy"] == "nested_soi":
            inner = originals[d["nests"]]          # right behind the header, sector-aligned
            inner["fragments"] = [[img.write(inner["data"]), len(inner["data"])]]
            inner["unit"] = SECTOR
            inner["after"] = "nested_soi:" + nm
        img.slack()
    if img.pos > size:
        raise SystemExit("carve_image: layout overflow (%d > %d)" % (img.pos, size))
    img.align(SECTOR)
    img.write(filler(rng, size - img.pos))
    img.close()


# ---------------------------------------------------------------- main

def sha256(b):
    return hashlib.sha256(b).hexdigest()


def originals_and_decoys(args, tmp):
    rng = random.Random(SEED)
    counts = dict(jpg=120, png=45, gif=30, mp4=30, mov=16, avi=16, mkv=12, webm=12, flv=14, sqlite=32)
    specs = plan_originals(rng, "", counts)
    dcounts = dict(jpg=10, png=3, gif=3, mp4=3, mov=2, avi=2, mkv=2, webm=2, flv=2, sqlite=3)
    dspecs = plan_originals(rng, "decoysrc_", dcounts)
    files = build_files(specs + dspecs, tmp, args.jobs)
    originals = {}
    seen = set()
    for s in specs:
        data = files[s["name"]]
        h = sha256(data)
        if h in seen:
            continue
        seen.add(h)
        originals[s["name"]] = dict(name=s["name"], type=s["type"], variant=s["variant"], data=data)
    if args.corpus:
        for rel, t in CORPUS_MEDIA:
            p = os.path.join(args.corpus, rel)
            if not os.path.isfile(p):
                continue
            with open(p, "rb") as f:
                data = f.read()
            if sha256(data) in seen:
                continue
            seen.add(sha256(data))
            nm = "corpus/" + rel
            originals[nm] = dict(name=nm, type=t, variant="corpus", data=data)
    # decoys
    drng = random.Random(SEED + 1)
    decoys = []
    sources = [s for s in dspecs]
    for i, s in enumerate(sources):
        data = files[s["name"]]
        for k in range(2 if s["type"] in ("jpg", "mp4", "sqlite") else 1):
            cut = int(len(data) * drng.uniform(0.1, 0.7))
            decoys.append(dict(name="decoy%03d_truncated_%s" % (len(decoys), s["type"]), type=s["type"],
                               decoy="truncated", data=data[:cut]))
    for t in ("jpg", "png", "gif", "mp4", "mov", "avi", "mkv", "webm", "flv", "sqlite"):
        for k in range(4 if t in ("jpg", "png", "mp4") else 3):
            body = drng.randbytes(int(drng.lognormvariate(10.5, 1.3)) + 512)
            decoys.append(dict(name="decoy%03d_magic_random_%s" % (len(decoys), t), type=t,
                               decoy="magic_random", data=magic_header(drng, t) + body))
    jpeg_sources = [files[s["name"]] for s in dspecs if s["type"] == "jpg"]
    plain = sorted(nm for nm, r in originals.items() if r["type"] == "jpg" and not nm.startswith("corpus/"))
    for k in range(8):
        src = jpeg_sources[k % len(jpeg_sources)]
        head = src[:SECTOR * drng.randint(2, max(2, min(32, len(src) // SECTOR - 1)))]
        target = plain[drng.randrange(len(plain))]
        while any(d.get("nests") == target for d in decoys):
            target = plain[drng.randrange(len(plain))]
        decoys.append(dict(name="decoy%03d_nested_soi_jpg" % len(decoys), type="jpg", decoy="nested_soi",
                           data=head, nests=target))
    for d in decoys:
        d["sha256"] = sha256(d["data"])
    return originals, decoys, rng


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--size", type=int, default=IMAGE_BYTES)
    ap.add_argument("--corpus", default=None)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--check", action="store_true",
                    help="only build the originals twice and compare (determinism check)")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    tmp = os.path.join(args.outdir, "tmp")
    if args.check:
        a, _, _ = originals_and_decoys(args, tmp)
        b, _, _ = originals_and_decoys(args, tmp)
        bad = [nm for nm in a if nm not in b or a[nm]["data"] != b[nm]["data"]]
        shutil.rmtree(tmp, ignore_errors=True)
        print("carve_image: %d originals, %d differ between two builds%s" %
              (len(a), len(bad), (": " + ", ".join(bad[:10])) if bad else ""))
        return 1 if bad else 0
    originals, decoys, rng = originals_and_decoys(args, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    image = os.path.join(args.outdir, "carve.raw")
    lay_out(image + ".tmp", originals, decoys, random.Random(SEED + 2), args.size)

    items = []
    for nm in sorted(originals):
        r = originals[nm]
        data = r.pop("data")
        r.update(kind="original", size=len(data), sha256=sha256(data))
        r["embedded"] = []
        if r["type"] == "jpg":
            th = exif_thumbnail(data)
            if th:
                off, ln = th
                r["embedded"].append(dict(type="jpg", what="exif_thumbnail", offset=off, length=ln,
                                          sha256=sha256(data[off:off + ln])))
        items.append(r)
    for d in decoys:
        data = d.pop("data")
        d.update(kind="decoy", size=len(data))
        items.append(d)
    # check every fragment against the image before declaring it the truth
    with open(image + ".tmp", "rb") as f:
        for it in items:
            h = hashlib.sha256()
            for off, ln in it["fragments"]:
                f.seek(off)
                h.update(f.read(ln))
            if h.hexdigest() != it["sha256"]:
                raise SystemExit("carve_image: %s is not where the layout says" % it["name"])
        f.seek(0)
        ih = hashlib.sha256()
        for block in iter(lambda: f.read(1 << 20), b""):
            ih.update(block)
    truth = dict(image="carve.raw", image_size=args.size, image_sha256=ih.hexdigest(), seed=SEED,
                 sector=SECTOR, cluster=CLUSTER, items=items)
    with open(os.path.join(args.outdir, "carve.truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
    with open(os.path.join(args.outdir, "carve.truth.tsv"), "w") as f:
        f.write("kind\tname\ttype\tvariant\tsize\tsha256\tfragments\tembedded\n")
        for it in items:
            f.write("%s\t%s\t%s\t%s\t%d\t%s\t%s\t%d\n" % (
                it["kind"], it["name"], it["type"], it.get("variant") or it.get("decoy"), it["size"],
                it["sha256"], ",".join("%d+%d" % (o, n) for o, n in it["fragments"]),
                len(it.get("embedded", []))))
    orig = [it for it in items if it["kind"] == "original"]
    frag = sum(1 for it in orig if len(it["fragments"]) > 1)
    with open(os.path.join(args.outdir, "carve.summary"), "w") as f:
        f.write("%d %d %d %d %d\n" % (len(orig), len(orig) - frag, frag,
                                      len(items) - len(orig), sum(it["size"] for it in orig)))
    os.rename(image + ".tmp", image)
    return 0


if __name__ == "__main__":
    sys.exit(main())
