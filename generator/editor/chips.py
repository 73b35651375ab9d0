"""The placeholders of clause texts as people read them: ``{{ fees.total | cny }}`` → 合同总金额 → ¥1,900,000.00.

Each ``{{ … }}`` of a text is rendered alone by the documents' own renderer, with the year's context
(and ``item`` for an indicator's texts, as the contract builder gives it), so the value shown is the
value the document will print; a name the context lacks shows as an error, which ``gen validate``
reports at the clause as well. The label is the schema's title of the data path the expression reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from generator.documents.context import contract_context
from generator.documents.templating import Renderer
from generator.editor.forms import titles_of
from generator.rules.model import Contract
from generator.source.layers import YearSource
from generator.source.loader import PathKey

__all__ = ["placeholder_chips"]

_PIECE = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])*$")
_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]")
# The names the renderer adds beside the contract's sections (documents/context.py), in words.
_YEAR = {"year": "合同年度", "kind": "合同类型", "contract_number": "合同编号", "signed_on": "签订日期",
         "term_start": "服务期起始日", "term_end": "服务期满日", "budget_year": "预算年度", "prior_year": "上一年度",
         "service_year": "第几个服务年度"}
_SECTIONS = ("project", "parties", "fees", "payment", "terms", "rules", "scoring")


def placeholder_chips(contract: Contract, year: int, source: YearSource) -> dict[str, list[dict[str, str]]]:
    """Per text with placeholders (keyed ``section|section.path``): its pieces, plain or a placeholder."""
    current = contract.year(year)
    # The year's merged view answers where a text was written, as a loaded file does (as in documents/contract.py).
    renderer = Renderer(current.source, current.write_optional_zero, contract_context(current))
    renderer.context["snippets"] = {name: renderer.render(text, ("snippets", name))
                                    for name, text in current.data["snippets"].items()}
    out: dict[str, list[dict[str, str]]] = {}
    for path, text in _texts(source.data):
        if "{{" not in text and "{%" not in text:
            continue
        extra = _item(source.data, path)
        out[f"{path[0]}|{'.'.join(map(str, path))}"] = list(_pieces(renderer, text, path, extra))
    return out


def _texts(data: Mapping[str, Any]) -> Iterator[tuple[PathKey, str]]:
    def walk(value: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, Mapping):
            for key, item in value.items():
                yield from walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, (*path, index))

    for section, value in data.items():
        yield from walk(value, (section,))


def _item(data: Mapping[str, Any], path: PathKey) -> dict[str, Any]:
    if path[:2] == ("scoring", "indicators") and len(path) > 3:
        return {"item": data["scoring"]["indicators"][path[2]]}
    return {}


def _pieces(renderer: Renderer, text: str, path: PathKey, extra: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    for piece in _PIECE.split(text):
        if not piece:
            continue
        if not piece.startswith("{{"):
            yield {"text": piece} if not piece.startswith(("{%", "{#")) else {"code": piece}
            continue
        expression = piece[2:-2].strip()
        before = len(renderer.problems)
        value = renderer.render(piece, path, **extra)
        error = "无法计算：" + renderer.problems[-1].message if len(renderer.problems) > before else ""
        del renderer.problems[before:]
        yield {"expr": expression, "label": _label(expression, path), "value": "" if error else value, "error": error}


def _label(expression: str, path: PathKey) -> str:
    """The schema's title of the data an expression reads (its filters aside), else the expression."""
    head = expression.split("|", 1)[0].strip()
    if not _NAME.match(head):
        return expression
    steps: list[Any] = [name or int(index) for name, index in _STEP.findall(head)]
    first = steps[0]
    if first == "item" and path[:2] == ("scoring", "indicators"):
        steps = ["scoring", "indicators", 0, *steps[1:]]
    elif first == "year" and len(steps) == 2 and steps[1] in _YEAR:
        return _YEAR[str(steps[1])]
    elif first == "snippets" and len(steps) == 2:
        return f"公用文字段落 “{steps[1]}”"
    elif first == "appendices" and len(steps) == 3:
        return f"附件 “{steps[1]}” 的{'编号' if steps[2] == 'number' else '标题'}"
    elif first == "milestones" and len(steps) >= 2:
        return f"付款节点 {steps[1]}" + (f" 的{_plain(titles_of(('payment', 'milestones', 0, *steps[2:])))}"
                                         if len(steps) > 2 else "")
    elif first not in _SECTIONS:
        return expression
    names = titles_of(tuple(steps))
    return _plain(names) or expression


def _plain(names: list[str]) -> str:
    """The last title without its parenthesised unit (合同总金额（含税价，元） → 合同总金额)."""
    return re.sub(r"（[^（）]*）$", "", names[-1]) if names else ""
