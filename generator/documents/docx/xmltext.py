"""Text and attribute values escaped for the XML parts we write as strings.

Our own rather than xml.sax.saxutils, which imports urllib and http (~10 ms) for three replacements.
Two kinds: ``escape``/``attribute`` drop the characters XML cannot hold (document properties, headers,
charts); ``strict_text``/``strict_attribute`` write exactly what lxml writes for the document body
(``&#13;`` for a carriage return) and refuse such characters, as lxml did.
"""

from __future__ import annotations

import re

# Control characters other than tab, LF and CR are not allowed in XML 1.0 at all: drop them.
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def escape(text: str) -> str:
    """Text content escaped for XML, with the characters XML 1.0 forbids dropped."""
    return text.translate(_CONTROL).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(value: str) -> str:
    """An attribute value escaped for a double-quoted attribute (without the quotes)."""
    return escape(value).replace('"', "&quot;")


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                               "\t": "&#9;"})


def _checked(value: str) -> str:
    if _XML_ILLEGAL.search(value):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    return value


def strict_text(value: str) -> str:
    """A text node as lxml writes it; ValueError for a character XML 1.0 cannot hold."""
    return _checked(value).translate(_TEXT_ESCAPES)


def strict_attribute(value: str) -> str:
    """A double-quoted attribute value as lxml writes it; ValueError for a character XML 1.0 cannot hold."""
    return _checked(value).translate(_ATTR_ESCAPES)
