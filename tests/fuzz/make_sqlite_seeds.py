#!/usr/bin/env python3
"""make_sqlite_seeds.py OUTDIR — the seed corpora of fuzz_sqlite_pages and
fuzz_sqlite_wal, made with SQLite itself (Python's sqlite3): small databases
(512-byte pages) with deleted rows in every place recovery reads.

  OUTDIR/sqlite_pages/*.db   database files
  OUTDIR/sqlite_wal/*.bin    pairs: byte 0 (0 WAL, 1 journal), bytes 1-2 the
                             database's length (little-endian), the
                             database, the WAL or journal

The committed seeds in tests/fuzz/corpus/ were made with this script
(SQLite 3.40.1); salts and nonces differ from run to run.
"""
import os
import shutil
import sqlite3
import sys
import tempfile

MESSAGES = """CREATE TABLE messages(id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL,
 sender TEXT, body TEXT, sent INTEGER, is_read INTEGER DEFAULT 0);
CREATE INDEX messages_chat ON messages(chat_id);"""


def fill(c, rows, body="x"):
    for i in range(1, rows + 1):
        c.execute("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)",
                  (i, i % 5 + 1, "+4477%05d" % (i % 7),
                   "msg %d %s" % (i, body * (i % 9 + 1)), 1700000000000 + i * 997, i % 2))


def database(path, pragmas, script, rows=40, body="hello ", before=None):
    c = sqlite3.connect(path, isolation_level=None)
    c.executescript(pragmas)
    c.executescript(MESSAGES)
    c.execute("BEGIN")
    fill(c, rows, body)
    c.execute("COMMIT")
    if before:
        c.executescript(before)
    c.executescript(script)
    return c


def read(path):
    with open(path, "rb") as f:
        return f.read()


def pair(kind, main, companion):
    return bytes([kind, len(main) & 0xff, len(main) >> 8 & 0xff]) + main + companion


def main(out):
    pages = os.path.join(out, "sqlite_pages")
    wals = os.path.join(out, "sqlite_wal")
    os.makedirs(pages, exist_ok=True)
    os.makedirs(wals, exist_ok=True)
    work = tempfile.mkdtemp()
    base = "PRAGMA page_size = 512; PRAGMA secure_delete = OFF;"
    seeds = {
        "deleted.db": (base, "DELETE FROM messages WHERE id % 3 = 1;", {}),
        "freelist.db": (base, "DELETE FROM messages WHERE id BETWEEN 5 AND 35;", {}),
        "overflow.db": (base, "DELETE FROM messages WHERE id % 2 = 0;",
                        {"rows": 8, "body": "overflowing body text "}),
        "utf16.db": (base + "PRAGMA encoding = 'UTF-16be';",
                     "DELETE FROM messages WHERE id % 4 = 0;", {"body": "café 中文 "}),
        "autovacuum.db": (base + "PRAGMA auto_vacuum = INCREMENTAL;",
                          "DELETE FROM messages WHERE id % 2 = 1;", {}),
        "altered.db": (base, "ALTER TABLE messages ADD COLUMN mood TEXT DEFAULT 'x';"
                       "INSERT INTO messages(chat_id, body, mood) VALUES (1, 'new', 'y');"
                       "DELETE FROM messages WHERE id % 5 = 0;", {}),
        "hostile.db": (base, "CREATE VIEW v AS SELECT load_extension('x');"
                       "CREATE TRIGGER t AFTER DELETE ON messages BEGIN"
                       " INSERT INTO messages(chat_id) VALUES (1); END;"
                       "DELETE FROM messages WHERE id < 10;", {}),
    }
    for name, (pragmas, script, options) in seeds.items():
        path = os.path.join(work, name)
        database(path, pragmas, script, **options).close()
        shutil.copy(path, os.path.join(pages, name))
    data = read(os.path.join(pages, "deleted.db"))
    with open(os.path.join(pages, "truncated.db"), "wb") as f:
        f.write(data[:len(data) // 2 + 77])

    # WAL not checkpointed, then checkpointed
    for name, after in (("wal.bin", ""), ("wal_checkpointed.bin", "PRAGMA wal_checkpoint(PASSIVE);")):
        path = os.path.join(work, name + ".db")
        c = database(path, base + "PRAGMA journal_mode = wal; PRAGMA wal_autocheckpoint = 0;",
                     "DELETE FROM messages WHERE id % 3 = 0;" + after, rows=20)
        blob = pair(0, read(path), read(path + "-wal"))
        c.close()
        with open(os.path.join(wals, name), "wb") as f:
            f.write(blob)
    # a persist-mode journal of a finished delete; a hot one mid-transaction
    path = os.path.join(work, "persist.db")
    c = database(path, base + "PRAGMA journal_mode = persist; PRAGMA secure_delete = ON;",
                 "DELETE FROM messages WHERE id % 2 = 0;", rows=20)
    blob = pair(1, read(path), read(path + "-journal"))
    c.close()
    with open(os.path.join(wals, "journal_persist.bin"), "wb") as f:
        f.write(blob)
    path = os.path.join(work, "hot.db")
    c = database(path, base + "PRAGMA cache_size = 2;",
                 "BEGIN; DELETE FROM messages WHERE id % 2 = 0;", rows=30)
    blob = pair(1, read(path), read(path + "-journal"))
    c.close()
    with open(os.path.join(wals, "journal_hot.bin"), "wb") as f:
        f.write(blob)
    shutil.rmtree(work)


if __name__ == "__main__":
    main(sys.argv[1])
