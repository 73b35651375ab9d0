"""Byte-identical output: rewrite a .docx (a zip) with fixed timestamps and a fixed member order."""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


def normalise_zip(data: bytes, custom: bytes | None = None) -> bytes:
    """Return ``data`` rewritten so that the same content always gives the same bytes.

    ``custom`` (docProps/custom.xml) is added with its content type and package relationship.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist()}
    if custom is not None:
        parts["docProps/custom.xml"] = custom
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/docProps/custom.xml" ContentType="{_CUSTOM_TYPE}"/></Types>'.encode())
        parts["_rels/.rels"] = parts["_rels/.rels"].replace(
            b"</Relationships>",
            f'<Relationship Id="rIdHcgCustom" Type="{_CUSTOM_REL}" Target="docProps/custom.xml"/></Relationships>'.encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        names = list(parts)
        # [Content_Types].xml first, as Office writes it; the rest in a stable order.
        ordered = sorted(names, key=lambda n: (n != "[Content_Types].xml", n))
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(info, parts[name], compresslevel=1)
    return out.getvalue()
