"""Byte-identical output: rewrite a .docx (a zip) with fixed timestamps and a fixed member order."""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def normalise_zip(data: bytes) -> bytes:
    """Return ``data`` rewritten so that the same content always gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        # [Content_Types].xml first, as Office writes it; the rest in a stable order.
        ordered = sorted(names, key=lambda n: (n != "[Content_Types].xml", n))
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(info, source.read(name), compresslevel=1)
    return out.getvalue()
