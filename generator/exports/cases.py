"""Typical cases (典型案例) as the operations staff write them in a month's month.yaml.

Published bulletins write a typical case as a short paraphrase by staff: who in general terms, what,
which unit, the result; never the caller's words. So a report quotes no ticket's text at all: a hot
category's case is what staff wrote here, or, when they wrote none, a sentence composed from the
structured fields of a ticket (analysis/monthly.py). What staff write still passes a second line before
it is printed (``screen``): de-identification, and an allow-list for figures, because a number in a
case is a date, an amount, a share or a count, never a phone, an account or a house number.

    典型案例:
      - 分类: 城乡建设            # the hot category it illustrates (as the report names it)
        案例: 群众反映某工地夜间施工扰民，县住建局责令调整作业时间，已办结。
        地区: 某镇                # optional
        承办单位: 县住建局         # optional
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from generator.errors import Problem
from generator.exports.deidentify import contains_personal_data, deidentify
from generator.exports.fields import plain_label
from generator.source.loader import Document

KEY = "典型案例"
FIELDS = {"分类": "热点诉求的分类", "案例": "案例概述（不写来电人的姓名、电话、住址等）", "地区": "地区（可不写）",
          "承办单位": "承办单位（可不写）"}
REQUIRED = ("分类", "案例")
MAX_CHARS = 300
MASK = "（已隐去）"
EXAMPLE = f"{KEY}:\n  - 分类: 城乡建设\n    案例: 群众反映某工地夜间施工扰民，县住建局责令调整作业时间，已办结。"

# What a figure in a case may be: a date or time, an amount, a share, a count with its unit, an ordinal,
# a public service number. Anything else with digits or Latin letters (a phone, an account, a plate, a
# house number, an e-mail, an id) is not written into a report.
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ALLOWED = re.compile(
    # dates and times
    r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*年(?:第\s*\d\s*季度)?"
    r"|\d{1,2}\s*月(?:份|初|中|底|末)?|第\s*\d\s*季度"
    r"|\d{4}[-./]\d{1,2}[-./]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}[:：]\d{2}(?:\s*[—–\-~至]\s*\d{1,2}[:：]\d{2})?(?!\d)"
    r"|\d{1,2}\s*[时点](?:\s*\d{1,2}\s*分|半)?|\d{1,3}\s*分\s*\d{1,2}\s*秒"
    # amounts, shares, counts and measures with their unit
    rf"|[¥￥]\s*(?:{_NUMBER})|(?:{_NUMBER})\s*(?:%|％|‰|个百分点|万?元|亿元|万|千|百)"
    r"|第\s*\d{1,3}\s*[次名期批轮个天周项条款章节]"
    rf"|(?:{_NUMBER})\s*(?:件|次|通|人|户|天|日|个|家|处|名|位|项|条|期|小时|分钟|秒|周|个月|年|岁|辆|台|座|所|批|轮|倍"
    r"|平方米|立方米|米|千米|公里|吨|公斤|千克|斤|升|亩|℃|度|分贝|dB\(A\)|dB|mg/L|毫米|厘米)"
    # public service numbers and road numbers
    r"|(?<![0-9])(?:12345|110|119|120|122|12315|12333|12319|95598)(?![0-9])|[GS]\d{1,4}(?=\S{0,6}?(?:高速|国道|省道))")
_FIGURE = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]+(?:[\s\-./:_@#＠．－—–]+[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]+)*(?:单元|[号栋幢室楼层组户排队])?")
# A number spelt in Chinese numerals (幺三八…) is a number too; so is one followed by an address word.
_SPELT = re.compile(r"[零〇一二三四五六七八九幺两洞拐]{4,}|[零〇一二三四五六七八九十百幺两]+(?=[号栋幢室楼层组户单元排队])")
_SPELT_DATE = re.compile(r"[二〇一九八七六五四三零]{4}年")
# A date is allowed, except someone's date of birth.
_BIRTH = re.compile(
    r"(?:出生(?:日期|年月|于)?|生于|生日|出生年月日)[：:是为\s]*[0-9０-９零〇一二三四五六七八九十年月日号./\-\s]{2,}"
    r"|(?:[0-9０-９零〇一二三四五六七八九十]{2,4}\s*年|\d{4}[-./])[0-9０-９零〇一二三四五六七八九十廿卅初农历\s月日号./\-]*"
    r"(?=出生|生的|生人|年生)")


@dataclass(frozen=True)
class StaffCase:
    """A typical case as staff wrote it, after the second line; ``masked`` counts the places it had to hide."""

    category: str
    text: str
    region: str = ""
    unit: str = ""
    line: int = 0
    masked: int = 0


def screen(text: str) -> tuple[str, int]:
    """``text`` with anything personal hidden, and how many places were hidden.

    De-identification first (names with their context, numbers, addresses), then the allow-list: every
    remaining run of digits or Latin letters that is not a date, an amount, a share or a count is hidden,
    as is a number spelt in Chinese numerals.
    """
    masked = deidentify(text)
    # Each place de-identification changed (a name cut to its surname, a number replaced) counts once.
    hidden = sum(op != "equal" for op, *_ in SequenceMatcher(None, text, masked, autojunk=False).get_opcodes())
    allowed = [m.span() for m in _ALLOWED.finditer(masked)]
    spans = [m.span() for m in _FIGURE.finditer(masked)
             if not any(a <= m.start() and m.end() <= b for a, b in allowed)]
    spans += [m.span() for m in _SPELT.finditer(masked) if not _SPELT_DATE.match(masked, m.start())]
    spans += [m.span() for m in _BIRTH.finditer(masked)]
    spans = _merged(spans)
    for start, end in reversed(spans):
        masked = masked[:start] + MASK + masked[end:]
    return masked, hidden + len(spans)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def read_cases(document: Document, raw: Any) -> tuple[list[StaffCase], list[Problem]]:
    """The cases of a month.yaml (its ``典型案例`` value), each located; problems say what to write instead."""
    problems: list[Problem] = []
    if not isinstance(raw, list):
        return [], [document.problem((KEY,), f"{KEY} 应为列表，每项写 分类 和 案例，例如：\n{EXAMPLE}")]
    cases = []
    for index, entry in enumerate(raw):
        here = (KEY, index)
        if not isinstance(entry, Mapping):
            problems.append(document.problem(here, f"每个典型案例应写 分类 和 案例，例如：\n{EXAMPLE}"))
            continue
        found = [document.problem((*here, key), f"不认识的项 “{key}”：可写 {'、'.join(FIELDS)}")
                 for key in entry if key not in FIELDS]
        found += [document.problem(here, f"缺少 “{key}”（{FIELDS[key]}）") for key in REQUIRED if key not in entry]
        found += [document.problem((*here, key), f"{key} 应为文字") for key, value in entry.items()
                  if key in FIELDS and (not isinstance(value, str) or not value.strip())]
        text = entry.get("案例")
        if isinstance(text, str) and len(text) > MAX_CHARS:
            found.append(document.problem((*here, "案例"), f"案例概述不超过 {MAX_CHARS} 字（现有 {len(text)} 字）"))
        problems += found
        if not found:
            cases.append(_screened(document, here, entry))
    return cases, problems


def _screened(document: Document, here: tuple[Any, ...], entry: Mapping[str, str]) -> StaffCase:
    text, masked = screen(plain_label(" ".join(entry["案例"].split())))
    labels = {}
    for key in ("地区", "承办单位"):
        value = plain_label(entry.get(key, ""))
        if value and contains_personal_data(value):
            value, masked = "", masked + 1
        labels[key] = value
    return StaffCase(plain_label(entry["分类"]), text, labels["地区"], labels["承办单位"], document.mark(here)[0], masked)
