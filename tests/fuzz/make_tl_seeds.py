#!/usr/bin/env python3
"""make_tl_seeds.py [DIR] — write the seeds of the fuzz_tl target: TL
Message objects of each family plugins/telegram-android/tl.c decodes,
serialised from the public schema (little-endian ints, padded strings)."""
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "tl")
os.makedirs(out, exist_ok=True)


def u32(v):
    return struct.pack("<I", v & 0xffffffff)


def i64(v):
    return struct.pack("<q", v)


def tl_string(text):
    b = text.encode()
    head = bytes([len(b)]) if len(b) < 254 else bytes([254]) + struct.pack("<I", len(b))[:3]
    r = head + b
    return r + b"\0" * (-len(r) % 4)


def peer(kind, ident, wide=True):
    ids = {1: 0x59511722, 2: 0x36c6019a, 3: 0xa2a5371e} if wide else \
          {1: 0x9db1bc6d, 2: 0xbad0e5bb, 3: 0xbddde532}
    return u32(ids[kind]) + (i64(ident) if wide else u32(ident))


seeds = {
    "flags2_fwd_reply_media": u32(0x3ae56482) + u32(2 | 1 << 8 | 1 << 2 | 1 << 3 | 1 << 9) +
    u32(0) + u32(10) + peer(1, 1001) + peer(1, 2002) + u32(0x5f777dce) + u32(1 | 1 << 5) +
    peer(1, 3003) + tl_string("Author") + u32(1699999000) + u32(0xafbc09db) + u32(1 << 4) +
    u32(9) + u32(1700000000) + tl_string("hello there") + u32(0x695150d7) + u32(0),
    "rank_and_guest": u32(0x95ef6f2b) + u32(1 << 8) + u32(1 << 12 | 1 << 19) + u32(20) +
    peer(1, 1001) + tl_string("admin") + peer(3, 5005) + peer(1, 4004) + u32(1700000001) +
    tl_string("from a guest chat"),
    "peer_era_saved": u32(0x76bec211) + u32(1 << 28 | 1 << 11) + u32(30) + peer(3, 5005) +
    peer(1, 1001) + i64(777) + u32(1700000002) + tl_string("via a bot"),
    "int_era": u32(0x44f9b43d) + u32(1 << 8 | 1 << 2 | 1 << 3) + u32(11) + u32(2002) +
    peer(2, 5005, False) + u32(0xec338270) + u32(1 | 1 << 5) + u32(3003) + tl_string("Name") +
    u32(1499999000) + u32(7) + u32(1500000000) + tl_string("old one"),
    "secret": u32(0x555555fa) + u32(2) + u32(12) + u32(30) + u32(1001) + peer(1, 2002, False) +
    u32(1600000000) + tl_string("secret") + u32(0x3ded6320),
    "service": u32(0x7a800e0a) + u32(1 << 8 | 1 << 3) + u32(13) + peer(1, 1001) + peer(2, 5005) +
    u32(0xa6d57763) + u32(1) + u32(12) + peer(1, 1001) + u32(1600000001) + u32(0x15cefd00),
    "long_text": u32(0x38116ee0) + u32(0) + u32(14) + peer(1, 2002) + u32(1700000100) +
    tl_string("long " * 80),
    "story_reply": u32(0x9815cec8) + u32(1 << 3) + u32(0) + u32(15) + peer(1, 2002) +
    u32(0x0e5af939) + peer(1, 2002) + u32(5) + u32(1700000200) + tl_string("nice story"),
    "empty": u32(0x90a6ca84) + u32(1) + u32(16) + peer(1, 2002),
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
