"""toyc.py — TOYC files (tests/plugins/toycarver.c) for the carving tests.

Imported by the integration tests' inline Python, run from this folder:
    make(records, file_id, seed, lazy=False) -> bytes
    container_header(records, file_id) -> bytes       (its first record)
    container_trailer(records, file_id, raw) -> bytes (its last record)
    plant(image, offset, data): write data into a bytearray at offset
"""
import random
import struct

RECORD = 512


def fnv(rec, at):
    h = 2166136261
    for i, b in enumerate(rec):
        h ^= 0 if at <= i < at + 4 else b
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def fnv_bytes(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def container_header(records, file_id):
    rec = bytearray(RECORD)
    rec[0:8] = b"TOYCARV1"
    struct.pack_into("<II", rec, 8, records, file_id)
    rec[20] = 2
    struct.pack_into("<I", rec, 16, fnv(rec, 16))
    return bytes(rec)


def container_trailer(records, file_id, raw):
    """raw: the bytes of records 1 .. records-1."""
    rec = bytearray(RECORD)
    struct.pack_into("<III", rec, 0, records, file_id, 0)
    struct.pack_into("<I", rec, 12, fnv_bytes(raw))
    struct.pack_into("<I", rec, 8, fnv(rec, 8))
    return bytes(rec)


def plant(image, offset, data):
    image[offset:offset + len(data)] = data


def make(records, file_id, seed, lazy=False):
    rnd = random.Random(seed)
    out = bytearray(rnd.randbytes((records + 1) * RECORD))
    out[0:8] = b"TOYCARV1"
    struct.pack_into("<II", out, 8, records, file_id)
    out[20] = 1 if lazy else 0
    struct.pack_into("<I", out, 16, fnv(out[0:RECORD], 16))
    for i in range(1, records + 1):
        at = i * RECORD
        struct.pack_into("<II", out, at, i, file_id)
        struct.pack_into("<I", out, at + 8, fnv(out[at:at + RECORD], 8))
    return bytes(out)
