"""Byte-identical output: a .docx zip with fixed timestamps, a fixed member order and chosen properties."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

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
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        # [Content_Types].xml first, as Office writes it; the rest in a stable order.
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(info, parts[name], compresslevel=1)
    return out.getvalue()
