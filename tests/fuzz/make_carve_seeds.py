"""make_carve_seeds.py DIR — small seeds for fuzz_carve_engine: TOYC files
(whole, lazy, in two pieces, broken, a container) in random bytes."""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
import toyc  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rnd = random.Random(5)


def write(name, data):
    open(os.path.join(out, name), "wb").write(data)


whole = toyc.make(3, 1, 1)
write("whole", rnd.randbytes(7) + whole + rnd.randbytes(100))
lazy = toyc.make(5, 2, 2, lazy=True)
write("lazy", rnd.randbytes(64) + lazy + rnd.randbytes(64))
two = toyc.make(6, 3, 3)
write("two-pieces", two[:1600] + rnd.randbytes(192) + two[1600:])
write("broken", toyc.make(6, 4, 4)[:1800] + rnd.randbytes(800))
raw = rnd.randbytes(3 * 512)
box = toyc.container_header(4, 5) + raw + toyc.container_trailer(4, 5, raw)
write("container", rnd.randbytes(3) + box)
