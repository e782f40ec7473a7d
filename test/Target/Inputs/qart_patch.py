"""Damages a .qart file in one specific way, for the reader's error tests.

    qart_patch.py in.qart out.qart set-major N     # format_major := N
    qart_patch.py in.qart out.qart identifier XXXX # file identifier := XXXX
    qart_patch.py in.qart out.qart truncate N      # keep the first N bytes
    qart_patch.py in.qart out.qart root-offset     # root offset past the end
    qart_patch.py in.qart out.qart flip-tables     # invert every byte of the
                                                   # root table and vtable

Reads the FlatBuffers layout directly (no flatbuffers Python module needed):
the root table is at the u32 offset in bytes 0-3; its vtable at table - the
i32 at the table; field i's offset is the u16 at vtable + 4 + 2i.
"""
import struct
import sys

src, dst, what = sys.argv[1], sys.argv[2], sys.argv[3]
data = bytearray(open(src, "rb").read())
table = struct.unpack_from("<I", data, 0)[0]
vtable = table - struct.unpack_from("<i", data, table)[0]
if what == "set-major":
    field = struct.unpack_from("<H", data, vtable + 4)[0]
    assert field, "format_major is stored"
    struct.pack_into("<H", data, table + field, int(sys.argv[4]))
elif what == "identifier":
    data[4:8] = sys.argv[4].encode()[:4]
elif what == "truncate":
    data = data[: int(sys.argv[4])]
elif what == "root-offset":
    struct.pack_into("<I", data, 0, len(data) + 1024)
elif what == "flip-tables":
    vtsize = struct.unpack_from("<H", data, vtable)[0]
    tsize = struct.unpack_from("<H", data, vtable + 2)[0]
    for i in list(range(vtable + 4, vtable + vtsize)) + \
             list(range(table + 4, table + tsize)):
        data[i] ^= 0xFF
else:
    sys.exit("unknown damage " + what)
open(dst, "wb").write(data)
