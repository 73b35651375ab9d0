"""Clause references resolved from the clause tree: ``term_and_payment.fees`` → the article and item label.

Documents that cite the contract (the payment schedule, the assessment) name a clause by its ids, so an
article inserted in a later year renumbers every citation with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from generator.rules.model import ContractYear
from generator.rules.numerals import article_label, cn_num

_ITEM_LABELS = {
    "arabic": lambda n: str(n),
    "arabic_cn": lambda n: str(n),
    "paren": lambda n: f"（{n}）",
    "cn": lambda n: cn_num(n),
    "cn_paren": lambda n: f"（{cn_num(n)}）",
}


def _items(blocks: Any, prefix: str) -> Iterator[tuple[str, str]]:
    """(item id, label below the article) of every list item with an id in a text tree."""
    for block in blocks if isinstance(blocks, list) else ():
        if not isinstance(block, Mapping) or "list" not in block:
            continue
        label = _ITEM_LABELS[block["list"]]
        for number, item in enumerate(block["items"], start=1):
            here = prefix + label(number)
            if isinstance(item, Mapping):
                if isinstance(item.get("id"), str):
                    yield item["id"], here
                yield from _items(item.get("body", []), here)


def clause_labels(data: Mapping[str, Any]) -> dict[str, str]:
    """Every citable clause of a merged contract: ``article`` and ``article.item`` → 第N条 / 第N条2."""
    labels = {}
    for number, article in enumerate(data["articles"], start=1):
        if not article.get("id"):
            continue
        head = article_label(number)
        labels[article["id"]] = head
        for item, label in _items(article["body"], ""):
            labels[f"{article['id']}.{item}"] = head + label
    return labels


def cite(year: ContractYear, *path: str) -> str:
    """The label of the clause a section names (``payment``, ``payment.late_fee``…), or '' when it names none."""
    node: Any = year.data
    for part in path:
        node = node.get(part, {}) if isinstance(node, Mapping) else {}
    ref = node.get("clause") if isinstance(node, Mapping) else None
    return clause_labels(year.data).get(ref, "") if ref else ""
