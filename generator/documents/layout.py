"""The layout profile (templates/layout.yaml): page, fonts and paragraph styles as data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator.errors import InputError
from generator.resources import TEMPLATES
from generator.source.loader import load_bytes, read_bounded


@dataclass(frozen=True)
class Style:
    """One paragraph style."""

    font: str
    size_pt: float
    line_pt: float
    align: str
    indent_chars: float = 0
    space_after_pt: float = 0
    keep_with_next: bool = False
    color: str | None = None


@dataclass(frozen=True)
class Layout:
    """Page geometry, fonts, header/footer and styles."""

    page: Mapping[str, float]
    latin_font: str
    language: str
    header_font: str
    header_size_pt: float
    footer_font: str
    footer_size_pt: float
    footer_dash: str
    styles: Mapping[str, Style]


def _floats(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {k: float(v) if isinstance(v, Decimal | int) and not isinstance(v, bool) else v for k, v in raw.items()}


@cache
def load_layout(path: Path = TEMPLATES / "layout.yaml") -> Layout:
    """Load and validate a layout profile (once per run)."""
    return _checked(read_bounded(path, path.name), path.name)


def _checked(raw_bytes: bytes, name: str) -> Layout:
    from generator.source.schema import schema_problems

    document = load_bytes(raw_bytes, name)
    problems = schema_problems(document, "layout.schema.json")
    if problems:
        raise InputError(problems)
    raw = document.data
    return Layout(
        page=MappingProxyType({key: float(value) for key, value in raw["page"].items()}),
        latin_font=raw["latin_font"],
        language=raw["language"],
        header_font=raw["header"]["font"],
        header_size_pt=float(raw["header"]["size_pt"]),
        footer_font=raw["footer"]["font"],
        footer_size_pt=float(raw["footer"]["size_pt"]),
        footer_dash=raw["footer"]["dash"],
        styles=MappingProxyType({name: Style(**_floats(s)) for name, s in raw["styles"].items()}),
    )
