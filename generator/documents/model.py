"""A small, writer-independent document model: what a document says, not how Word stores it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the chart module is needed only by documents that have charts
    from generator.documents.docx.charts_xml import ChartSpec

Segment = tuple[str, str]
"""A run of text and its revision: ``("", text)`` unchanged, ``("ins", text)`` or ``("del", text)``."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph in a named style of the layout profile.

    ``segments`` (when given) replace ``text`` with tracked-change runs; ``change`` marks the whole
    paragraph as inserted or deleted.
    """

    text: str
    style: str = "body"
    segments: tuple[Segment, ...] = ()
    change: str = ""
    keep_with_next: bool = False


@dataclass(frozen=True)
class Cell:
    """A table cell: one or more paragraphs; ``span`` columns wide; ``merge_down`` rows merged below it."""

    lines: tuple[str | Paragraph, ...]
    span: int = 1
    merge_down: int = 0
    style: str = "table"

    @classmethod
    def of(cls, *lines: str | Paragraph, span: int = 1, merge_down: int = 0, style: str = "table") -> Cell:
        """Build a cell from text lines."""
        return cls(tuple(lines), span, merge_down, style)


@dataclass(frozen=True)
class Table:
    """A grid of cells; a cell covered by a span or a merge is simply absent from its row.

    ``row_changes`` (when given, one per row) marks a row as a tracked insertion (``"ins"``) or deletion
    (``"del"``) in a redline; ``""`` is a row that stays, whose cells may carry run-level changes.
    """

    rows: tuple[tuple[Cell, ...], ...]
    widths_mm: tuple[float, ...]
    header_rows: int = 1
    borders: bool = True
    row_changes: tuple[str, ...] = ()

    def small(self) -> Table:
        """The same table set in the compact (五号) styles, for data-dense tables."""
        rename = {"table": "small", "table_center": "small_center", "table_right": "small_right",
                  "table_header": "small_header"}
        rows = tuple(tuple(replace(cell, style=rename.get(cell.style, cell.style)) for cell in row) for row in self.rows)
        return replace(self, rows=rows)


@dataclass(frozen=True)
class Chart:
    """A native Word chart (its data embedded, so staff can restyle it) at a given size, with a caption."""

    spec: ChartSpec
    width_mm: float
    height_mm: float
    caption: str = ""


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


Block = Paragraph | Table | PageBreak | Chart


@dataclass(frozen=True)
class DocumentModel:
    """A whole document: its blocks plus the metadata that goes into headers and properties."""

    blocks: tuple[Block, ...]
    title: str
    header_text: str
    created: datetime
    subject: str = ""
    keywords: str = ""
    cover_page: bool = False
    properties: dict[str, str] = field(default_factory=dict)
    revision_author: str = "hotline-contract-gen"
