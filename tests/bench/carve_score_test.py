#!/usr/bin/env python3
"""carve_score_test.py -- the carving scorer on small synthetic cases.

Builds a 1 MiB image with known originals (contiguous, in two fragments,
one with an embedded item), a decoy and noise, writes outputs of every kind
a carver produces, and checks that carve_score.py puts each in the right
class; then checks the report's targets.  Run: python3 carve_score_test.py
"""
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carve_image  # noqa: E402
import carve_score  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def sha(b):
    import hashlib
    return hashlib.sha256(b).hexdigest()


class Case:
    """A small image: A contiguous at 4096, B in two fragments, C contiguous
    with an embedded item at 1000..4000, a decoy D, zeros, noise."""

    def __init__(self, d):
        r = random.Random(7)
        self.img = bytearray(r.randbytes(1 << 20))
        self.img[600000:700000] = bytes(100000)                 # a zero region
        self.A = b"\xff\xd8\xff\xe0" + r.randbytes(20000)
        self.B = b"\x89PNG\r\n\x1a\n" + r.randbytes(30000)
        self.C = b"\xff\xd8\xff\xe1" + r.randbytes(12000)
        self.D = b"\xff\xd8\xff\xe0" + r.randbytes(9000)
        self.place(4096, self.A)
        self.place(65536, self.B[:8192])
        self.place(98304, self.B[8192:])
        self.place(200704, self.C)
        self.place(300032, self.D)
        # E: a decoy that shares structure with the originals: B's first 64
        # bytes, zeros, 200 bytes of A at an odd offset, then its own bytes
        e = bytearray(12000)
        e[:64] = self.B[:64]
        e[3001:3201] = self.A[1000:1200]
        e[6144:] = r.randbytes(12000 - 6144)
        self.E = bytes(e)
        self.place(520192, self.E)
        # F: a decoy JPEG truncated after its Exif segment: its thumbnail
        # is whole
        self.thumb = b"\xff\xd8\xff\xdb" + r.randbytes(2500) + b"\xff\xd9"
        self.F = b"\xff\xd8" + carve_image.exif_app1(r, self.thumb) + b"\xff\xdb" + r.randbytes(3000)
        self.place(800768, self.F)
        self.d = d
        items = [
            dict(kind="original", name="A.jpg", type="jpg", size=len(self.A), sha256=sha(self.A),
                 fragments=[[4096, len(self.A)]], embedded=[]),
            dict(kind="original", name="B.png", type="png", size=len(self.B), sha256=sha(self.B),
                 fragments=[[65536, 8192], [98304, len(self.B) - 8192]], embedded=[]),
            dict(kind="original", name="C.jpg", type="jpg", size=len(self.C), sha256=sha(self.C),
                 fragments=[[200704, len(self.C)]],
                 embedded=[dict(type="jpg", what="exif_thumbnail", offset=1000, length=3000,
                                sha256=sha(self.C[1000:4000]))]),
            dict(kind="decoy", name="D", type="jpg", decoy="truncated", size=len(self.D),
                 sha256=sha(self.D), fragments=[[300032, len(self.D)]]),
            dict(kind="decoy", name="E", type="png", decoy="magic_random", size=len(self.E),
                 sha256=sha(self.E), fragments=[[520192, len(self.E)]]),
            dict(kind="decoy", name="F", type="jpg", decoy="truncated", size=len(self.F),
                 sha256=sha(self.F), fragments=[[800768, len(self.F)]]),
        ]
        self.truth = dict(image_size=len(self.img), items=items)
        with open(os.path.join(d, "img.raw"), "wb") as f:
            f.write(self.img)
        with open(os.path.join(d, "truth.json"), "w") as f:
            json.dump(self.truth, f)
        self.out = os.path.join(d, "out")
        os.makedirs(self.out)

    def place(self, off, data):
        self.img[off:off + len(data)] = data

    def write(self, name, data):
        with open(os.path.join(self.out, name), "wb") as f:
            f.write(data)


class ScorerTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.c = Case(self.dir)
        self.truth = carve_score.Truth(os.path.join(self.dir, "truth.json"), os.path.join(self.dir, "img.raw"))

    def tearDown(self):
        self.truth.close()
        shutil.rmtree(self.dir)

    def cls(self, data, seen=None):
        self.c.write("x", data)
        return carve_score.classify(os.path.join(self.c.out, "x"), self.truth, set() if seen is None else seen)

    def test_exact_and_duplicate(self):
        seen = set()
        self.assertEqual(self.cls(self.c.A, seen)[:3], ("exact", "jpg", "A.jpg"))
        self.assertEqual(self.cls(self.c.A, seen)[0], "duplicate")

    def test_fragmented_exact(self):
        self.assertEqual(self.cls(self.c.B)[:3], ("exact", "png", "B.png"))

    def test_prefix_and_piece_are_partial(self):
        self.assertEqual(self.cls(self.c.A[:5000])[0], "partial")
        self.assertIn("prefix", self.cls(self.c.A[:5000])[3])
        self.assertEqual(self.cls(self.c.A[3000:9000])[0], "partial")
        self.assertEqual(self.cls(self.c.A[:20])[0], "partial")            # shorter than a window
        self.assertEqual(self.cls(self.c.B[:8192])[0], "partial")          # the first fragment alone
        self.assertEqual(self.cls(self.c.B[100:20000])[0], "partial")      # across the fragment join

    def test_contiguous_carve_of_a_fragmented_file_is_broken(self):
        img = self.c.img
        self.assertEqual(self.cls(bytes(img[65536:65536 + len(self.c.B)]))[:3], ("broken", "png", "B.png"))

    def test_garbage_appended_or_prepended_is_broken(self):
        self.assertEqual(self.cls(self.c.A + b"\0" * 1000 + os.urandom(1000))[0], "broken")
        self.assertEqual(self.cls(self.c.D[:2048] + self.c.A)[0], "broken")   # nested SOI
        img = self.c.img
        self.assertEqual(self.cls(bytes(img[4096 - 100:4096 + 5000]))[0], "broken")  # odd start

    def test_wrong_fragment_joined_is_broken(self):
        self.assertEqual(self.cls(self.c.B[:8192] + self.c.A[:20000])[:3][0], "broken")

    def test_embedded_item(self):
        self.assertEqual(self.cls(self.c.C[1000:4000])[:3], ("embedded", "jpg", "C.jpg"))

    def test_whole_thumbnail_of_a_decoy_is_embedded(self):
        r = self.cls(self.c.thumb)
        self.assertEqual(r[:3], ("embedded", "jpg", None))
        self.assertIn("decoy F", r[3])
        self.assertEqual(self.cls(self.c.F)[0], "false")             # the decoy itself
        self.assertEqual(self.cls(self.c.thumb[:2000])[0], "false")    # a piece of the thumbnail

    def test_false_outputs(self):
        r = self.cls(self.c.D)
        self.assertEqual(r[0], "false")
        self.assertIn("decoy", r[3])
        r = self.cls(bytes(self.c.img[400000:450000]))
        self.assertEqual(r[0], "false")
        self.assertIn("noise", r[3])
        self.assertEqual(self.cls(random.Random(3).randbytes(30000))[0], "false")   # not in the image
        self.assertEqual(self.cls(b"")[0], "false")
        self.assertEqual(self.cls(bytes(50000))[0], "false")                        # zeros place nothing
        self.assertEqual(self.cls(bytes(self.c.img[600000:700000]))[0], "false")

    def test_shared_structure_is_not_an_overlap(self):
        r = self.cls(self.c.E)
        self.assertEqual(r[0], "false")
        self.assertIn("from decoy E", r[3])

    def test_odd_start_in_noise(self):
        img = self.c.img
        r = self.cls(bytes(img[450001:460001]))          # a header found in noise, off the sectors
        self.assertEqual(r[0], "false")
        self.assertIn("noise", r[3])
        r = self.cls(bytes(img[98304 - 3001:98304 + 2000]))   # noise running into B's second fragment
        self.assertEqual(r[:3], ("broken", "png", "B.png"))

    def test_score_and_report(self):
        c = self.c
        c.write("f1.jpg", c.A)
        c.write("f2.png", c.B)
        c.write("f3.jpg", c.D)
        c.write("f4.jpg", c.C)
        c.write("audit.txt", b"not an output")
        res = os.path.join(self.dir, "ex.json")
        script = os.path.join(HERE, "carve_score.py")
        subprocess.run([sys.executable, script, "score", "--truth", os.path.join(self.dir, "truth.json"),
                        "--image", os.path.join(self.dir, "img.raw"), "--tool", "exhibit", "--out", res,
                        c.out], check=True)
        with open(res) as f:
            r = json.load(f)
        self.assertEqual(r["files"], 4)
        self.assertEqual(r["counts"]["exact"], 3)
        self.assertEqual(r["counts"]["false"], 1)
        self.assertEqual(r["recovered"], ["A.jpg", "B.png", "C.jpg"])
        # a peer that recovers only A, and carves B contiguously (broken)
        peer = os.path.join(self.dir, "peer")
        os.makedirs(peer)
        with open(os.path.join(peer, "a.jpg"), "wb") as f:
            f.write(c.A)
        with open(os.path.join(peer, "b.png"), "wb") as f:
            f.write(bytes(c.img[65536:65536 + len(c.B)]))
        with open(os.path.join(peer, "d.jpg"), "wb") as f:
            f.write(c.D)
        pres = os.path.join(self.dir, "photorec.json")
        subprocess.run([sys.executable, script, "score", "--truth", os.path.join(self.dir, "truth.json"),
                        "--image", os.path.join(self.dir, "img.raw"), "--tool", "photorec", "--out", pres,
                        peer], check=True)
        timing = os.path.join(self.dir, "timing")
        with open(timing, "w") as f:
            f.write("exhibit 1.0 10240 1.5\nphotorec 4.0 20480 3.9\n")
        out = subprocess.run([sys.executable, script, "report", "--truth", os.path.join(self.dir, "truth.json"),
                              "--timing", timing, "--tools", "exhibit,photorec", res, pres],
                             check=True, capture_output=True, text=True).stdout
        self.assertRegex(out, r"every contiguous original recovered byte-exact\s+2/2\s+PASS")
        self.assertRegex(out, r"fragmented originals exact: exhibit > photorec\s+1 > 0\s+PASS")
        self.assertRegex(out, r"false \+ broken outputs: exhibit < photorec\s+1 < 2\s+PASS")
        self.assertRegex(out, r"MB/s: exhibit / photorec >= 3\s+4.00 >= 3\s+PASS")
        self.assertRegex(out, r"exhibit\s+2/2\s+1/1\s+0\s+0\s+0\s+1")
        self.assertRegex(out, r"photorec\s+1/2\s+0/1\s+0\s+0\s+1\s+1")
        self.assertRegex(out, r"png\s+0/0 1/1 p0 b0 f0\s+0/0 0/1 p0 b1 f0")
        # the same peer against an exhibit that missed C: the first target fails
        os.unlink(os.path.join(c.out, "f4.jpg"))
        subprocess.run([sys.executable, script, "score", "--truth", os.path.join(self.dir, "truth.json"),
                        "--image", os.path.join(self.dir, "img.raw"), "--tool", "exhibit", "--out", res,
                        c.out], check=True)
        out = subprocess.run([sys.executable, script, "report", "--truth", os.path.join(self.dir, "truth.json"),
                              "--timing", timing, "--misses", res, pres],
                             check=True, capture_output=True, text=True).stdout
        self.assertRegex(out, r"every contiguous original recovered byte-exact\s+1/2\s+FAIL")
        self.assertIn("exhibit missed 1 contiguous original(s): C.jpg", out)

    def test_report_without_exhibit(self):
        c = self.c
        c.write("a.jpg", c.A)
        script = os.path.join(HERE, "carve_score.py")
        res = os.path.join(self.dir, "photorec.json")
        subprocess.run([sys.executable, script, "score", "--truth", os.path.join(self.dir, "truth.json"),
                        "--image", os.path.join(self.dir, "img.raw"), "--tool", "photorec", "--out", res,
                        c.out], check=True)
        out = subprocess.run([sys.executable, script, "report", "--truth", os.path.join(self.dir, "truth.json"),
                              "--tools", "exhibit,photorec", "--missing", "exhibit=this build does not carve",
                              res], check=True, capture_output=True, text=True).stdout
        self.assertIn("\nexhibit: this build does not carve\n", out)
        self.assertRegex(out, r"photorec\s+1/2\s+0/1")
        self.assertIn("exhibit: this build does not carve: the targets cannot be checked", out)
        self.assertNotIn("PASS", out)

    def test_manifest_selects_carved_rows(self):
        c = self.c
        c.write("a.jpg", c.A)
        c.write("thumb.jpg", c.C[1000:4000])
        with open(os.path.join(c.out, "exhibit-manifest.csv"), "w") as f:
            f.write("extracted_path,original_path,evidence_id,volume_offset,file_id,source,deleted,size,md5,sha256\r\n")
            f.write("a.jpg,/carved/a.jpg,1,,1,carved,1,%d,,\r\n" % len(c.A))
            f.write("thumb.jpg,/carved/a.jpg/t.jpg,1,,2,embedded,1,3000,,\r\n")
        ids = {}
        files, others = carve_score.output_files(c.out, os.path.join(c.out, "exhibit-manifest.csv"), "carved", ids)
        self.assertEqual([os.path.basename(p) for p in files], ["a.jpg"])
        self.assertEqual(others, 1)
        self.assertEqual(list(ids.values()), ["1"])
        # the tool's own partial flag is carried into the result and the report
        c.write("b.jpg", c.D)
        with open(os.path.join(c.out, "exhibit-manifest.csv"), "a") as f:
            f.write("b.jpg,/carved/b.jpg,1,,3,carved,1,%d,,\r\n" % len(c.D))
        with open(os.path.join(self.dir, "validated"), "w") as f:
            f.write("1|1\n3|0\n")
        script = os.path.join(HERE, "carve_score.py")
        res = os.path.join(self.dir, "exhibit.json")
        subprocess.run([sys.executable, script, "score", "--truth", os.path.join(self.dir, "truth.json"),
                        "--image", os.path.join(self.dir, "img.raw"), "--tool", "exhibit", "--out", res,
                        "--manifest", os.path.join(c.out, "exhibit-manifest.csv"),
                        "--validated", os.path.join(self.dir, "validated"), c.out], check=True)
        out = subprocess.run([sys.executable, script, "report", "--truth", os.path.join(self.dir, "truth.json"),
                              res], check=True, capture_output=True, text=True).stdout
        self.assertIn("exhibit marks 1 of its outputs partial itself (validated = 0): 1 false", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
