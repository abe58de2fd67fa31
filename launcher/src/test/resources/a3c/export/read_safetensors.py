"""An independent safetensors reader for ExportCommandTest, on Python's standard library only.

Prints one line per tensor, in file order: name, dtype, shape, and the CRC-32 of its bytes; exits 1
with a message when the file breaks the format (length prefix, JSON header, contiguous offsets).
"""
import json
import struct
import sys
import zlib

with open(sys.argv[1], "rb") as f:
    blob = f.read()
(header_length,) = struct.unpack("<Q", blob[:8])
header = json.loads(blob[8:8 + header_length].decode("utf-8"))
data = blob[8 + header_length:]
header.pop("__metadata__", None)
entries = sorted(header.items(), key=lambda item: item[1]["data_offsets"][0])
expected_begin = 0
for name, entry in entries:
    begin, end = entry["data_offsets"]
    count = 1
    for dimension in entry["shape"]:
        count *= dimension
    if entry["dtype"] != "F32" or begin != expected_begin or end - begin != 4 * count:
        sys.exit("bad entry %s: %s" % (name, entry))
    values = struct.unpack("<%df" % count, data[begin:end])
    print(name, entry["dtype"], "x".join(str(d) for d in entry["shape"]), zlib.crc32(data[begin:end]), len(values))
    expected_begin = end
if expected_begin != len(data):
    sys.exit("data holds %d bytes, the tensors %d" % (len(data), expected_begin))
