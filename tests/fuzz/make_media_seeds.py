#!/usr/bin/env python3
"""make_media_seeds.py OUTDIR — the seed files of the media fuzz targets.

Writes OUTDIR/<target>/<seed> for the targets isobmff, matroska, riff, flv,
mpegts, asf (tiny videos made by ffmpeg with -bitexact: 32x24 pixels, 0.4 s,
with the metadata the parsers read: creation time, ISO 6709 places, Apple
keys, make and model) and exif, jpeg, png, heif, webp, gif (images made by
ffmpeg or built here byte by byte, carrying EXIF with GPS and a thumbnail,
XMP, PNG text chunks, HEIF items).  The committed seeds in
tests/fuzz/corpus/ were made by this script; run it again to remake them:

    python3 tests/fuzz/make_media_seeds.py tests/fuzz/corpus
"""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

OUT = sys.argv[1]
SRC = ["-f", "lavfi", "-i", "testsrc=size=32x24:rate=5:duration=0.4",
       "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=0.4"]
EXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]


def ffmpeg(target, name, *args, inputs=SRC):
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    path = os.path.join(OUT, target, name)
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, *args, *EXACT, path], check=True)
    return path


def write(target, name, data):
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    with open(os.path.join(OUT, target, name), "wb") as f:
        f.write(data)


def videos():
    ffmpeg("isobmff", "h264_aac.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
           "-b:a", "16k", "-metadata", "creation_time=2021-03-04T05:06:07Z")
    ffmpeg("isobmff", "gps.mov", "-c:v", "mpeg4", "-q:v", "31", "-c:a", "pcm_s16le",
           "-metadata", "location=+48.8577+002.2950/", "-metadata", "make=TestMake",
           "-metadata", "model=TestModel")
    ffmpeg("isobmff", "keys.mov", "-c:v", "mpeg4", "-q:v", "31", "-an",
           "-movflags", "use_metadata_tags",
           "-metadata", "com.apple.quicktime.location.ISO6709=-33.8688+151.2093+010.000/",
           "-metadata", "com.apple.quicktime.make=Apple",
           "-metadata", "com.apple.quicktime.model=iPhone 12",
           "-metadata", "com.apple.quicktime.creationdate=2020-01-02T03:04:05+0100")
    ffmpeg("isobmff", "fragmented.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
           "-b:a", "16k", "-movflags", "frag_keyframe+empty_moov")
    ffmpeg("isobmff", "mpeg4_aac.3gp", "-c:v", "mpeg4", "-q:v", "31", "-c:a", "aac",
           "-b:a", "16k", "-f", "3gp")
    ffmpeg("matroska", "vp8_vorbis.mkv", "-c:v", "libvpx", "-b:v", "20k", "-c:a", "libvorbis",
           "-metadata", "location=+10.5-020.25/")
    ffmpeg("matroska", "vp9.webm", "-c:v", "libvpx-vp9", "-b:v", "20k", "-an")
    ffmpeg("riff", "mpeg4_mp3.avi", "-c:v", "mpeg4", "-q:v", "31", "-c:a", "libmp3lame",
           "-b:a", "8k")
    ffmpeg("flv", "h263_mp3.flv", "-c:v", "flv", "-q:v", "31", "-c:a", "libmp3lame",
           "-b:a", "8k", "-ar", "11025")
    ffmpeg("flv", "h264_aac.flv", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
           "-b:a", "16k")
    ffmpeg("mpegts", "mpeg2_mp2.ts", "-c:v", "mpeg2video", "-q:v", "31", "-c:a", "mp2",
           "-b:a", "32k")
    ffmpeg("mpegts", "h264_aac.ts", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
           "-b:a", "16k")
    ffmpeg("asf", "wmv2_wmav2.wmv", "-c:v", "wmv2", "-q:v", "31", "-c:a", "wmav2", "-b:a", "32k")


# ---- images ---------------------------------------------------------------

def tiny_jpeg(size="16x12"):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.jpg")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                        f"testsrc=size={size}:rate=1:duration=1", "-frames:v", "1",
                        "-q:v", "31", *EXACT, path], check=True)
        with open(path, "rb") as f:
            return f.read()


def ifd(entries, next_offset, base, order="<"):
    """One IFD at offset base: entries (tag, type, count, bytes) sorted by
    tag; values over 4 bytes go after the IFD.  Returns its bytes."""
    entries = sorted(entries)
    head = struct.pack(order + "H", len(entries))
    data = b""
    data_at = base + 2 + 12 * len(entries) + 4
    body = b""
    for tag, typ, count, value in entries:
        if len(value) <= 4:
            body += struct.pack(order + "HHI", tag, typ, count) + value.ljust(4, b"\0")
        else:
            body += struct.pack(order + "HHII", tag, typ, count, data_at + len(data))
            data += value + (b"\0" if len(value) % 2 else b"")
    return head + body + struct.pack(order + "I", next_offset) + data


def ascii_(s):
    return s.encode() + b"\0"


def rationals(*pairs, order="<"):
    return b"".join(struct.pack(order + "II", n, d) for n, d in pairs)


def exif_tiff(thumbnail, order="<"):
    """TIFF data: IFD0 (make, model, orientation, software), ExifIFD
    (original time with offset, serials, lens), GPS (south/west), IFD1 with
    a JPEG thumbnail."""
    short = lambda v: struct.pack(order + "H", v)
    long_ = lambda v: struct.pack(order + "I", v)
    # lay out: header 8, IFD0 at 8, then Exif, GPS, IFD1, thumbnail
    def build(exif_at, gps_at, ifd1_at, thumb_at):
        ifd0 = ifd([(0x10F, 2, 8, ascii_("FuzzCam")), (0x110, 2, 8, ascii_("Model Z")),
                    (0x112, 3, 1, short(6)), (0x131, 2, 9, ascii_("seedgen1")),
                    (0x8769, 4, 1, long_(exif_at)), (0x8825, 4, 1, long_(gps_at))],
                   ifd1_at, 8, order)
        exif = ifd([(0x9003, 2, 20, ascii_("2022:11:12 13:14:15")),
                    (0x9011, 2, 7, ascii_("-05:00")),
                    (0xA431, 2, 7, ascii_("SN1234")), (0xA435, 2, 7, ascii_("LN5678")),
                    (0xA434, 2, 9, ascii_("Lens 50m"))], 0, exif_at, order)
        gps = ifd([(1, 2, 2, ascii_("S")), (2, 5, 3, rationals((33, 1), (52, 1), (768, 100),
                                                                  order=order)),
                   (3, 2, 2, ascii_("W")), (4, 5, 3, rationals((70, 1), (30, 1), (0, 1),
                                                                order=order)),
                   (5, 1, 1, b"\1"), (6, 5, 1, rationals((125, 10), order=order))],
                  0, gps_at, order)
        ifd1 = ifd([(0x103, 3, 1, short(6)), (0x201, 4, 1, long_(thumb_at)),
                    (0x202, 4, 1, long_(len(thumbnail)))], 0, ifd1_at, order)
        return ifd0, exif, gps, ifd1
    sizes = build(0, 0, 0, 0)
    exif_at = 8 + len(sizes[0])
    gps_at = exif_at + len(sizes[1])
    ifd1_at = gps_at + len(sizes[2])
    thumb_at = ifd1_at + len(sizes[3])
    ifd0, exif, gps, ifd1 = build(exif_at, gps_at, ifd1_at, thumb_at)
    magic = b"II*\0" if order == "<" else b"MM\0*"
    return magic + long_(8) + ifd0 + exif + gps + ifd1 + thumbnail


XMP = (b"<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta xmlns:x='adobe:ns:meta/'>"
       b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
       b"<rdf:Description rdf:about='' xmlns:xmp='http://ns.adobe.com/xap/1.0/'"
       b" xmp:CreatorTool='seedgen' xmp:CreateDate='2022-11-12T13:14:15-05:00'>"
       b"<dc:subject><rdf:Bag><rdf:li>a</rdf:li></rdf:Bag></dc:subject>"
       b"</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>")


def jpeg_with(segments, jpeg):
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def app(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png():
    """A 4x4 RGB picture, unfiltered rows."""
    rows = b"".join(b"\0" + bytes(v for x in range(4) for v in ((x * 60) % 256, (y * 60) % 256, 90))
                    for y in range(4))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(rows)))


def box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full(kind, version, flags, payload):
    return box(kind, bytes([version]) + flags.to_bytes(3, "big") + payload)


def heif(exif):
    """A HEIC whose primary item is an hvc1 item (no real picture: the
    parser reads structure only) with ispe/irot properties, an Exif item
    and an XMP item; data in mdat."""
    ftyp = box(b"ftyp", b"heic" + b"\0\0\0\0" + b"mif1heic")
    hdlr = full(b"hdlr", 0, 0, b"\0\0\0\0pict" + b"\0" * 12 + b"\0")
    pitm = full(b"pitm", 0, 0, struct.pack(">H", 1))
    infe = lambda i, kind, extra=b"": full(b"infe", 2, 0, struct.pack(">HH", i, 0) + kind + b"\0"
                                           + extra)
    iinf = full(b"iinf", 0, 0, struct.pack(">H", 3) + infe(1, b"hvc1") + infe(2, b"Exif")
                + infe(3, b"mime", b"application/rdf+xml\0"))
    ispe = full(b"ispe", 0, 0, struct.pack(">II", 640, 480))
    irot = box(b"irot", b"\x03")  # 270 degrees anticlockwise: 90 clockwise
    ipco = box(b"ipco", ispe + irot)
    ipma = full(b"ipma", 0, 0, struct.pack(">IHB", 1, 1, 2) + b"\x81\x02")
    iprp = box(b"iprp", ipco + ipma)
    exif_payload = struct.pack(">I", 6) + b"Exif\0\0" + exif
    picture = b"\0\0\0\x10fake-hevc-data"
    def build(base):
        iloc = full(b"iloc", 0, 0, bytes([0x44, 0x00]) + struct.pack(">H", 3)
                    + struct.pack(">HHHII", 1, 0, 1, base, len(picture))
                    + struct.pack(">HHHII", 2, 0, 1, base + len(picture), len(exif_payload))
                    + struct.pack(">HHHII", 3, 0, 1, base + len(picture) + len(exif_payload),
                                  len(XMP)))
        meta = full(b"meta", 0, 0, hdlr + pitm + iinf + iloc + iprp)
        return meta
    meta = build(0)
    base = len(ftyp) + len(meta) + 8
    meta = build(base)
    return ftyp + meta + box(b"mdat", picture + exif_payload + XMP)


def riff_chunk(kind, data):
    return kind + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")


def images():
    thumb = tiny_jpeg("8x6")
    write("exif", "little_endian.tif", exif_tiff(thumb, "<"))
    write("exif", "big_endian.tif", exif_tiff(thumb, ">"))
    jpeg = tiny_jpeg()
    write("jpeg", "exif_xmp.jpg", jpeg_with([app(0xE1, b"Exif\0\0" + exif_tiff(thumb)),
                                             app(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP),
                                             app(0xFE, b"a comment")], jpeg))
    write("jpeg", "plain.jpg", jpeg)
    png = tiny_png()
    write("png", "text_exif.png", png[:33]
          + png_chunk(b"tEXt", b"Software\0seedgen \xe9")
          + png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"compressed text"))
          + png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + XMP)
          + png_chunk(b"eXIf", exif_tiff(thumb, ">"))
          + png_chunk(b"tIME", struct.pack(">HBBBBB", 2022, 11, 12, 13, 14, 15))
          + png[33:] + png_chunk(b"IEND", b""))
    write("heif", "exif_xmp.heic", heif(exif_tiff(thumb, ">")))
    with tempfile.TemporaryDirectory() as d:
        lossy = os.path.join(d, "t.webp")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                        "testsrc=size=16x12:rate=1:duration=1", "-frames:v", "1",
                        "-c:v", "libwebp", *EXACT, lossy], check=True)
        with open(lossy, "rb") as f:
            webp = f.read()
    write("webp", "lossy.webp", webp)
    vp8 = webp[12:]  # the VP8 chunk
    vp8x = riff_chunk(b"VP8X", bytes([0x0C, 0, 0, 0]) + (15).to_bytes(3, "little")
                      + (11).to_bytes(3, "little"))
    body = b"WEBP" + vp8x + vp8 + riff_chunk(b"EXIF", exif_tiff(thumb)) + riff_chunk(b"XMP ", XMP)
    write("webp", "extended.webp", b"RIFF" + struct.pack("<I", len(body)) + body)
    ffmpeg("gif", "animated.gif", "-frames:v", "2", "-vf", "scale=16:12",
           inputs=["-f", "lavfi", "-i", "testsrc=size=32x24:rate=5:duration=0.4"])


videos()
images()
