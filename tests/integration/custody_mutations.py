#!/usr/bin/env python3
"""custody_mutations.py PRISTINE_CASE WORK EXHIBIT COUNT SEED

Tamper with copies of a signed case in every way the custody issue names,
COUNT times at random (seeded), and check that `exhibit verify` fails on
each and names what was changed.  Prints one line per mutation that went
undetected or unnamed, then a summary; exits 1 if any did.
"""
import os, random, shutil, sqlite3, subprocess, sys

pristine, work, exhibit, count, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
CUSTODY_LOG = {"custody_entries", "custody_rows", "custody_blobs", "custody_open"}


def tables(db):
    return [r[0] for r in db.execute(
        "SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND coalesce(sql,'') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")]


def nonempty(db):
    return [t for t in tables(db) if db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] > 0]


def columns(db, t):
    return [(r[1], r[5]) for r in db.execute(f'PRAGMA table_info("{t}")')]  # (name, pk position)


def different(v):
    if v is None:
        return 1
    if isinstance(v, bool) or isinstance(v, int):
        return v + 1
    if isinstance(v, float):
        return v * 2 + 1
    if isinstance(v, bytes):
        return bytes([v[0] ^ 1]) + v[1:] if v else b"\x01"
    return v + "x"


def expected_name(t):
    """What verify's output must mention for a change to table t."""
    if t == "custody_entries":
        return "entry"
    if t in ("custody_rows", "custody_blobs", "custody_open"):
        return t if t != "custody_open" else "did not finish"
    return "row " + t


def pick_row(db, t):
    rows = db.execute(f'SELECT rowid FROM "{t}"').fetchall() if has_rowid(db, t) else None
    return rng.choice(rows)[0] if rows else None


def has_rowid(db, t):
    try:
        db.execute(f'SELECT rowid FROM "{t}" LIMIT 1')
        return True
    except sqlite3.OperationalError:
        return False


def where_of(db, t):
    """A WHERE clause and its parameters picking one random row."""
    if has_rowid(db, t):
        return "rowid = ?", [pick_row(db, t)]
    keys = [c for c, pk in sorted(columns(db, t), key=lambda c: c[1]) if pk]
    row = rng.choice(db.execute(f'SELECT {",".join(keys)} FROM "{t}"').fetchall())
    return " AND ".join(f'"{k}" = ?' for k in keys), list(row)


def update_value(db, case):
    t = rng.choice(nonempty(db))
    where, params = where_of(db, t)
    cols = [c for c, pk in columns(db, t)]
    rng.shuffle(cols)
    for c in cols:
        old = db.execute(f'SELECT "{c}" FROM "{t}" WHERE {where}', params).fetchone()[0]
        try:
            db.execute(f'UPDATE "{t}" SET "{c}" = ? WHERE {where}', [different(old)] + params)
            return f"update {t}.{c}", expected_name(t)
        except sqlite3.IntegrityError:
            continue
    return None


def delete_row(db, case):
    t = rng.choice(nonempty(db))
    where, params = where_of(db, t)
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute(f'DELETE FROM "{t}" WHERE {where}', params)
    return f"delete a row of {t}", expected_name(t)


def insert_row(db, case):
    t = rng.choice([t for t in nonempty(db) if t != "custody_open"])
    cols = columns(db, t)
    names = [c for c, pk in cols]
    row = list(rng.choice(db.execute(f'SELECT {",".join(chr(34) + n + chr(34) for n in names)} FROM "{t}"').fetchall()))
    for attempt in range(20):
        try:
            db.execute(f'INSERT INTO "{t}" ({",".join(chr(34) + n + chr(34) for n in names)}) VALUES ({",".join("?" * len(names))})', row)
            return f"insert a row into {t}", expected_name(t) if t != "custody_entries" else "entry"
        except sqlite3.IntegrityError:
            i = rng.randrange(len(row))
            row[i] = different(row[i]) if row[i] is not None else 1 + attempt
    return None


def swap_entries(db, case):
    seqs = [r[0] for r in db.execute("SELECT seq FROM custody_entries")]
    if len(seqs) < 2:
        return None
    a, b = rng.sample(seqs, 2)
    db.execute("UPDATE custody_entries SET seq = -1 WHERE seq = ?", [a])
    db.execute("UPDATE custody_entries SET seq = ? WHERE seq = ?", [a, b])
    db.execute("UPDATE custody_entries SET seq = ? WHERE seq = -1", [b])
    return f"swap custody entries {a} and {b}", "entry"


def truncate_log(db, case):
    last = db.execute("SELECT max(seq) FROM custody_entries").fetchone()[0]
    keep = rng.randrange(0, last)
    db.execute("DELETE FROM custody_entries WHERE seq > ?", [keep])
    return f"truncate the log after entry {keep}", "truncated"


def flip_blob_byte(db, case):
    blobs = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(case, "content")) for f in fs]
    if not blobs:
        return None
    path = rng.choice(blobs)
    data = bytearray(open(path, "rb").read())
    if not data:
        return None
    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    open(path, "wb").write(bytes(data))
    return "flip a byte of " + os.path.relpath(path, case), "blob " + os.path.relpath(path, case)


def replace_public_key(db, case):
    pem = open(os.environ["OTHER_PUBLIC_KEY"]).read()
    pem = pem[pem.index("-----BEGIN"):]
    db.execute("UPDATE custody_keys SET public_key = ?", [pem])
    return "replace the public key", "key "


def drop_head(db, case):
    os.unlink(os.path.join(case, "custody.head"))
    return "delete custody.head", "head"


def alter_view(db, case):
    db.execute("DROP VIEW v_files")
    db.execute("CREATE VIEW v_files AS SELECT * FROM files WHERE id > 3")
    return "redefine the v_files view", "row sqlite_schema"


MUTATIONS = [update_value] * 6 + [delete_row] * 3 + [insert_row] * 3 + [
    swap_entries, truncate_log, flip_blob_byte, replace_public_key, drop_head, alter_view]

failures = done = 0
kinds = {}
for i in range(count):
    case = os.path.join(work, "mutant")
    shutil.rmtree(case, ignore_errors=True)
    shutil.copytree(pristine, case)
    db = sqlite3.connect(os.path.join(case, "case.db"), isolation_level=None)
    result = None
    while result is None:
        result = rng.choice(MUTATIONS)(db, case)
    db.close()
    what, expect = result
    kinds[what.split(" ")[0]] = kinds.get(what.split(" ")[0], 0) + 1
    proc = subprocess.run([exhibit, "verify", case], capture_output=True, text=True)
    fails = [l for l in proc.stdout.splitlines() if l.startswith("FAIL")]
    done += 1
    if proc.returncode != 1 or not fails:
        failures += 1
        print(f"UNDETECTED #{i}: {what} (exit {proc.returncode})\n{proc.stdout}{proc.stderr}")
    elif not any(expect in l for l in fails):
        failures += 1
        print(f"UNNAMED #{i}: {what}: no FAIL line mentions '{expect}':\n" + "\n".join(fails[:5]))
print(f"{done} mutations ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}): "
      f"{done - failures} detected and named, {failures} not")
sys.exit(1 if failures else 0)
