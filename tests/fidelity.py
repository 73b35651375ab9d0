"""How closely a generated contract reproduces a reference text (the signed contract), as a ratio 0–1.

Both texts are normalised (Unicode NFKC, all white space removed, the running "合同编号：…" header
removed wherever it stands), cut into sentences, and matched in order: 2·matched / (len(a) + len(b)).
The reference was extracted from the signed PDF (tests/fixtures/signed-contract-2024.txt), so page
breaks and spacing do not count against the generated text.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADER = re.compile(r"合同编号[:：]?([A-Z0-9]+)?")
SENTENCE = re.compile(r"(?<=[。；;：:！？!?])")


def docx_text(path: Path) -> str:
    """Paragraphs and table cells of the document body, in order."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


def normalise(text: str) -> str:
    """NFKC, no white space, no running header."""
    return HEADER.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


def score(generated: str, reference: str) -> float:
    """The matched share of both texts' characters, sentence by sentence."""
    a = [s for s in SENTENCE.split(normalise(reference)) if s]
    b = [s for s in SENTENCE.split(normalise(generated)) if s]
    matched = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            matched += sum(map(len, a[i1:i2]))
        else:
            inner = difflib.SequenceMatcher(None, "".join(a[i1:i2]), "".join(b[j1:j2]), autojunk=False)
            matched += sum(block.size for block in inner.get_matching_blocks())
    total = sum(map(len, a)) + sum(map(len, b))
    return 2 * matched / total if total else 1.0
