"""Independent reader of TensorBoard event files, for gclip's tests.

Usage: decode_events.py GENERATED_DIR EVENT_FILE

GENERATED_DIR holds tensorboard_subset_pb2.py made by protoc from tensorboard_subset.proto.
Parses the TFRecord framing itself, checks both masked CRC32Cs of every record with the
`crc32c` module (Debian python3-crc32c) or, where absent, a bitwise CRC-32C written here,
decodes each Event with Google's protobuf runtime (python3-protobuf), and prints JSON:
{"crc": "<implementation>", "events": [...]}. Non-finite floats are printed as the strings
"NaN", "Infinity", "-Infinity". Exits 1 with a message on any framing or CRC error.
"""
import json
import math
import struct
import sys

try:
    import crc32c as _crc32c_module

    def crc32c(data):
        return _crc32c_module.crc32c(data)

    CRC_IMPL = "python3-crc32c"
except ImportError:

    def crc32c(data):
        # Bitwise, reflected polynomial 0x82F63B78 (Castagnoli): no tables shared with gclip.
        crc = 0xFFFFFFFF
        for byte in data:
            crc ^= byte
            for _ in range(8):
                crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
        return crc ^ 0xFFFFFFFF

    CRC_IMPL = "bitwise"


def masked_crc(data):
    crc = crc32c(data)
    rotated = ((crc >> 15) | (crc << 17)) & 0xFFFFFFFF
    return (rotated + 0xA282EAD8) & 0xFFFFFFFF


def read_records(raw):
    offset = 0
    while offset < len(raw):
        if offset + 12 > len(raw):
            fail("truncated header", offset)
        header = raw[offset : offset + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", raw[offset + 8 : offset + 12])
        if length_crc != masked_crc(header):
            fail("length CRC mismatch", offset)
        start = offset + 12
        if start + length + 4 > len(raw):
            fail("truncated data", offset)
        data = raw[start : start + length]
        (data_crc,) = struct.unpack("<I", raw[start + length : start + length + 4])
        if data_crc != masked_crc(data):
            fail("data CRC mismatch", offset)
        yield data
        offset = start + length + 4


def fail(what, offset):
    sys.stderr.write("%s at byte %d\n" % (what, offset))
    sys.exit(1)


def num(x):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def value_to_json(value):
    out = {"tag": value.tag, "kind": value.WhichOneof("value")}
    if out["kind"] == "simple_value":
        out["simple_value"] = num(value.simple_value)
    elif out["kind"] == "histo":
        h = value.histo
        out["histo"] = {
            "min": num(h.min),
            "max": num(h.max),
            "num": num(h.num),
            "sum": num(h.sum),
            "sum_squares": num(h.sum_squares),
            "bucket_limit": [num(x) for x in h.bucket_limit],
            "bucket": [num(x) for x in h.bucket],
        }
    return out


def event_to_json(event):
    out = {"wall_time": event.wall_time, "step": event.step, "what": event.WhichOneof("what")}
    if out["what"] == "file_version":
        out["file_version"] = event.file_version
        out["writer"] = event.source_metadata.writer
    elif out["what"] == "summary":
        out["values"] = [value_to_json(v) for v in event.summary.value]
    return out


def main():
    sys.path.insert(0, sys.argv[1])
    import tensorboard_subset_pb2 as pb

    with open(sys.argv[2], "rb") as f:
        raw = f.read()
    events = []
    for data in read_records(raw):
        event = pb.Event()
        event.ParseFromString(data)
        events.append(event_to_json(event))
    json.dump({"crc": CRC_IMPL, "events": events}, sys.stdout)


if __name__ == "__main__":
    main()
