"""Byte-identical output: a .docx zip with fixed timestamps, a fixed member order and chosen properties."""

from __future__ import annotations

import io
import zipfile
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


def zip_members(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip archive of ``members`` in the given order: deflated (level 1), fixed time, mode 644, no extras."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # MS-DOS, as Office writes it: no Unix owner or mode beyond the attributes below
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=1)
    return out.getvalue()
