#!/usr/bin/env python3
"""Writes the binary seeds of fuzz/corpus/ (the text ones are written by
hand): preamble frames, BASP streams and handoff record batches. Run from
anywhere; needs protoc (for the record batches). The files are checked in:
run it again only to change them."""

import os
import struct
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data)


# ---- wire/preamble: "TRP" + type + u32 length + body ------------------------
def frame(kind, body):
    return b"TRP" + bytes([kind]) + struct.pack(">I", len(body)) + body


def blob(b):
    return struct.pack(">I", len(b)) + b


NONCE = bytes(range(32))
hello = frame(5, b"\x01")
challenge = frame(1, b"\x01" + NONCE)
proof_secret = frame(2, b"\x01" + blob(b"n2") + NONCE[::-1] + blob(b"\xaa" * 32) + blob(b""))
proof_cert = frame(2, b"\x03" + blob(b"") + NONCE + blob(b"\x30" * 72) + blob(b"\x30\x82" + b"\x00" * 40))
accept = frame(3, b"\x02" + blob(b"\xbb" * 32) + blob(b""))
refuse = frame(4, blob(b"bad proof"))
write("preamble_frames", "client", hello + proof_secret)
write("preamble_frames", "server", challenge + accept)
write("preamble_frames", "certificate", hello + proof_cert)
write("preamble_frames", "refused", challenge + refuse)
write("preamble_frames", "too_long", b"TRP\x02" + struct.pack(">I", 40 * 1024 + 1))
write("preamble_frames", "short_body", frame(2, b"\x02" + struct.pack(">I", 9) + b"x"))

# ---- BASP, as CAF 0.17 writes it (big-endian) --------------------------------
# header: operation, 2 padding bytes, flags, payload_len (u32),
# operation_data (u64), source_actor (u64), dest_actor (u64)
SERVER_HANDSHAKE, CLIENT_HANDSHAKE, DIRECT, ROUTED, MONITOR, DOWN, HEARTBEAT = range(7)
NAMED = 0x01
DOOR = 42


def basp(op, dest, payload=b"", flags=0, data=1, source=3):
    return struct.pack(">BBBBIQQQ", op, 0, 0, flags, len(payload), data, source, dest) + payload


def node(pid, host_hash):
    # a node id as CAF 0.17 serializes it (read off caf::binary_serializer)
    return bytes.fromhex("00003e9aab9bac79") + struct.pack(">I", pid) + bytes.fromhex(host_hash)


SHELL = node(1234, "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd")
OTHER = node(4242, "0123456789abcdef0123456789abcdef01234567")
SELF = node(77, "ffffffffffeeeeeeeeeeddddddddddcccccccccc")


def command(types=b"@<>+@atom", rest=b"x", stages=0):
    return bytes([stages, 0, 0, len(types)]) + types + rest


# First byte: role (0 viewer, 1 operator, 2 node, 3 open) | 4 if accepting |
# (bytes per read - 1) << 3.
def peer(role, accepting, piece):
    return bytes([role | (4 if accepting else 0) | ((piece - 1) << 3)])


handshake = basp(CLIENT_HANDSHAKE, 0, SHELL + b"\x00" * 8)
write("basp_filter", "shell_command", peer(1, True, 32) + handshake
      + basp(DIRECT, DOOR, command()) + basp(HEARTBEAT, 0))
write("basp_filter", "shell_to_spawnserv", peer(0, True, 32) + handshake
      + basp(DIRECT, 0x3E9AAB9BAC79, b"", flags=NAMED))
write("basp_filter", "shell_routes", peer(0, True, 5) + handshake
      + basp(ROUTED, DOOR, SHELL + SELF + command()))
write("basp_filter", "shell_monitor", peer(1, True, 1) + handshake + basp(MONITOR, 0, SHELL + SELF))
write("basp_filter", "shell_not_command", peer(1, True, 32) + handshake
      + basp(DIRECT, DOOR, command(types=b"@<>+@exit", stages=1)))
write("basp_filter", "shell_config_value", peer(0, True, 32) + handshake
      + basp(DIRECT, DOOR, command(types=b"@<>+@atom+@config_value", rest=b"\x00\x00\x00\x25")))
write("basp_filter", "member", peer(2, False, 16) + basp(SERVER_HANDSHAKE, 0, OTHER + b"\x00" * 8)
      + basp(DIRECT, 7, b"\x00" * 20) + basp(DOWN, 0, OTHER + SELF))
write("basp_filter", "speaks_for_self", peer(2, True, 32) + basp(CLIENT_HANDSHAKE, 0, SELF))
write("basp_filter", "too_large", peer(3, True, 8) + struct.pack(">BBBBIQQQ", DIRECT, 0, 0, 0,
                                                                    0xFFFFFFFF, 1, 3, DOOR))

# ---- handoff record batches (v1.RecordBatch, via protoc --encode) -----------
BATCHES = {
    "first_batch": """shard: 1 sequence: 0
records { campaign { spec { id: "spring" segment: "TRUE" } state: CAMPAIGN_RUNNING } }
records { customer { id: "sentinel-1" region: "CA" order_count: 2 } }
records { checkpoint { campaign_id: "spring" shard: 1 last_key: "x" } }""",
    "later_batch": """shard: 2 sequence: 3 last: true
records { delivery { customer_id: "c-9" campaign_id: "spring" arm: "a" } }
records { event { customer_id: "c-9" campaign_id: "spring" type: "open" ts_ms: 5 } }
records { dead_letter { customer_id: "c-9" campaign_id: "spring" stage: "generate" } }""",
    "foreign_customer": """shard: 0 sequence: 1
records { customer { id: "sentinel-1" } }""",
    "empty_record": """shard: 3 sequence: 1 records { }""",
    "shard_out_of_range": """shard: 65539 sequence: 1
records { checkpoint { campaign_id: "spring" shard: 65539 last_key: "zz" } }""",
}
proto_dir = os.path.join(HERE, "..", "proto")
for name, text in BATCHES.items():
    data = subprocess.run(["protoc", "--encode=troupe.v1.RecordBatch", "-I", proto_dir,
                           "troupe.proto"], input=text.encode(), capture_output=True, check=True)
    write("handoff_batch", name, data.stdout)

# ---- import chunks: lines first; FuzzedDataProvider reads the rest from the
# end (kind, first line, how many line numbers, the numbers; big-endian) ----
def chunk(kind, first_line, numbers, lines):
    tail = bytes([kind]) + struct.pack(">Q", first_line) + bytes([len(numbers)])
    for n in numbers:
        tail += struct.pack(">Q", n)
    return "\n".join(lines).encode() + tail[::-1]


KIND_CUSTOMERS, KIND_CORPUS, KIND_EVENTS = range(3)
write("import_chunk", "customers", chunk(KIND_CUSTOMERS, 1, [], [
    '{"id":"c-1","region":"CA","order_count":3}', "", '{"id":"c-2","order_count":-1}',
    '{"id":"c-3","categories":["a"],"vip":true}']))
write("import_chunk", "routed_customers", chunk(KIND_CUSTOMERS, 1, [4, 9, 12], [
    '{"id":"c-4"}', "not json", '{"id":"c-5","email":5}']))
write("import_chunk", "corpus", chunk(KIND_CORPUS, 7, [], [
    '{"id":"d-1","title":"Shoes","body":"Grip.","tags":["x"],"approved":true}',
    '{"id":"d-2","bogus":1}']))
write("import_chunk", "events", chunk(KIND_EVENTS, 1, [], [
    '{"customer_id":"c-1","campaign_id":"spring","type":"open","ts":5,"id":"e"}',
    '{"customer_id":"c-1","campaign_id":"spring","type":"open","ts":5,"id":"e"}',
    '{"customer_id":"c-1","campaign_id":"spring","type":"buy","ts":"2026-01-01"}']))
