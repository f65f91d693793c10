#!/usr/bin/env python3
"""carve_score.py -- score a carver's output against the carving ground truth.

  carve_score.py score --truth carve.truth.json --image carve.raw --tool NAME
                       [--manifest exhibit-manifest.csv --source carved] --out R.json DIR
  carve_score.py report R.json... [--timing T.tsv] [--no-carve TOOL]

`score` classifies every file a tool wrote under DIR (its own logs and
reports -- audit.txt, report.xml, photorec.log, exhibit-manifest.csv -- are
not outputs; with --manifest only the rows whose source is --source are)
into exactly one class:

  exact     its SHA-256 is an original's (each original counted once; more
            copies of one are "duplicates", neither good nor false)
  embedded  its SHA-256 is an item embedded in an original (an EXIF
            thumbnail), which the ground truth lists, or the EXIF thumbnail
            of a decoy JPEG that the truncation left whole
  partial   a strict prefix of an original, or a contiguous piece of one
  broken    overlaps an original but is none of the above: a wrong
            fragment joined, garbage appended or prepended
  false     overlaps no original: carved from a decoy or from noise

An output's bytes are located in the image, not guessed from its name:
every 64-byte window at a 512-byte boundary of the image is indexed, the
output is synchronised on the first unique window it shares with the
image, and matched runs are extended byte by byte (so a carve that jumps
from one fragment to another, or into noise, is seen as such).  The runs
are then compared with where the ground truth put the originals and decoys.

`report` prints, per tool and per type, the exact contiguous (x/N) and
fragmented (x/M) originals, partial, embedded, broken and false outputs,
with MB/s and peak RSS from the timing file (lines: tool wall_s rss_kib
cpu_s note), and the targets of the carving issue marked PASS or FAIL.
"""
import argparse
import bisect
import csv
import hashlib
import json
import mmap
import os
import sys

from carve_image import exif_thumbnail

K = 64                  # window length
STEP = 512              # windows of the image are taken at sector boundaries
AMBIGUOUS = -1
NOT_OUTPUTS = {"audit.txt", "report.xml", "photorec.log", "exhibit-manifest.csv", "photorec.ses"}
TYPES = ["jpg", "png", "gif", "mp4", "mov", "avi", "mkv", "webm", "flv", "sqlite"]


# ---------------------------------------------------------------- the truth

class Truth:
    def __init__(self, truth_path, image_path):
        with open(truth_path) as f:
            t = json.load(f)
        self.items = t["items"]
        self.originals = [it for it in self.items if it["kind"] == "original"]
        self.f = open(image_path, "rb")
        self.size = os.fstat(self.f.fileno()).st_size
        self.m = mmap.mmap(self.f.fileno(), 0, access=mmap.ACCESS_READ) if self.size else b""
        self.by_sha = {}
        for i, it in enumerate(self.originals):
            self.by_sha.setdefault(it["sha256"], i)
        self.embedded = {}
        for i, it in enumerate(self.originals):
            for e in it.get("embedded", []):
                self.embedded.setdefault(e["sha256"], (i, e))
        self._embedded_in_decoys()
        # every fragment of every item, sorted by image offset
        self.ranges = []
        for idx, it in enumerate(self.items):
            pos = 0
            for off, ln in it["fragments"]:
                self.ranges.append((off, off + ln, idx, pos))
                pos += ln
        self.ranges.sort()
        self.starts = [r[0] for r in self.ranges]
        self._data = {}
        self.index = self._build_index()

    def close(self):
        if self.size:
            self.m.close()
        self.f.close()

    def _embedded_in_decoys(self):
        """A decoy is a damaged file, but an item embedded in it that is still
        whole (the EXIF thumbnail of a truncated JPEG) is a true find: it is
        listed with the decoy's name, not counted false."""
        for it in self.items:
            if it["kind"] != "decoy" or it["type"] != "jpg":
                continue
            data = b"".join(self.m[o:o + n] for o, n in it["fragments"])
            th = exif_thumbnail(data)
            if th:
                off, ln = th
                h = hashlib.sha256(data[off:off + ln]).hexdigest()
                self.embedded.setdefault(h, (None, dict(what="exif_thumbnail", decoy=it["name"])))

    def data(self, i):
        """The bytes of original I, read from the image through its fragments."""
        d = self._data.get(i)
        if d is None:
            d = b"".join(self.m[o:o + n] for o, n in self.originals[i]["fragments"])
            self._data[i] = d
        return d

    def _build_index(self):
        index = {}
        m = self.m
        for s in range(0, self.size - K + 1, STEP):
            w = m[s:s + K]
            if w.count(w[:1]) == K:          # a uniform window (zeros, 0xFF) places nothing
                continue
            h = hash(w)
            index[h] = AMBIGUOUS if h in index else s
        return index

    def items_at(self, start, end):
        """(item index, item offset of start, overlap bytes) of every item
        fragment that [start, end) of the image overlaps."""
        out = []
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        while i < len(self.ranges) and self.ranges[i][0] < end:
            a, b, idx, pos = self.ranges[i]
            lo, hi = max(a, start), min(b, end)
            if lo < hi:
                out.append((idx, pos + (lo - a), hi - lo, lo))
            i += 1
        return out


# ---------------------------------------------------------------- locating

def common_prefix(a, b):
    """Length of the common prefix of two buffers (memcmp in chunks)."""
    n = min(len(a), len(b))
    lo = 0
    chunk = 1 << 16
    while lo < n:
        hi = min(n, lo + chunk)
        if a[lo:hi] == b[lo:hi]:
            lo = hi
            continue
        # binary search inside the differing chunk
        l, r = lo, hi
        while r - l > 1:
            mid = (l + r) // 2
            if a[lo:mid] == b[lo:mid]:
                l = mid
            else:
                r = mid
        return l if a[l] != b[l] else r
    return n


def common_suffix(a, b):
    """Length of the common suffix of two buffers of the same length."""
    n = len(a)
    hi = n
    chunk = 1 << 16
    while hi > 0:
        lo = max(0, hi - chunk)
        if a[lo:hi] == b[lo:hi]:
            hi = lo
            continue
        l, r = lo, hi          # a[r:hi] == b[r:hi]; find the smallest such r
        while r - l > 1:
            mid = (l + r) // 2
            if a[mid:hi] == b[mid:hi]:
                r = mid
            else:
                l = mid
        r = r if a[l] != b[l] else l
        return n - r
    return n


MIN_ODD_RUN = 512      # a run found off the output's phase must be this long
ODD_BUDGET = 1 << 20   # at most this many windows tried at every offset, per output


def locate(data, truth):
    """Runs (out_offset, image_offset, length) where DATA equals the image.

    A carver copies image bytes from some start P, so the output's offsets
    j with (P + j) % 512 == 0 -- its phase -- are where it meets the
    image's indexed windows.  The phase is unknown at first (0, the common
    case, is tried first: headers sit on sector boundaries), then taken
    from each run found; only when the phase finds nothing is every offset
    tried (ODD_BUDGET windows at most), and a run found that way must be
    MIN_ODD_RUN bytes long (a 64-byte window found at another phase can be
    a coincidence of structure: the same schema text in two databases)."""
    m, index, n = truth.m, truth.index, len(data)
    runs = []
    pos = 0                      # bytes before it are placed or given up
    phase = 0
    budget = ODD_BUDGET

    def lookup(j):
        w = data[j:j + K]
        if w.count(w[:1]) == K:
            return None
        s = index.get(hash(w))
        if s is None or s == AMBIGUOUS or m[s:s + K] != w:
            return None
        return s

    def extend(j, s):
        back = min(j - pos, s)
        b = common_suffix(memoryview(data)[j - back:j], memoryview(m)[s - back:s])
        f = common_prefix(memoryview(data)[j:], memoryview(m)[s:])
        return j - b, s - b, b + f

    while pos + K <= n:
        hit = None
        j = pos + (phase - pos) % STEP
        while j + K <= n:                       # the phase: one window a sector
            s = lookup(j)
            if s is not None:
                hit = extend(j, s)
                break
            j += STEP
        j = pos
        while hit is None and j + K <= n and budget > 0:    # every offset, for a long run
            block = data[j:j + STEP + K]
            if block.count(block[:1]) == len(block):
                j += STEP
                continue
            budget -= 1
            s = lookup(j)
            if s is not None:
                run = extend(j, s)
                if run[2] >= MIN_ODD_RUN or run[0] + run[2] == n:
                    hit = run
            j += 1
        if hit is None:
            break
        runs.append(hit)
        pos = hit[0] + hit[2]
        phase = (hit[0] - hit[1]) % STEP        # image offset s is a sector boundary
    return runs


# ---------------------------------------------------------------- classifying

def sniff(data):
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"GIF8":
        return "gif"
    if data[4:8] == b"ftyp":
        return "mov" if data[8:10] == b"qt" else "mp4"
    if data[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mov"
    if data[:4] == b"RIFF" and data[8:11] == b"AVI":
        return "avi"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "webm" if b"webm" in data[:64] else "mkv"
    if data[:3] == b"FLV":
        return "flv"
    if data[:16] == b"SQLite format 3\0":
        return "sqlite"
    return "other"


def classify(path, truth, seen):
    """One output: (class, type, original name or None, detail)."""
    with open(path, "rb") as f:
        data = f.read()
    h = hashlib.sha256(data).hexdigest()
    i = truth.by_sha.get(h)
    if i is not None:
        it = truth.originals[i]
        if i in seen:
            return "duplicate", it["type"], it["name"], "another copy"
        seen.add(i)
        return "exact", it["type"], it["name"], "%d fragment(s)" % len(it["fragments"])
    e = truth.embedded.get(h)
    if e is not None and e[0] is None:
        return "embedded", "jpg", None, "%s of decoy %s" % (e[1]["what"], e[1]["decoy"])
    if e is not None:
        it = truth.originals[e[0]]
        return "embedded", it["type"], it["name"], e[1]["what"]
    if not data:
        return "false", "other", None, "empty file"
    if len(data) < K:
        for i, it in enumerate(truth.originals):
            if truth.data(i).startswith(data):
                return "partial", it["type"], it["name"], "tiny prefix (%d bytes)" % len(data)
        return "false", sniff(data), None, "tiny (%d bytes), not a prefix" % len(data)
    runs = locate(data, truth)
    over = {}                    # item index -> bytes of the output from it
    first = None                 # (item index, item offset) of the output's first byte
    for out_off, img_off, ln in runs:
        for idx, pos, n, lo in truth.items_at(img_off, img_off + ln):
            over[idx] = over.get(idx, 0) + n
            if first is None and out_off == 0 and lo == img_off:
                first = (idx, pos)
    orig_over = {idx: n for idx, n in over.items() if truth.items[idx]["kind"] == "original"}
    if first is not None and truth.items[first[0]]["kind"] == "original":
        it = truth.items[first[0]]
        oi = truth.originals.index(it)
        pos = first[1]
        if truth.data(oi)[pos:pos + len(data)] == data:
            what = "prefix" if pos == 0 else "piece at %d" % pos
            return "partial", it["type"], it["name"], "%s, %d of %d bytes" % (what, len(data), it["size"])
    if orig_over:
        best = max(orig_over, key=lambda idx: orig_over[idx])
        it = truth.items[best]
        return "broken", it["type"], it["name"], "%d of %d bytes from %d original(s), %d bytes from elsewhere" % (
            orig_over[best], len(data), len(orig_over), len(data) - sum(orig_over.values()))
    decoys = [idx for idx in over if truth.items[idx]["kind"] == "decoy"]
    if decoys:
        d = truth.items[max(decoys, key=lambda idx: over[idx])]
        return "false", d["type"], None, "from decoy %s (%s)" % (d["name"], d["decoy"])
    return "false", sniff(data), None, "from noise"


def output_files(root, manifest, source, ids=None):
    """The output files under ROOT (sorted); with a manifest, only its rows
    of SOURCE, and IDS (a dict, if given) gets path -> file_id."""
    if manifest:
        with open(manifest, newline="") as f:
            rows = list(csv.DictReader(f))
        keep = [r for r in rows if r.get("source") == source]
        others = len(rows) - len(keep)
        if ids is not None:
            for r in keep:
                ids[os.path.join(root, r["extracted_path"])] = r["file_id"]
        return [os.path.join(root, r["extracted_path"]) for r in keep], others
    files = []
    for d, _, names in os.walk(root):
        for nm in names:
            if nm not in NOT_OUTPUTS:
                files.append(os.path.join(d, nm))
    return sorted(files), 0


def score(args):
    truth = Truth(args.truth, args.image)
    ids = {}
    files, others = output_files(args.dir, args.manifest, args.source, ids)
    flags = {}
    if args.validated:          # "file_id|validated" lines (exhibit's v_carved)
        with open(args.validated) as f:
            for line in f:
                x = line.strip().split("|")
                if len(x) == 2 and x[1] in ("0", "1"):
                    flags[x[0]] = int(x[1])
    seen = set()
    per_type = {}
    counts = {c: 0 for c in ("exact", "duplicate", "embedded", "partial", "broken", "false")}
    outputs = []
    total = 0
    for p in files:
        cls, typ, orig, detail = classify(p, truth, seen)
        counts[cls] += 1
        total += os.path.getsize(p)
        pt = per_type.setdefault(typ, {c: 0 for c in counts})
        pt[cls] += 1
        o = dict(path=os.path.relpath(p, args.dir), size=os.path.getsize(p), cls=cls,
                 type=typ, original=orig, detail=detail)
        if flags and ids.get(p) in flags:
            o["validated"] = flags[ids[p]]
        outputs.append(o)
    recovered = sorted(truth.originals[i]["name"] for i in seen)
    result = dict(tool=args.tool, files=len(files), bytes=total, other_rows=others, counts=counts,
                  per_type=per_type, recovered=recovered, outputs=outputs)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
    return 0


# ---------------------------------------------------------------- report

def tally(truth_items, result):
    """Per type: N contiguous, M fragmented, and what the tool recovered."""
    got = set(result["recovered"]) if result else set()
    rows = {}
    for it in truth_items:
        if it["kind"] != "original":
            continue
        r = rows.setdefault(it["type"], dict(nc=0, nf=0, xc=0, xf=0))
        frag = len(it["fragments"]) > 1
        r["nf" if frag else "nc"] += 1
        if it["name"] in got:
            r["xf" if frag else "xc"] += 1
    if result:
        for t, pt in result["per_type"].items():
            r = rows.setdefault(t, dict(nc=0, nf=0, xc=0, xf=0))
            for c in ("partial", "embedded", "broken", "false", "duplicate"):
                r[c] = r.get(c, 0) + pt.get(c, 0)
    return rows


def report(args):
    with open(args.truth) as f:
        truth = json.load(f)
    results = {}
    for p in args.results:
        with open(p) as f:
            r = json.load(f)
        results[r["tool"]] = r
    timing = {}
    if args.timing:
        with open(args.timing) as f:
            for line in f:
                x = line.split()
                if len(x) >= 4:
                    timing[x[0]] = dict(wall=float(x[1]), rss=float(x[2]), cpu=float(x[3]),
                                        others=float(x[4]) if len(x) > 4 else None)
    tools = args.tools.split(",") if args.tools else list(results)
    size = truth["image_size"]
    origs = [it for it in truth["items"] if it["kind"] == "original"]
    nc = sum(1 for it in origs if len(it["fragments"]) == 1)
    nf = len(origs) - nc
    out = sys.stdout
    out.write("\n%-9s %9s %9s %7s %6s %6s %6s %4s %7s %7s %7s %7s %6s\n" % (
        "tool", "contig", "fragmnt", "partial", "embedd", "broken", "false", "dup",
        "wall s", "cpu s", "MB/s", "RSS MiB", "others"))

    def times(tm):
        if not tm:
            return "%7s %7s %7s %7s %6s" % ("-", "-", "-", "-", "-")
        return "%7.2f %7.2f %7.1f %7.1f %6s" % (
            tm["wall"], tm["cpu"], size / tm["wall"] / 1e6, tm["rss"] / 1024,
            "%.2f" % tm["others"] if tm.get("others") is not None else "-")
    summary = {}
    for tool in tools:
        r = results.get(tool)
        tm = timing.get(tool)
        if r is None:
            out.write("%s: %s\n" % (tool, args.missing.get(tool, "no result")))
            continue
        rows = tally(truth["items"], r)
        s = {k: sum(v.get(k, 0) for v in rows.values())
             for k in ("xc", "xf", "partial", "embedded", "broken", "false", "duplicate")}
        s["wall"] = tm["wall"] if tm else None
        s["rss"] = tm["rss"] if tm else None
        summary[tool] = s
        out.write("%-9s %9s %9s %7d %6d %6d %6d %4d %s\n" % (
            tool, "%d/%d" % (s["xc"], nc), "%d/%d" % (s["xf"], nf), s["partial"], s["embedded"],
            s["broken"], s["false"], s["duplicate"], times(tm)))
        for part in sorted(k for k in timing if k.startswith(tool + "-")):
            out.write("%-65s%s\n" % ("  " + part[len(tool) + 1:] + " (apart: not in the row above)", times(timing[part])))
    out.write("\nper type (exact contiguous x/N, exact fragmented x/M, partial p, broken b, false f):\n")
    types = [t for t in TYPES if any(it["type"] == t for it in origs)]
    extra = sorted({t for r in results.values() for t in r["per_type"]} - set(types))
    out.write("%-7s" % "type" + "".join("%-27s" % t for t in tools if t in results) + "\n")
    tallies = {t: tally(truth["items"], results[t]) for t in tools if t in results}
    for typ in types + extra:
        line = "%-7s" % typ
        for tool in tools:
            if tool not in results:
                continue
            v = tallies[tool].get(typ, {})
            line += "%-27s" % ("%d/%d %d/%d p%d b%d f%d" % (
                v.get("xc", 0), v.get("nc", 0), v.get("xf", 0), v.get("nf", 0),
                v.get("partial", 0), v.get("broken", 0), v.get("false", 0)))
        out.write(line.rstrip() + "\n")
    for tool in tools:
        flagged = [o for o in results.get(tool, {}).get("outputs", []) if o.get("validated") == 0]
        if flagged:
            by = {}
            for o in flagged:
                by[o["cls"]] = by.get(o["cls"], 0) + 1
            out.write("\n%s marks %d of its outputs partial itself (validated = 0): %s\n" % (
                tool, len(flagged), ", ".join("%d %s" % (n, c) for c, n in sorted(by.items()))))
    if args.misses and "exhibit" in results:
        got = set(results["exhibit"]["recovered"])
        missed = [it["name"] for it in origs if len(it["fragments"]) == 1 and it["name"] not in got]
        if missed:
            out.write("\nexhibit missed %d contiguous original(s): %s%s\n" % (
                len(missed), ", ".join(missed[:20]), " ..." if len(missed) > 20 else ""))

    out.write("\ntargets (value, bound, mark):\n")

    def mark(text, ok, value):
        out.write("  %-62s %-18s %s\n" % (text, value, "PASS" if ok else "FAIL"))

    ex = summary.get("exhibit")
    peers = [t for t in tools if t != "exhibit" and t in summary]
    if ex is None:
        out.write("  exhibit: %s: the targets cannot be checked\n" % args.missing.get("exhibit", "no result"))
        return 0
    mark("every contiguous original recovered byte-exact", ex["xc"] == nc, "%d/%d" % (ex["xc"], nc))
    for p in peers:
        mark("fragmented originals exact: exhibit > %s" % p, ex["xf"] > summary[p]["xf"],
             "%d > %d" % (ex["xf"], summary[p]["xf"]))
    for p in peers:
        a = ex["false"] + ex["broken"]
        b = summary[p]["false"] + summary[p]["broken"]
        mark("false + broken outputs: exhibit < %s" % p, a < b, "%d < %d" % (a, b))
    if "photorec" in summary and ex["wall"] and summary["photorec"]["wall"]:
        ratio = summary["photorec"]["wall"] / ex["wall"]
        mark("MB/s: exhibit / photorec >= 3", ratio >= 3, "%.2f >= 3" % ratio)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score")
    s.add_argument("--truth", required=True)
    s.add_argument("--image", required=True)
    s.add_argument("--tool", required=True)
    s.add_argument("--manifest")
    s.add_argument("--source", default="carved")
    s.add_argument("--validated", help="file_id|validated lines: the tool's own whole/partial flag")
    s.add_argument("--out", required=True)
    s.add_argument("dir")
    r = sub.add_parser("report")
    r.add_argument("--truth", required=True)
    r.add_argument("--timing")
    r.add_argument("--tools", help="comma-separated order of the rows")
    r.add_argument("--missing", action="append", default=[],
                   help="TOOL=TEXT: what to print for a tool without a result")
    r.add_argument("--misses", action="store_true", help="list the contiguous originals exhibit missed")
    r.add_argument("results", nargs="*")
    args = ap.parse_args()
    if args.cmd == "score":
        return score(args)
    args.missing = dict(x.split("=", 1) for x in args.missing)
    return report(args)


if __name__ == "__main__":
    sys.exit(main())
