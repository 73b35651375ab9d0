"""Text and attribute values escaped for the XML parts we write as strings.

Our own rather than xml.sax.saxutils, which imports urllib and http (~10 ms) for three replacements.
"""

from __future__ import annotations

# Control characters other than tab, LF and CR are not allowed in XML 1.0 at all: drop them.
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def escape(text: str) -> str:
    """Text content escaped for XML, with the characters XML 1.0 forbids dropped."""
    return text.translate(_CONTROL).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(value: str) -> str:
    """An attribute value escaped for a double-quoted attribute (without the quotes)."""
    return escape(value).replace('"', "&quot;")
