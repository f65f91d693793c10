#!/bin/bash
# tsk_corpus.sh — exhibit against The Sleuth Kit's own command-line tools on
# the shared test corpus (acceptance points 1 and 2 of the core issue).
#
# For every image in the corpus that libtsk opens (dfvfs, plaso-images,
# sleuthkit, and the DFTT images inside sleuthkit_test_data/*.zip):
#   1. partitions from `mmls -a` (no volume system: the file system is at 0);
#      per partition whose `fsstat -o` works, the multiset of
#      (partition offset, path, size, allocated) from `fls -r -p -l -o` must
#      equal exhibit's v_files (source 'fs'); type and meta address must agree
#      too.  Where TSK finds no file system exhibit must list nothing there and
#      record an error at that offset.
#   2. the SHA-256 of every allocated regular file (and of every other entry
#      exhibit hashed) must equal `icat -o SECTORS IMAGE INODE[-TYPE-ID]`.
#   3. every MD5 in the DFTT answer keys (index.html) is mapped to a file (or
#      image) and must match exhibit; entries that cannot be mapped are
#      printed with the reason, never skipped silently.
#   4. every DFXML fileobject with an MD5 (sleuthkit/image_dd.xml and the DFXML
#      files shipped with the DFTT images) must match v_files.
#   Paths are compared byte for byte after the two presentational changes
#   fls makes: no leading '/', control characters printed as '^'.
#   DFTT #10's partitions each hold two file systems, so autodetection finds
#   none of them; copies made in the work directory with one signature cleared
#   (derived/*) bring NTFS, ext2, UFS1 and UFS2 under the same checks.
#   5. ext2.splitraw.000, ext2.split.E01 and ext2.E01 give the same
#      (path, size, allocated, sha256) set, and v_evidence shows the media MD5
#      196066add11fb71c4c49cf1bb50d6d24 (stored_md5 too for the E01s); every
#      EWF with a stored MD5 must verify.
#
# Environment: EXHIBIT, EXHIBIT_PLUGIN_DIR, EXHIBIT_SOURCE_DIR (as set by
# `make check`), EXHIBIT_CORPUS (default $EXHIBIT_SOURCE_DIR/../shared/corpus).
# Needs: sleuthkit (mmls fsstat fls icat img_stat), unzip, python3.
# Exit: 0 all passed, 1 something failed, 77 skipped (corpus or tools absent).

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

name=tsk_corpus
: "${EXHIBIT_SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${EXHIBIT:=$EXHIBIT_SOURCE_DIR/exhibit}"
: "${EXHIBIT_PLUGIN_DIR:=}"
corpus=${EXHIBIT_CORPUS:-$EXHIBIT_SOURCE_DIR/../shared/corpus}

for tool in mmls fsstat fls icat img_stat unzip python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $name: '$tool' not found (install sleuthkit, unzip, python3)"
		exit 77
	fi
done
if [ ! -x "$EXHIBIT" ]; then
	echo "FAIL: $name: exhibit binary not found at $EXHIBIT" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/exhibit-tsk-corpus-XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The DFTT images travel zipped; unpack each into its own directory.
mkdir -p "$work/dftt"
for zip in "$corpus"/sleuthkit_test_data/*.zip; do
	[ -e "$zip" ] || continue
	dest="$work/dftt/$(basename "$zip" .zip)"
	mkdir -p "$dest"
	if ! unzip -q -o "$zip" -d "$dest"; then
		echo "FAIL: $name: cannot unzip $zip" >&2
		exit 1
	fi
done

# Disks generated here for the volume systems the corpus lacks (GPT, MBR
# with logical partitions, no volume system, exFAT): they run everywhere.
generated="$work/generated"
if ! bash "$EXHIBIT_SOURCE_DIR/tests/integration/make_volume_fixtures.sh" "$generated" >"$work/fixtures.log" 2>&1; then
	echo "NOTE: $name: generated volume fixtures not built ($(tail -1 "$work/fixtures.log")); install e2fsprogs, dosfstools, mtools, fdisk"
	rm -rf "$generated"
fi
if [ ! -d "$corpus" ]; then
	echo "NOTE: $name: test corpus not found at $corpus (set EXHIBIT_CORPUS): only generated disks are compared"
	if [ ! -d "$generated" ]; then
		echo "SKIP: $name: neither the corpus nor generated disks are available"
		exit 77
	fi
fi

python3 - "$EXHIBIT" "$EXHIBIT_PLUGIN_DIR" "$corpus" "$work" <<'PYTHON'
import collections
import concurrent.futures
import hashlib
import html.parser
import os
import re
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

EXHIBIT, PLUGIN_DIR, CORPUS, WORK = sys.argv[1:5]
DFTT = os.path.join(WORK, "dftt")
EXT2_MD5 = "196066add11fb71c4c49cf1bb50d6d24"
MAX_ICAT_PER_IMAGE = 5000      # far above what the corpus needs; reported if hit
started = time.time()

# Images of the corpus, by directory.  Everything else in these directories
# is a sidecar (answer keys, dumps, later segments of a split image).
CORPUS_IMAGE_DIRS = ("dfvfs", "plaso-images", "sleuthkit")
NOT_IMAGES = re.compile(r"(\.json|\.txt|\.body|\.xml|\.dat|\.idx|^fls_output_\d+)$")
LATER_SEGMENT = re.compile(r"\.(E0[2-9]|E[1-9][0-9])$")


DERIVED = os.path.join(WORK, "derived")

# DFTT #10 partitions hold two file systems each, so libtsk's autodetection
# (and exhibit's, and fls's without -f) refuses them and nothing of the corpus
# is NTFS or UFS as far as autodetection goes.  To cover those file systems,
# copies in the work directory get one signature cleared, leaving exactly one
# file system for libtsk to detect.  (source, byte offset, expected bytes, why)
DERIVE = [
    ("10b-ntfs-autodetect/10-ntfs-autodetect/10-ntfs-part1.dd", 1080, b"\x53\xef",
     "ntfs", "ext2 superblock magic (byte 1080) cleared, leaving the NTFS"),
    ("10b-ntfs-autodetect/10-ntfs-autodetect/10-ntfs-part1.dd", 510, b"\x55\xaa",
     "ext2", "NTFS boot signature (byte 510) cleared, leaving the ext2"),
    ("10b-ntfs-autodetect/10-ntfs-autodetect/10-ntfs-part2.dd", 510, b"\x55\xaa",
     "ufs2", "NTFS boot signature (byte 510) cleared, leaving the UFS2"),
    ("10b-ntfs-autodetect/10-ntfs-autodetect/10-ntfs-part3.dd", 510, b"\x55\xaa",
     "ufs1", "NTFS boot signature (byte 510) cleared, leaving the UFS1"),
]


def make_derived():
    made, notes = [], []
    if not os.path.isdir(CORPUS):
        return made, notes     # derived from corpus images: nothing to derive
    os.makedirs(DERIVED, exist_ok=True)
    for src, off, magic, fs, why in DERIVE:
        path = os.path.join(DFTT, src)
        if not os.path.exists(path):
            notes.append("FAIL derived image: %s not found in the unzipped DFTT images" % src)
            continue
        dst = os.path.join(DERIVED, "%s-only-%s" % (fs, os.path.basename(src)))
        with open(path, "rb") as f, open(dst, "wb") as g:
            data = bytearray(f.read())
            if data[off:off + len(magic)] != magic:
                notes.append("FAIL derived image: %s has no %r at byte %d" % (src, magic, off))
                continue
            data[off:off + len(magic)] = bytes(len(magic))
            g.write(data)
        made.append(dst)
        notes.append("derived %s: copy of %s with the %s" % (rel(dst), rel(path), why))
    return made, notes


def rel(path):
    if path.startswith(DERIVED + os.sep):
        return "derived/" + os.path.basename(path)
    if path.startswith(DFTT + os.sep):
        zipname, _, inner = os.path.relpath(path, DFTT).partition(os.sep)
        return "sleuthkit_test_data/%s.zip:%s" % (zipname, inner)
    if path.startswith(CORPUS + os.sep):
        return os.path.relpath(path, CORPUS)
    if path.startswith(os.path.join(WORK, "generated") + os.sep):
        return "generated/" + os.path.basename(path)
    return path


def run(cmd, timeout=120):
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)


def first_line(b):
    s = b.decode("utf-8", "replace").strip().splitlines()
    return s[0] if s else ""


def show(path_bytes):
    return "/" + path_bytes.decode("utf-8", "backslashreplace")


def list_images():
    images = []
    for d in CORPUS_IMAGE_DIRS:
        top = os.path.join(CORPUS, d)
        if not os.path.isdir(top):
            continue
        names = sorted(os.listdir(top))
        for n in names:
            if NOT_IMAGES.search(n) or LATER_SEGMENT.search(n):
                continue
            m = re.match(r"(.*)\.(\d{3})$", n)
            if m and int(m.group(2)) > 0 and "%s.%03d" % (m.group(1), int(m.group(2)) - 1) in names:
                continue            # a later segment of a split raw image
            images.append(os.path.join(top, n))
    for root, _dirs, files in sorted(os.walk(DFTT)):
        for n in sorted(files):
            if re.search(r"\.(dd|iso|dmg|raw|img|E01)$", n):
                images.append(os.path.join(root, n))
    generated = os.path.join(WORK, "generated")
    if os.path.isdir(generated):
        images += [os.path.join(generated, n) for n in sorted(os.listdir(generated))]
    return images


# ------------------------------------------------------------------ TSK side

FLS_LINE = re.compile(rb"^(\S+)/(\S+) (\* )?(\d+)(?:-(\d+)-(\d+))?(\(realloc\))?:\t(.*)$")


class Part:
    def __init__(self, sector, unit, desc):
        self.sector = sector
        self.offset = sector * unit
        self.desc = desc
        self.fs_type = None
        self.fs_flag = []       # ["-f", TYPE] when autodetection refused the offset
        self.problem = None
        self.entries = []

    def family(self):
        return fs_family(self.fs_flag[1] if self.fs_flag else self.fs_type)


# libtsk refuses to guess when two file systems' signatures share an offset
# (DFTT #10); fls -f TYPE then reads each one, and so must exhibit.
CANDIDATE_FS = ["ntfs", "fat", "exfat", "ext", "ufs", "hfs", "iso9660", "apfs"]


def fs_family(name):
    n = (name or "").lower().replace(" ", "")
    for fam in ("ntfs", "exfat", "fat", "ext", "ufs", "hfs", "iso9660", "apfs"):
        if fam in n:
            return fam
    return n


def tsk_view(image):
    """Partitions (mmls -a, else offset 0) and fls -r -p -l per file system."""
    parts = []
    r = run(["mmls", "-a", image])
    if r.returncode == 0:
        unit = 512
        m = re.search(rb"Units are in (\d+)-byte sectors", r.stdout)
        if m:
            unit = int(m.group(1))
        for line in r.stdout.splitlines():
            m = re.match(rb"^\s*\d+:\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(.*)$", line)
            if m and m.group(1) not in (b"Meta", b"-------"):
                parts.append(Part(int(m.group(2)), unit, m.group(5).decode("utf-8", "replace")))
    else:
        parts.append(Part(0, 512, "no volume system"))
    for p in list(parts):
        try:
            r = run(["fsstat", "-o", str(p.sector), image], timeout=20)
        except subprocess.TimeoutExpired:
            continue   # fsstat hangs on some exFAT volumes; fls decides below
        if r.returncode != 0:
            p.problem = first_line(r.stderr) or "fsstat failed"
            if b"Cannot determine file system type" in r.stderr:
                for t in CANDIDATE_FS:
                    if run(["fsstat", "-f", t, "-o", str(p.sector), image]).returncode == 0:
                        q = Part(p.sector, p.offset // p.sector if p.sector else 512, p.desc + ", fls -f " + t)
                        q.offset = p.offset
                        q.fs_flag = ["-f", t]
                        parts.append(q)
            continue
    for p in parts:
        if p.problem:
            continue
        try:
            r = run(["fsstat"] + p.fs_flag + ["-o", str(p.sector), image], timeout=20)
        except subprocess.TimeoutExpired:
            # fsstat of libtsk 4.11 loops on some exFAT volumes; fls does not.
            r = subprocess.CompletedProcess([], 0, b"File System Type: (fsstat hung)", b"")
        if r.returncode != 0:
            p.problem = first_line(r.stderr) or "fsstat failed"
            continue
        m = re.search(rb"File System Type:\s*(.*)", r.stdout)
        p.fs_type = m.group(1).decode().strip() if m else "?"
        r = run(["fls"] + p.fs_flag + ["-r", "-p", "-l", "-o", str(p.sector), image])
        if r.returncode != 0:
            p.problem = "fls failed: " + first_line(r.stderr)
            continue
        for line in r.stdout.split(b"\n"):
            if not line:
                continue
            m = FLS_LINE.match(line)
            if not m:
                raise RuntimeError("cannot parse fls line: %r" % line)
            fields = m.group(8).rsplit(b"\t", 7)
            if len(fields) != 8:
                raise RuntimeError("cannot parse fls line: %r" % line)
            p.entries.append({
                "path": fields[0], "size": int(fields[5]),
                "alloc": 0 if m.group(3) else 1,
                "ntype": m.group(1).decode(), "mtype": m.group(2).decode(),
                "inode": int(m.group(4)),
                "attr": (int(m.group(5)), int(m.group(6))) if m.group(5) else None,
                "realloc": bool(m.group(7)),
            })
    return parts


def icat_digest(image, part, spec, algo, cache):
    key = (part.sector, tuple(part.fs_flag), spec, algo)
    if key not in cache:
        r = run(["icat"] + part.fs_flag + ["-o", str(part.sector), image, spec])
        cache[key] = (hashlib.new(algo, r.stdout).hexdigest() if r.returncode == 0
                      else "icat failed: " + first_line(r.stderr))
    return cache[key]


# -------------------------------------------------------------- exhibit side

ESCAPE = re.compile(rb"\\x([0-9a-fA-F]{2})")


def fls_form(path):
    """exhibit's path as fls -p prints it: no leading slash, \\xNN escapes
    decoded, control characters shown as '^' (tsk_print_sanitized)."""
    p = path[1:] if path.startswith(b"/") else path
    p = ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), p)
    return bytes(0x5e if c < 0x20 else c for c in p)


def run_exhibit(image, case):
    cmd = [EXHIBIT, "process", image, "--case", case, "--quiet", "--no-default-plugins"]
    if PLUGIN_DIR:
        cmd += ["--plugin-dir", PLUGIN_DIR]
    t = time.time()
    try:
        r = run(cmd, timeout=300)
    except subprocess.TimeoutExpired:
        return {"rc": "timeout", "stderr": "", "secs": time.time() - t, "db": None}
    db = os.path.join(case, "case.db")
    return {"rc": r.returncode, "stderr": r.stderr.decode("utf-8", "replace"),
            "secs": time.time() - t, "db": db if os.path.exists(db) else None}


def exhibit_view(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    con.text_factory = bytes
    rows = []
    for r in con.execute(
            "SELECT v.id, v.partition_offset, v.path, v.size, v.allocated, v.type,"
            "       v.meta_addr, f.attr_type, f.attr_id, v.sha256, v.md5, v.source, v.fs_type"
            " FROM v_files v JOIN files f ON f.id = v.id ORDER BY v.id"):
        rows.append({
            "id": r[0], "offset": r[1], "rawpath": r[2], "path": fls_form(r[2]),
            "size": r[3], "alloc": r[4], "type": r[5].decode(), "meta": r[6],
            "attr": (r[7], r[8]) if r[7] is not None and r[7] >= 0 else None,
            "sha256": r[9].decode() if r[9] else None,
            "md5": r[10].decode() if r[10] else None,
            "source": r[11].decode(),
            "family": fs_family(r[12].decode() if r[12] else ""),
        })
    errors = [(e[0].decode("utf-8", "replace") if e[0] else "", e[1],
               e[2].decode("utf-8", "replace")) for e in
              con.execute("SELECT item, offset, message FROM v_errors")]
    ev = con.execute("SELECT md5, stored_md5, format, size FROM v_evidence").fetchall()
    con.close()
    evidence = [tuple(x.decode() if isinstance(x, bytes) else x for x in e) for e in ev]
    return rows, errors, evidence


# ---------------------------------------------------------- per-image check

def check_image(image, index):
    out = []
    label = rel(image)
    opened = run(["img_stat", image])
    if opened.returncode != 0:
        out.append("skip %s: libtsk does not open it (%s)" % (label, first_line(opened.stderr)))
        return {"label": label, "ok": None, "out": out}
    ex = run_exhibit(image, os.path.join(WORK, "case%03d" % index))
    parts = tsk_view(image)
    ok = True
    files_compared = hashes_compared = 0

    def fail(msg):
        nonlocal ok
        ok = False
        out.append("  FAIL " + msg)

    if ex["rc"] not in (0, 1, 3) or ex["db"] is None:
        fail("exhibit exited %s without a usable case (stderr: %s)"
             % (ex["rc"], ex["stderr"].strip()[-300:]))
        return {"label": label, "ok": False, "out": out, "rows": []}
    rows, errors, evidence = exhibit_view(ex["db"])
    fs_rows = [r for r in rows if r["source"] == "fs"]
    other = len(rows) - len(fs_rows)

    fs_parts = [p for p in parts if p.fs_type]
    for p in parts:
        if p.fs_type:
            out.append("  fs %s at sector %d (byte %d, %s): fls lists %d entries"
                       % (p.fs_type, p.sector, p.offset, p.desc, len(p.entries)))
            continue
        out.append("  no file system for TSK at sector %d (byte %d, %s): %s"
                   % (p.sector, p.offset, p.desc, p.problem))
        here = [r for r in fs_rows if r["offset"] == p.offset]
        if here and any(q.fs_type and q.offset == p.offset for q in parts):
            out.append("  exhibit walked each of the file systems at byte %d, as fls -f does" % p.offset)
            continue
        if here:
            fail("exhibit lists %d entries at byte %d where TSK finds no file system"
                 % (len(here), p.offset))
        if not any(e[1] == p.offset for e in errors):
            fail("exhibit recorded no error at byte %d (v_errors: %s)"
                 % (p.offset, "; ".join("%s@%s" % (e[2], e[1]) for e in errors) or "empty"))
    if not fs_parts:
        if ex["rc"] == 0:
            fail("exhibit exited 0 although no file system could be read")
        if fs_rows:
            fail("exhibit lists %d entries, TSK finds no file system" % len(fs_rows))
        if ok:
            out.append("  TSK and exhibit agree: no file system; exhibit exit %s, error: %s"
                       % (ex["rc"], errors[-1][2] if errors else ex["stderr"].strip()))
    elif ex["rc"] not in (0, 1):
        fail("exhibit exited %s" % ex["rc"])
    elif ex["rc"] == 1:
        out.append("  exhibit exit 1, v_errors: " + "; ".join(
            "%s (offset %s)" % (e[2], e[1]) for e in errors))

    # 1. (partition offset, path, size, allocated) multisets
    tsk_by_key = collections.defaultdict(list)
    for p in fs_parts:
        for e in p.entries:
            tsk_by_key[(p.offset, e["path"], e["size"], e["alloc"])].append((p, e))
    ex_by_key = collections.defaultdict(list)
    for r in fs_rows:
        ex_by_key[(r["offset"], r["path"], r["size"], r["alloc"])].append(r)
    missing = {k: len(v) - len(ex_by_key.get(k, ())) for k, v in tsk_by_key.items()
               if len(v) > len(ex_by_key.get(k, ()))}
    extra = {k: len(v) - len(tsk_by_key.get(k, ())) for k, v in ex_by_key.items()
             if len(v) > len(tsk_by_key.get(k, ()))}
    for k, n in sorted(missing.items()):
        others = [x for x in extra if x[0] == k[0] and x[1] == k[1]]
        if others:
            fail("partition byte %d %s: fls says size=%d allocated=%d, exhibit says %s"
                 % (k[0], show(k[1]), k[2], k[3],
                    ", ".join("size=%d allocated=%d" % (o[2], o[3]) for o in others)))
        else:
            fail("partition byte %d %s (size=%d allocated=%d): listed by fls%s, missing in exhibit"
                 % (k[0], show(k[1]), k[2], k[3], " %d times" % n if n > 1 else ""))
    for k, n in sorted(extra.items()):
        if not any(x[0] == k[0] and x[1] == k[1] for x in missing):
            fail("partition byte %d %s (size=%d allocated=%d): listed by exhibit%s, not by fls"
                 % (k[0], show(k[1]), k[2], k[3], " %d times" % n if n > 1 else ""))
    files_compared = sum(len(v) for v in tsk_by_key.values())

    # type and meta address of every entry that is unique on both sides
    for k, tv in tsk_by_key.items():
        ev_ = ex_by_key.get(k, [])
        if len(tv) != 1 or len(ev_) != 1:
            continue
        (_p, e), r = tv[0], ev_[0]
        want = e["mtype"] if e["mtype"] != "-" else e["ntype"]
        if r["type"] != want:
            fail("%s: fls type %s/%s, exhibit type %s" % (show(k[1]), e["ntype"], e["mtype"], r["type"]))
        # fls names the attribute it printed; exhibit only for its stream rows
        if r["meta"] != e["inode"] or (r["attr"] and r["attr"] != e["attr"]):
            fail("%s: fls address %d%s, exhibit meta_addr %s attr %s"
                 % (show(k[1]), e["inode"], "-%d-%d" % e["attr"] if e["attr"] else "",
                    r["meta"], r["attr"]))

    # 2. content: every allocated regular file must be hashed; every hash
    #    exhibit stored must be what icat reads.
    cache = {}
    icats = 0
    capped = 0
    part_at = {(p.offset, p.family()): p for p in fs_parts}
    for k, tv in sorted(tsk_by_key.items()):
        ev_ = ex_by_key.get(k, [])
        must = any(e["alloc"] and e["mtype"] == "r" for _p, e in tv)
        for r in ev_:
            if not must and not r["sha256"]:
                continue
            if icats >= MAX_ICAT_PER_IMAGE:
                capped += 1
                continue
            p = part_at.get((r["offset"], r["family"])) or next(
                q for q in fs_parts if q.offset == r["offset"])
            spec = str(r["meta"]) + ("-%d-%d" % r["attr"] if r["attr"] else "")
            icats += 1
            want = icat_digest(image, p, spec, "sha256", cache)
            hashes_compared += 1
            if r["sha256"] is None:
                fail("%s (allocated regular file, size %d): exhibit has no SHA-256, icat -o %d %s gives %s"
                     % (show(k[1]), r["size"], p.sector, spec, want))
            elif want != r["sha256"]:
                fail("%s (%s, allocated=%d): exhibit sha256 %s, icat -o %d %s gives %s"
                     % (show(k[1]), r["type"], r["alloc"], r["sha256"], p.sector, spec, want))
    if capped:
        out.append("  note: %d hashes not compared (cap of %d icat calls)" % (capped, MAX_ICAT_PER_IMAGE))
    if other:
        out.append("  note: %d non-file-system rows (carved/embedded) not compared" % other)
    head = "%-4s %s: %d file system(s), %d files compared, %d hashes compared (exhibit %.1fs)" % (
        "OK" if ok else "FAIL", label, len(fs_parts), files_compared, hashes_compared, ex["secs"])
    return {"label": label, "ok": ok, "out": [head] + out, "rows": fs_rows,
            "evidence": evidence, "image": image, "parts": parts}


# ------------------------------------------------------------ DFTT answer keys

MD5_RE = re.compile(r"\b[0-9a-fA-F]{32}\b")


class KeyParser(html.parser.HTMLParser):
    """Tables as rows of cell texts, plus the whole text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.text = [], []
        self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._row.append(self._cell)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "tr":
            self._row = None
        if tag in ("p", "li", "tr", "td", "th", "h3", "br", "table"):
            self.text.append(" ")

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def result(self):
        tables = [[[" ".join("".join(c).split()) for c in row] for row in t] for t in self.tables]
        return tables, " ".join("".join(self.text).split())


def name_rule(key, actual):
    """How a name in an answer key relates to the name TSK (and exhibit) show."""
    if key == actual:
        return "exact"
    if key.casefold() == actual.casefold():
        return "case-insensitive"
    label = " (Volume Label Entry)"
    if actual.endswith(label):
        raw = actual[:-len(label)]
        base, ext = raw[:8].rstrip(), raw[8:].strip()
        if (base + ("." + ext if ext else "")).casefold() == key.casefold():
            return "TSK shows FAT volume-label entries as the raw 11-byte 8.3 name + ' (Volume Label Entry)'"
    if actual[:1] == "_" and len(key) == len(actual) and key[1:].casefold() == actual[1:].casefold():
        return "TSK shows a deleted FAT entry with its first character as '_'"
    return None


def map_key_path(comps, rows, want_dir):
    found = []
    for r in rows:
        if (r["type"] == "d") != want_dir:
            continue
        actual = r["rawpath"].decode("utf-8", "replace").strip("/").split("/")
        if len(actual) != len(comps):
            continue
        rules = [name_rule(k, a) for k, a in zip(comps, actual)]
        if all(rules):
            found.append((sum(x != "exact" for x in rules), r, sorted(set(x for x in rules if x != "exact"))))
    if not found:
        return []
    best = min(f[0] for f in found)
    return [f for f in found if f[0] == best]


def check_dftt_key(keydir, results_by_image):
    out, ok = [], True
    index = os.path.join(keydir, "index.html")
    label = rel(index)
    with open(index, encoding="latin-1") as f:
        src = f.read()
    p = KeyParser()
    p.feed(src)
    tables, text = p.result()
    all_md5 = {m.lower() for m in MD5_RE.findall(src)}
    explained = set()
    images = {os.path.basename(r["image"]): r for r in results_by_image
              if r.get("image", "").startswith(keydir + os.sep)}

    def fail(msg):
        nonlocal ok
        ok = False
        out.append("  FAIL " + msg)

    # image MD5s: "MD5 of the image is X", "NAME = X", "disk image ... is X",
    # "partition N is X"
    image_md5 = []
    for m in re.finditer(r"MD5 of the image is ([0-9a-fA-F]{32})", text):
        if len(images) == 1:
            image_md5.append((next(iter(images)), m.group(1).lower(), "the image"))
    for m in re.finditer(r"([\w.-]+\.(?:iso|dd|img|raw)) = ([0-9a-fA-F]{32})", text):
        image_md5.append((m.group(1), m.group(2).lower(), m.group(1)))
    for m in re.finditer(r"disk image[^.]*? is ([0-9a-fA-F]{32})", text):
        for n in images:
            if "disk" in n:
                image_md5.append((n, m.group(1).lower(), "the disk image"))
    for m in re.finditer(r"partition (\d+) is ([0-9a-fA-F]{32})", text):
        for n in images:
            if re.search(r"part%s\b" % m.group(1), n):
                image_md5.append((n, m.group(2).lower(), "partition %s" % m.group(1)))
    n_img = 0
    for n, md5, said in image_md5:
        explained.add(md5)
        res = images.get(n)
        if not res or not res.get("evidence"):
            fail("image MD5 of %s (%s): no exhibit case for %s" % (said, md5, n))
            continue
        got = res["evidence"][0][0]
        n_img += 1
        if got != md5:
            fail("image MD5 of %s (%s): key says %s, exhibit v_evidence.md5 %s" % (said, n, md5, got))
        else:
            out.append("  image %s: MD5 %s matches v_evidence" % (n, md5))

    # file tables: a header row with a name column and an MD5 column
    entries, incorrect = [], collections.defaultdict(set)
    for t in tables:
        if not t:
            continue
        head = [c.lower() for c in t[0]]
        md5col = next((i for i, c in enumerate(head) if "md5" in c), None)
        namecol = next((i for i, c in enumerate(head) if c in ("name", "file")), None)
        if md5col is None or namecol is None:
            continue
        sizecol = next((i for i, c in enumerate(head) if c == "size"), None)
        wrong = "incorrect" in head[md5col]
        for row in t[1:]:
            if len(row) <= max(md5col, namecol):
                continue
            name, val = row[namecol], row[md5col]
            md5 = val.lower() if MD5_RE.fullmatch(val) else None
            if wrong:
                if md5:
                    incorrect[name.replace("\\", "/").rsplit("/", 1)[-1]].add(md5)
                    explained.add(md5)
                continue
            size = int(row[sizecol]) if sizecol is not None and row[sizecol].isdigit() else None
            entries.append((name, md5, size, val))
    if incorrect:
        out.append("  the key's 'Incorrect MD5' table (values a tool gets when it ignores "
                   "fragmentation of deleted files) is used only to annotate: %s"
                   % ", ".join("%s=%s" % (k, "/".join(sorted(v))) for k, v in sorted(incorrect.items())))

    # prose: "... in the <dir> directory ... is named "NAME".  Its MD5 value is X"
    for m in re.finditer(r"in the (?:(root)|(\S+)) directory [^.]*?named \"([^\"]+)\"\.\s*"
                         r"Its MD5 value is ([0-9a-fA-F]{32})", text):
        d = "" if m.group(1) else m.group(2) + "\\"
        entries.append(("\\" + d + m.group(3), m.group(4).lower(), None, m.group(4)))

    res = next(iter(images.values())) if len(images) == 1 else None
    n_ok = n_acc = 0
    for name, md5, size, val in entries:
        if md5:
            explained.add(md5)
        want_dir = name.endswith("\\")
        comps = [c for c in name.replace("\\", "/").split("/") if c]
        if res is None:
            fail("key entry %s: the key names %d images, cannot tell which holds it" % (name, len(images)))
            continue
        found = map_key_path(comps, res["rows"], want_dir)
        if not found:
            fail("key entry %s (MD5 %s): no %s in exhibit's v_files maps to it"
                 % (name, val, "directory" if want_dir else "regular file"))
            continue
        if len(found) > 1 and len({f[1]["md5"] for f in found}) > 1:
            fail("key entry %s maps ambiguously to %s" % (name, ", ".join(show(f[1]["path"]) for f in found)))
            continue
        _n, r, rules = found[0]
        how = "%s -> %s%s" % (name, show(r["rawpath"][1:]), " (%s)" % "; ".join(rules) if rules else "")
        if size is not None and r["size"] != size:
            fail("%s: key size %d, exhibit size %d" % (how, size, r["size"]))
            continue
        if not md5:
            out.append("  %s: key gives no MD5 (%s), size %s checked" % (how, val, size))
            continue
        if r["md5"] == md5:
            n_ok += 1
            out.append("  %s: MD5 %s matches" % (how, md5))
            continue
        # A deleted file whose content TSK cannot recover either: compare with icat.
        part = next(p for p in res["parts"] if p.offset == r["offset"])
        spec = str(r["meta"]) + ("-%d-%d" % r["attr"] if r["attr"] else "")
        got = icat_digest(res["image"], part, spec, "md5", {})
        if not r["alloc"] and r["md5"] and got == r["md5"]:
            n_acc += 1
            listed = r["md5"] in incorrect.get(comps[-1], ())
            out.append("  %s: key MD5 %s, exhibit %s = icat -o %d %s: deleted file TSK cannot "
                       "recover correctly either; accepted%s" % (
                           how, md5, r["md5"], part.sector, spec,
                           " (the key lists this value as the 'incorrect MD5')" if listed else ""))
        else:
            fail("%s: key MD5 %s, exhibit %s, icat %s" % (how, md5, r["md5"], got))

    for md5 in sorted(all_md5 - explained):
        i = src.lower().find(md5)
        fail("MD5 %s in the key could not be mapped (context: %r)"
             % (md5, " ".join(re.sub("<[^>]*>", " ", src[max(0, i - 120):i]).split())))
    if not all_md5:
        out.append("  the key gives no MD5 (nothing to compare; its files are checked against fls above)")
    head = "%-4s DFTT key %s: %d file MD5s matched, %d accepted as TSK limits, %d image MD5s" % (
        "OK" if ok else "FAIL", label, n_ok, n_acc, n_img)
    return ok, [head] + out


# ------------------------------------------------------------------- DFXML

def check_dfxml(xml_path, res):
    out, ok = [], True
    label = rel(xml_path)

    def fail(msg):
        nonlocal ok
        ok = False
        out.append("  FAIL " + msg)

    def tag(el):
        return el.tag.rsplit("}", 1)[-1]

    root = ET.parse(xml_path).getroot()
    objs = with_md5 = matched = 0
    dots = []
    for vol in root.iter():
        if tag(vol) != "volume":
            continue
        voff = int(vol.get("offset", "0"))
        for fo in vol:
            if tag(fo) != "fileobject":
                continue
            objs += 1
            d = {"md5": None}
            for c in fo:
                if tag(c) == "hashdigest":
                    d[c.get("type", "").lower()] = (c.text or "").strip().lower()
                else:
                    d[tag(c)] = (c.text or "").strip()
            if not d.get("md5"):
                continue
            with_md5 += 1
            fname = d.get("filename", "")
            if fname.rsplit("/", 1)[-1] in (".", ".."):
                dots.append(fname)
                continue
            want = fls_form(("/" + fname).encode())
            cands = [r for r in res["rows"] if r["offset"] == voff and r["path"] == want]
            if not cands:
                fail("%s (%s, md5 %s): no such path in v_files at partition byte %d"
                     % (fname, d.get("name_type"), d["md5"], voff))
                continue
            if any(r["md5"] == d["md5"] for r in cands):
                matched += 1
                continue
            r = cands[0]
            part = next(p for p in res["parts"] if p.offset == voff)
            got = icat_digest(res["image"], part, str(r["meta"]), "md5", {})
            fail("%s (type %s, size %s): DFXML md5 %s, exhibit md5 %s%s; icat -o %d %d gives %s"
                 % (fname, d.get("name_type"), d.get("filesize"), d["md5"], r["md5"],
                    " (exhibit stores no content hash for type '%s')" % r["type"] if r["md5"] is None else "",
                    part.sector, r["meta"], got))
    if dots:
        out.append("  %d '.'/'..' fileobjects not compared: they are links, not entries (fls and "
                   "exhibit list each directory once, under its own name): %s" % (len(dots), ", ".join(dots)))
    head = "%-4s DFXML %s vs %s: %d fileobjects, %d with MD5, %d matched" % (
        "OK" if ok else "FAIL", label, res["label"], objs, with_md5, matched)
    return ok, [head] + out


# -------------------------------------------------------------------- main

def main():
    images = list_images()
    derived, derive_notes = make_derived()
    images += derived
    passed = failed = 0

    def tally(ok, lines):
        nonlocal passed, failed
        for line in lines:
            print(line)
        sys.stdout.flush()
        if ok is None:
            return
        if ok:
            passed += 1
        else:
            failed += 1

    for note in derive_notes:
        tally(False if note.startswith("FAIL") else None, [note])
    print("-- images: exhibit vs mmls/fsstat/fls/icat")
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futs = [pool.submit(check_image, img, i) for i, img in enumerate(images)]
        for fut in futs:
            try:
                r = fut.result()
            except Exception as e:           # a parser surprise is a failure, not a crash
                r = {"label": "?", "ok": False, "out": ["FAIL internal error: %r" % e]}
            results.append(r)
            tally(r["ok"], r["out"])
    by_label = {r["label"]: r for r in results}

    # 5. one ext2 image, three containers
    print("-- same ext2 image as split raw, split E01 and E01")
    trio = ["dfvfs/ext2.splitraw.000", "dfvfs/ext2.split.E01", "dfvfs/ext2.E01"]
    have = [by_label.get(t) for t in trio]
    if all(h and h.get("evidence") for h in have):
        sets = [sorted((r["path"], r["size"], r["alloc"], r["sha256"] or "") for r in h["rows"]) for h in have]
        ok = True
        lines = []
        for t, s in zip(trio[1:], sets[1:]):
            if s != sets[0]:
                ok = False
                lines.append("  FAIL %s differs from %s: only in %s: %s; only in %s: %s" % (
                    t, trio[0], trio[0], sorted(set(sets[0]) - set(s)), t, sorted(set(s) - set(sets[0]))))
        for t, h in zip(trio, have):
            md5, stored, fmt, _size = h["evidence"][0]
            need_stored = fmt == "ewf"
            if md5 != EXT2_MD5 or (need_stored and stored != EXT2_MD5):
                ok = False
                lines.append("  FAIL %s: v_evidence md5=%s stored_md5=%s (want %s%s)"
                             % (t, md5, stored, EXT2_MD5, " for both" if need_stored else ""))
            else:
                lines.append("  %s (%s): md5 %s%s" % (t, fmt, md5, ", stored_md5 %s" % stored if need_stored else ""))
        tally(ok, ["%-4s split raw / split E01 / E01: %d identical (path, size, allocated, sha256) rows"
                   % ("OK" if ok else "FAIL", len(sets[0]))] + lines)
    elif not os.path.isdir(CORPUS):
        print("  skipped: no corpus")
    else:
        tally(False, ["FAIL split raw / split E01 / E01: %s not processed"
                      % ", ".join(t for t, h in zip(trio, have) if not (h and h.get("evidence")))])

    # every EWF that carries a stored MD5 must verify
    for r in results:
        for md5, stored, fmt, _size in r.get("evidence") or []:
            if fmt == "ewf" and stored and r["label"] not in trio:
                tally(md5 == stored, ["%-4s %s: EWF stored MD5 %s, computed %s"
                                      % ("OK" if md5 == stored else "FAIL", r["label"], stored, md5)])

    # 3. DFTT answer keys
    print("-- DFTT answer keys")
    for keydir in sorted(os.path.dirname(os.path.join(root, f))
                         for root, _d, files in os.walk(DFTT) for f in files if f == "index.html"):
        try:
            ok, lines = check_dftt_key(keydir, results)
        except Exception as e:
            ok, lines = False, ["FAIL DFTT key %s: internal error %r" % (keydir, e)]
        tally(ok, lines)

    # 4. DFXML
    print("-- DFXML")
    xmls = [os.path.join(CORPUS, "sleuthkit", "image_dd.xml"),
            os.path.join(CORPUS, "sleuthkit_test_data", "6-fat-undel.dd.xml")]
    xmls += sorted(os.path.join(root, f) for root, _d, files in os.walk(DFTT)
                   for f in files if f.endswith(".xml"))
    for x in xmls:
        if not os.path.exists(x):
            continue
        try:
            src = ET.parse(x).getroot()
            img = next((e.text for e in src.iter() if e.tag.rsplit("}", 1)[-1] == "image_filename"), "")
            base = os.path.basename(img or "")
            cand = [r for r in results if r.get("image") and os.path.basename(r["image"]) == base
                    and (os.path.dirname(r["image"]) == os.path.dirname(x) or x.startswith(CORPUS))]
            if x.endswith("image_dd.xml"):
                cand = [by_label.get("sleuthkit/image.dd")]
            if not cand or not cand[0]:
                tally(False, ["FAIL DFXML %s: no processed image named %s" % (rel(x), base)])
                continue
            ok, lines = check_dfxml(x, cand[0])
        except Exception as e:
            ok, lines = False, ["FAIL DFXML %s: internal error %r" % (rel(x), e)]
        tally(ok, lines)

    print("-- %d images, %.0fs" % (len(images), time.time() - started))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


sys.exit(main())
PYTHON
