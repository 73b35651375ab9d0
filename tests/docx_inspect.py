"""Read generated .docx files back for assertions (tests only; independent of the writer's code)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def part(path: Path, name: str) -> etree._Element:
    """Parse one XML part of a .docx."""
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def body_text(path: Path) -> str:
    """All text of the document body, paragraphs joined by newlines."""
    root = part(path, "word/document.xml")
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


def part_names(path: Path) -> list[str]:
    """The zip members, in order."""
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()
