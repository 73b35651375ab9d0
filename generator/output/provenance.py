"""Provenance: what a document was generated from, stored in its custom properties, and checked later."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator import __version__
from generator.errors import GenError

GENERATOR = f"hotline-contract-gen {__version__}"
# A source outside the contract's folder is recorded by its folder's name and its path inside it, never by
# an absolute path (which would put the operator's user name and folders into every document).
EXTERNAL = "@外部/"


def recorded_path(path: Path, home: Path, root: Path | None = None) -> str:
    """How a document records a file argument or source: relative to the contract's folder when it lies
    inside it, else ``@外部/<root's name>/<path inside root>`` (the root being the argument it came from)."""
    resolved = path.resolve()
    if resolved.is_relative_to(home):
        return resolved.relative_to(home).as_posix()
    base = (root or path).resolve()
    inside = resolved.relative_to(base).as_posix() if resolved != base and resolved.is_relative_to(base) else ""
    return EXTERNAL + base.name + (f"/{inside}" if inside else "")


def external_path(recorded: str, root: Path | None) -> Path | None:
    """Where a source recorded as external is now, given the folder the user names for it (None if none)."""
    if root is None or not recorded.startswith(EXTERNAL):
        return None
    _, _, inside = recorded.removeprefix(EXTERNAL).partition("/")
    return root / inside if inside else root
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


def digest(path: Path) -> str:
    """sha256 of a file's bytes (remembered for an unchanged file: see caching.file_digest)."""
    from generator import caching

    return caching.file_digest(path)


def source_hashes(paths: Iterable[Path]) -> dict[str, str]:
    """``{path as given: sha256}`` for every source that exists, in a stable order."""
    return {str(p): digest(p) for p in sorted(set(paths), key=str) if p.is_file()}


def properties(job: Mapping[str, object], sources: Mapping[str, str]) -> dict[str, str]:
    """The custom document properties that record a document's provenance."""
    return {
        "hcg.generator": GENERATOR,
        "hcg.job": json.dumps(job, ensure_ascii=False, sort_keys=True),
        "hcg.sources": json.dumps(sources, ensure_ascii=False, sort_keys=True),
    }


def read_properties(path: Path) -> dict[str, str]:
    """The custom properties of a .docx (empty when it has none)."""
    import zipfile  # reading only (gen verify): writing a document never needs it

    from defusedxml import DefusedXmlException
    from defusedxml import ElementTree as SafeTree  # a document to verify may come from anywhere

    try:
        with zipfile.ZipFile(path) as archive:
            if "docProps/custom.xml" not in archive.namelist():
                return {}
            root = SafeTree.fromstring(archive.read("docProps/custom.xml"))
    except (OSError, zipfile.BadZipFile, SafeTree.ParseError, DefusedXmlException) as exc:
        raise GenError(f"{path}：不是可读取的 Word 文档（{exc}）") from None
    return {prop.get("name") or "": "".join(prop.itertext()) for prop in root.iter(f"{{{CUSTOM_NS}}}property")}


def custom_xml(props: Mapping[str, str]) -> bytes:
    """docProps/custom.xml for the given string properties (written as text: lxml is not needed here)."""
    from generator.documents.docx.xmltext import attribute, escape

    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{attribute(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(props.items()), start=2)
    )
    return (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">{items}</Properties>').encode()
