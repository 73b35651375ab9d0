"""Byte-identical output: a .docx zip with fixed timestamps, a fixed member order and chosen properties."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Mapping

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


def package(parts: Mapping[str, bytes], custom: bytes | None = None) -> bytes:
    """Zip package parts so that the same content always gives the same bytes.

    ``custom`` (docProps/custom.xml) is added with its content type and package relationship.
    """
    parts = dict(parts)
    if custom is not None:
        parts["docProps/custom.xml"] = custom
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/docProps/custom.xml" ContentType="{_CUSTOM_TYPE}"/></Types>'.encode())
        parts["_rels/.rels"] = parts["_rels/.rels"].replace(
            b"</Relationships>",
            f'<Relationship Id="rIdHcgCustom" Type="{_CUSTOM_REL}" Target="docProps/custom.xml"/></Relationships>'.encode())
    # [Content_Types].xml first, as Office writes it; the rest in a stable order.
    return zip_members((name, parts[name]) for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)))


# The zip format's records (APPNOTE 4.3): local file header, central directory header, end of central directory.
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # 2.0: deflate
_DEFLATED = 8
_UTF8_NAME = 0x800
_DOS_TIME = FIXED_TIME[3] << 11 | FIXED_TIME[4] << 5 | FIXED_TIME[5] // 2
_DOS_DATE = (FIXED_TIME[0] - 1980) << 9 | FIXED_TIME[1] << 5 | FIXED_TIME[2]
_FILE_MODE = 0o644 << 16


def zip_members(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip archive of ``members`` in the given order: deflated (level 1), fixed time, mode 644, no extras.

    Written with struct and zlib rather than zipfile, whose import (with shutil, bz2 and lzma) cost a short
    run more than the zipping itself; the bytes are those zipfile writes for the same members
    (``tests/test_packaging.py`` compares them), and they do not change with the Python version.
    """
    out = bytearray()
    central = bytearray()
    count = 0
    for name, data in members:
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_NAME
        compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
        body = compressor.compress(data) + compressor.flush()
        crc = zlib.crc32(data)
        offset = len(out)
        out += _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, flags, _DEFLATED, _DOS_TIME, _DOS_DATE, crc, len(body),
                           len(data), len(encoded), 0)
        out += encoded
        out += body
        central += _CENTRAL.pack(b"PK\x01\x02", _VERSION, 0, _VERSION, 0, flags, _DEFLATED, _DOS_TIME, _DOS_DATE, crc,
                                 len(body), len(data), len(encoded), 0, 0, 0, 0, _FILE_MODE, offset)
        central += encoded
        count += 1
    if count > 0xFFFF or len(out) + len(central) > 0xFFFFFFFF:
        raise ValueError("package too large for a zip without zip64")  # a document is a few megabytes at most
    start = len(out)
    out += central
    out += _END.pack(b"PK\x05\x06", 0, 0, count, count, len(central), start, 0)
    return bytes(out)
