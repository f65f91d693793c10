#!/usr/bin/env python3
"""make_pb_seeds.py [DIR] - write the seeds of fuzz_pb into DIR (default:
corpus/pb beside this script): Snapchat message_content blobs at each text
path snapchat.c reads (encoded as check_chat_snapchat.c encodes them), a
media one without text, and broken ones."""
import os
import sys


def varint(n):
    out = b""
    while True:
        low, n = n & 0x7F, n >> 7
        out += bytes([low | (0x80 if n else 0)])
        if not n:
            return out


def field_bytes(number, data):
    return varint(number << 3 | 2) + varint(len(data)) + data


def field_int(number, value):
    return varint(number << 3) + varint(value)


def blob(body):
    inner = field_int(1, 3) + field_bytes(4, body)
    return field_int(2, 1700000000123) + field_bytes(4, inner) + field_int(5, 0)


def text(s):
    return field_bytes(1, s.encode())


SEEDS = {
    "text": blob(field_bytes(2, text("hey, you up?") + field_int(2, 1))),
    "share": blob(field_bytes(7, field_int(1, 3) + field_bytes(11, text("look")))),
    "caption": blob(field_bytes(19, field_bytes(1, text("at the beach")))),
    "list": blob(field_bytes(24, b"".join(field_int(3, 7) + field_bytes(2, field_bytes(1, text(p)))
                                          for p in ("first", "second")))),
    "media": blob(field_bytes(3, field_int(1, 42))),
    "fixed": b"\x09" + bytes(8) + b"\x15" + bytes(4) + blob(field_bytes(2, text("x"))),
    "truncated": b"\x08\x01\x22\x05\xaa\xbb",
    "group": b"\x08\x01\x0b\x0c",
}

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "pb")
os.makedirs(root, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(root, name + ".pb"), "wb") as f:
        f.write(data)
