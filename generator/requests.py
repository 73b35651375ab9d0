"""One typed request per generating command: its arguments and nothing else.

A request is what a document records in its properties and what `gen verify` runs again, so it is plain
data: file arguments are kept relative to the folder of the contract file (the "home"), so the bytes of a
document do not depend on how a path was typed; a file argument outside that folder is recorded by its
name only (``@外部/<name>``, see ``output.provenance``) and found again with ``gen verify --data``.
Each kind is one small registered class; ``from_recorded`` reads a recorded one back, refusing anything
that is not exactly such a request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar

from generator.errors import GenError, UsageError
from generator.output.provenance import EXTERNAL

__all__ = ["REQUESTS", "AcceptanceRequest", "ArchiveRequest", "AssessmentRequest", "CalendarRequest",
           "ContractRequest", "DiffRequest", "InvoicesRequest", "NoticeRequest", "ReportRequest", "Request",
           "RequirementsRequest", "from_recorded"]

# File arguments: paths relative to the contract's folder (or recorded by name when outside it).
FILE_ARGUMENTS = ("data", "rankings", "paid")


@dataclass(frozen=True, kw_only=True)
class Request:
    """A generating command's arguments; ``contract`` is the contract file's name in its folder."""

    kind: ClassVar[str] = ""
    contract: str = "contract.yaml"
    strict: bool = False

    @classmethod
    def at(cls, contract: Path, **arguments: Any) -> Self:
        """The request for the contract file at ``contract``, its file arguments (paths as the user typed
        them) made relative to the contract's folder; outside it they stay absolute until recorded."""
        home = contract.resolve().parent
        for name in FILE_ARGUMENTS:
            if arguments.get(name) is not None:
                path = Path(arguments[name]).resolve()
                arguments[name] = path.relative_to(home).as_posix() if path.is_relative_to(home) else path.as_posix()
        return cls(contract=contract.name, **arguments)

    def describe(self) -> dict[str, Any]:
        """The kind and the arguments that differ from their defaults (what provenance records)."""
        defaults = {f.name: f.default for f in fields(self)}
        return {"kind": self.kind, **{k: v for k, v in asdict(self).items() if v != defaults[k]}}

    def recorded(self, home: Path) -> Self:
        """The request as a document records it: a file argument outside the contract's folder by name only."""
        from generator.output.provenance import recorded_path

        changes: dict[str, Any] = {name: recorded_path(home / value, home) for name in FILE_ARGUMENTS
                                   if isinstance(value := getattr(self, name, None), str) and not value.startswith(EXTERNAL)}
        return replace(self, **changes)

    def path(self, home: Path, name: str) -> Path | None:
        """A file argument resolved against the contract's folder."""
        value = getattr(self, name, None)
        if value is None:
            return None
        if value.startswith(EXTERNAL):
            raise UsageError(f"文件参数在合同目录之外（记录为 {value}），无法按记录找到：核对时请用 --data 指定数据目录现在的位置")
        return home / value

    def placed(self, data: Path) -> Self:
        """The request with a data folder recorded by name (outside the contract's folder) placed at ``data``."""
        value = getattr(self, "data", None)
        if isinstance(value, str) and value.startswith(EXTERNAL):
            change: dict[str, Any] = {"data": str(data.resolve())}
            return replace(self, **change)
        return self


REQUESTS: dict[str, type[Request]] = {}


_Kind = TypeVar("_Kind", bound=type[Request])


def _registered(cls: _Kind) -> _Kind:
    REQUESTS[cls.kind] = cls
    return cls


@dataclass(frozen=True, kw_only=True)
class YearRequest(Request):
    """A command about one contract year."""

    year: int


@_registered
@dataclass(frozen=True, kw_only=True)
class ContractRequest(YearRequest):
    """`gen contract`: the year's contract with all appendices, and its requirement document."""

    kind: ClassVar[str] = "contract"


@_registered
@dataclass(frozen=True, kw_only=True)
class RequirementsRequest(YearRequest):
    """`gen requirements`: the year's requirement document alone."""

    kind: ClassVar[str] = "requirements"


@_registered
@dataclass(frozen=True, kw_only=True)
class CalendarRequest(YearRequest):
    """`gen calendar`: the year's dated duties as an iCalendar file."""

    kind: ClassVar[str] = "calendar"


@_registered
@dataclass(frozen=True, kw_only=True)
class NoticeRequest(YearRequest):
    """`gen notice`: the contract announcement."""

    kind: ClassVar[str] = "notice"


@_registered
@dataclass(frozen=True, kw_only=True)
class InvoicesRequest(YearRequest):
    """`gen invoices`: the payment and invoice schedule, with ranks, actual payments and late fees."""

    kind: ClassVar[str] = "invoices"
    data: str | None = None
    rankings: str | None = None
    paid: str | None = None
    as_of: str | None = None


@_registered
@dataclass(frozen=True, kw_only=True)
class AssessmentRequest(YearRequest):
    """`gen assess`: the annual assessment over the assessment months."""

    kind: ClassVar[str] = "assessment"
    data: str = "data"
    partial: bool = False


@_registered
@dataclass(frozen=True, kw_only=True)
class AcceptanceRequest(YearRequest):
    """`gen acceptance`: the acceptance record and the announcement of its result."""

    kind: ClassVar[str] = "acceptance"
    data: str = "data"


@_registered
@dataclass(frozen=True, kw_only=True)
class ArchiveRequest(YearRequest):
    """`gen archive`: every document of the year as PDF/A with a manifest of digests."""

    kind: ClassVar[str] = "archive"
    data: str = "data"


@_registered
@dataclass(frozen=True, kw_only=True)
class ReportRequest(Request):
    """`gen report`: the monthly hotline report."""

    kind: ClassVar[str] = "report"
    month: str
    data: str = "data"
    skip_bad_rows: bool = False


@_registered
@dataclass(frozen=True, kw_only=True)
class DiffRequest(Request):
    """`gen diff`: the redline of one year's contract against another's."""

    kind: ClassVar[str] = "diff"
    from_year: int
    to_year: int


_TYPES: dict[str, tuple[type, ...]] = {"int": (int,), "str": (str,), "bool": (bool,), "str | None": (str, type(None))}


def from_recorded(raw: Any) -> Request:
    """The request a document recorded (its ``describe()``), checked field by field; GenError if malformed."""
    if not isinstance(raw, Mapping) or raw.get("kind") not in REQUESTS:
        raise GenError("生成来源信息中的命令种类未知")
    cls = REQUESTS[raw["kind"]]
    known = {f.name: f for f in fields(cls)}
    arguments = {k: v for k, v in raw.items() if k != "kind"}
    for name, value in arguments.items():
        field = known.get(name)
        allowed = _TYPES.get(str(field.type)) if field is not None else None
        # bool is an int to Python: an int field must not take true/false, nor a bool field 0/1.
        if allowed is None or not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            raise GenError(f"生成来源信息中的参数 {name!r} 不对")
    missing = [f.name for f in fields(cls) if f.default is dataclasses.MISSING and f.name not in arguments]
    if missing:
        raise GenError(f"生成来源信息缺少参数 {'、'.join(missing)}")
    return cls(**arguments)
