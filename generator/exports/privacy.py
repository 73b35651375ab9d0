"""Appendix 3 (数据保密协议): caller data never reaches a document.

Quoted text is masked: mobile numbers 138****5678, landlines and 18-digit ID numbers hidden, house
numbers starred, the caller's own name (from the ticket) and names after common lead-ins reduced to a
surname. Tickets marked 保密 are never quoted at all (the caller chooses; see ``quotable``).
"""

from __future__ import annotations

import re

from generator.exports.ingest import Ticket

_ID = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])")
_EXCEL_NUMBER = re.compile(r"(?<![0-9.])[0-9]\.[0-9]+[Ee]\+?[0-9]{1,2}(?![0-9])")
_ID_LIKE = re.compile(r"(?<![0-9])[0-9]{15,18}[Xx]?(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])")
_HOUSE = re.compile(r"[0-9]+(?=[号栋幢室楼]|单元)|(?<=[栋幢楼元])[0-9]+")
_NAME_AFTER = re.compile(
    r"(市民|来电人|诉求人|业主|我叫|本人|姓名[:：]|联系人[:：]?)"
    r"(?!咨询|反映|称|表示|投诉|要求|询问|来电|诉求|希望|请求|家|在|于|对|所|的|因|是|已|未|说|想|需)"
    # The shortest given name that a verb or punctuation follows; else two characters.
    r"([\u4e00-\u9fa5])(?:([\u4e00-\u9fa5]{1,3}?)(?=反映|称|来电|表示|投诉|咨询|要求|说|[，,。；;（(：:、\s]|$)"
    r"|([\u4e00-\u9fa5]{1,2}))"
)


def _surname(name: str) -> str:
    return name[0] + "*" * (len(name) - 1) if name else name


def mask_text(text: str, names: tuple[str, ...] = ()) -> str:
    """Mask personal data in free text; ``names`` are the people known from the ticket itself."""
    text = _EXCEL_NUMBER.sub("[号码已隐去]", text)
    text = _ID.sub("[身份证号已隐去]", text)
    text = _ID_LIKE.sub("[证件号已隐去]", text)
    text = _MOBILE.sub(r"\1****\2", text)
    text = _LANDLINE.sub("[电话已隐去]", text)
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, _surname(name))
    # Two or three characters after a lead-in are taken as a name: over-masking is the safe error.
    text = _NAME_AFTER.sub(lambda m: m.group(1) + m.group(2) + "*" * len(m.group(3) or m.group(4)), text)
    return _HOUSE.sub(lambda m: "*" * len(m.group(0)), text)


def quotable(ticket: Ticket) -> bool:
    """Whether a ticket may be quoted at all (never when the caller asked for confidentiality)."""
    return not ticket.confidential


def quote(ticket: Ticket) -> str:
    """A ticket's content as it may appear in a report."""
    return mask_text(ticket.content, (ticket.name,))
