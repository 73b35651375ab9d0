"""Edits of contract.yaml made on its text, so every comment and line the staff wrote stays as it was.

Each edit locates its place through the loader's line marks of the text it is given, and the caller
loads and validates the result before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from generator.errors import InputError, Problem
from generator.source.loader import Document, load_bytes


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _block_end(lines: list[str], start: int) -> int:
    """Index after the last line belonging to the mapping entry whose key is on line ``start``.

    Comment lines indented like the key or less belong to whatever follows, not to this entry.
    """
    own = _indent(lines[start])
    end = start + 1
    last = start
    while end < len(lines):
        line = lines[end]
        if line.strip():
            if _indent(line) <= own:
                break
            last = end
        end += 1
    return last + 1


def _parse(text: str, name: str) -> Document:
    return load_bytes(text.encode("utf-8"), name)


def assessment_lines(score: Decimal | None, passed: bool, breaches: tuple[str, ...], note: str) -> list[str]:
    """The ``assessment:`` entry of a year, as lines without indentation, with ``note`` as its comment.

    Breaches are written as quoted strings, so a colon or a '#' in what staff typed stays text.
    """
    lines = [f"assessment:  # {note}"]
    if score is not None:
        lines.append(f"  score: {score}")
    lines.append(f"  passed: {'true' if passed else 'false'}")
    if breaches:
        return [*lines, "  breaches:", *(f"    - {json.dumps(b, ensure_ascii=False)}" for b in breaches)]
    return [*lines, "  breaches: []"]


def set_assessment(text: str, name: str, year: int, block: list[str]) -> str:
    """``years.<year>.assessment`` replaced by (or added as) ``block`` (lines without indentation)."""
    document = _parse(text, name)
    lines = text.splitlines(keepends=True)
    year_line = document.mark(("years", str(year)))[0] - 1
    child = next(i for i in range(year_line + 1, len(lines)) if _content(lines[i]))
    indent = " " * _indent(lines[child])
    new = [f"{indent}{line}\n" for line in block]
    if ("years", str(year), "assessment") in document.marks:
        start = document.mark(("years", str(year), "assessment"))[0] - 1
        lines[start:_block_end(lines, start)] = new
    else:
        end = _block_end(lines, year_line)
        lines[end:end] = new
    return "".join(lines)


def year_block(year: int, signatories: Mapping[str, str], fees: Mapping[str, Any]) -> list[str]:
    """The lines of a new year's entry (`gen new-year`): a renewal with an empty contract number, the previous
    year's signatories, and a commented example (its fees) showing that a change is written once, in its year."""
    item = next((i for i in fees["items"] if "id" in i), None)
    example = [
        "  # 自本年度起变化的合同内容写在这里，只写变化的部分，以后年度沿用（写 null 删除一项）。例如预算调整：",
        "  # fees:",
        f"  #   total: {fees['total']}",
    ]
    if item is not None:
        example += ["  #   items:", f"  #     - {{id: {item['id']}, amount: {item['amount']}}}"]
    return [
        f"{year}:",
        "  kind: renewal",
        "  # 合同编号：签订时由甲方编制；留空则文档中留出手填空白",
        '  contract_number: ""',
        f"  budget_year: {year}",
        "  signatories:",
        f"    buyer: {signatories['buyer']}",
        f"    supplier: {signatories['supplier']}",
        *example,
    ]


def append_year(text: str, name: str, block: list[str]) -> str:
    """A new year entry (``block``: its lines, the first being ``YYYY:``) after the last year of ``years``."""
    document = _parse(text, name)
    years = document.data.get("years") if isinstance(document.data, dict) else None
    if not isinstance(years, dict) or not years:
        raise InputError([Problem(name, 1, 1, "years", "没有 years 部分，无法追加年度")])
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    last = max(years, key=int)
    start = document.mark(("years", last))[0] - 1
    indent = " " * _indent(lines[start])
    end = _block_end(lines, start)
    lines[end:end] = [f"{indent}{line}\n" if line else "\n" for line in block]
    return "".join(lines)
