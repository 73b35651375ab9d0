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


def resolve_revisions(path: Path, accept: bool) -> str:
    """Body text after accepting (or rejecting) every tracked change, done on the XML directly.

    Accepting drops deletions and unwraps insertions; a paragraph whose mark was deleted disappears.
    Rejecting does the opposite. This is written independently of the generator's writer.
    """
    root = part(path, "word/document.xml")
    drop, keep = ("del", "ins") if accept else ("ins", "del")
    for element in list(root.iter(f"{W}{drop}")):
        parent = element.getparent()
        if parent.tag == f"{W}rPr" and parent.getparent().tag == f"{W}pPr":
            paragraph = parent.getparent().getparent()
            paragraph.getparent().remove(paragraph)
        elif element.getparent() is not None:
            parent.remove(element)
    for element in list(root.iter(f"{W}{keep}")):
        parent = element.getparent()
        if parent is None:
            continue
        if parent.tag == f"{W}rPr":
            parent.remove(element)
            continue
        index = parent.index(element)
        for child in list(element):
            parent.insert(index, child)
            index += 1
        parent.remove(element)
    for deleted in list(root.iter(f"{W}delText")):
        deleted.tag = f"{W}t"
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))
