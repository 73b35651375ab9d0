"""An independent privacy corpus planted everywhere a caller's or a careless hand's data could enter, end to end.

tests/fixtures/privacy/ holds a red-team corpus written without reading the masking code (see its
README): 1,774 ticket texts carrying 1,957 personal values of 20 kinds, and 175 label values carrying
personal data. Half the year plants them in the exports, in every kind of column: each value is a
ticket's free text (诉求内容), its id (工单编号), its caller's name and number, and one of its grouping
labels (诉求分类, 所属乡镇, 承办单位) in turn; each personal label value is a label. The other half plants
them in the staff-written part: each text is a typical case in month.yaml, with a personal label value
as its region and unit. `gen all --pdf` writes the year (contract, schedule, twelve reports, assessment)
and `gen report --pdf` a month; every XML part of every .docx (charts and workbooks included), every
JSON, every PDF's text and the console are searched for every value, as written, folded (NFKC, no
blanks) and, for the long numbers, as its digits.

By construction no caller value can reach an output: free text, ids, names and numbers are never
copied, and a label one ticket holds is not shown by name. Staff text is different: it is printed, after
a second line (de-identification and an allow-list for figures). Every value with a digit in it is
caught there by construction; a personal name written by staff without a recognisable context is not,
which is measured here (and why the report asks staff to write in general terms).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import subprocess
import sys
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CONTRACT, run_cli

pytestmark = pytest.mark.libreoffice

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "privacy"
# libyaml's loader: the corpus is read by every pytest worker at collection, even where this file is deselected.
SECRETS = yaml.load((FIXTURES / "privacy_corpus_independent.yaml").read_text("utf-8"), Loader=yaml.CSafeLoader)["secrets"]
LABELS = yaml.load((FIXTURES / "labels.yaml").read_text("utf-8"), Loader=yaml.CSafeLoader)["labels"]
EXPORTS_MONTHS = [f"2024-{m:02d}" for m in range(1, 7)]
STAFF_MONTHS = [f"2024-{m:02d}" for m in range(7, 13)]
LABEL_COLUMNS = ("诉求分类", "所属乡镇", "承办单位")
# Staff text may name people the second line does not recognise: at least this share of them is hidden.
NAME_FLOOR = 0.45


@functools.cache
def _unseen() -> dict[int, None]:
    """Every blank and every invisible (format) character, to be deleted by str.translate (made on first use)."""
    return dict.fromkeys(c for c in range(sys.maxunicode + 1)
                         if chr(c).isspace() or unicodedata.category(chr(c)) == "Cf")


def fold(text: str) -> str:
    """NFKC, without blanks and invisible (format) characters: the form a leak is looked for in."""
    return unicodedata.normalize("NFKC", text).translate(_unseen())


def values(entry: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(kind, value, digits) of every personal value of a corpus entry."""
    kind = entry["value_kind"] if entry["kind"] == "mixed" else entry["kind"]
    yield kind, entry["value"], entry.get("digits", "")
    for other in entry.get("others", ()):
        yield other["kind"], other["value"], other.get("digits", "")


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), "utf-8-sig")


def _plant_exports(folder: Path, month: str, entries: list[dict[str, Any]], labels: list[dict[str, Any]]) -> None:
    """Tickets whose every column kind holds a corpus value: text, id, caller, number and one label in turn."""
    rows = _read(folder / "tickets.csv")
    header, template = rows[0], rows[1]
    column = {name: header.index(name) for name in header}
    for number, entry in enumerate(entries):
        row = list(template)
        day = 1 + number % 28
        row[column["受理时间"]] = f"{month}-{day:02d} 09:{number % 60:02d}:00"
        row[column["办结时间"]] = f"{month}-{day:02d} 15:00:00"
        row[column["回访时间"]] = f"{month}-{day:02d} 18:00:00"
        row[column["工单编号"]] = entry["value"]
        row[column["来电号码"]] = row[column["诉求人"]] = entry["value"]
        row[column["诉求内容"]] = entry["text"]
        row[column["保密"]] = "否"
        row[column[LABEL_COLUMNS[number % 3]]] = entry["value"]
        rows.append(row)
    for number, label in enumerate(labels):
        row = list(template)
        row[column["受理时间"]] = f"{month}-{1 + number % 28:02d} 10:{number % 60:02d}:00"
        row[column["办结时间"]], row[column["回访时间"]] = "", ""
        row[column["工单编号"]] = f"L{month}{number:04d}"
        row[column[label["column"]]] = label["value"]
        rows.append(row)
    _write(folder / "tickets.csv", rows)


def _plant_staff(folder: Path, entries: list[dict[str, Any]], labels: list[dict[str, Any]]) -> None:
    """Typical cases in month.yaml whose text is a corpus text, with personal label values as region and unit."""
    tickets = _read(folder / "tickets.csv")
    categories = [c for c, _ in Counter(t[tickets[0].index("诉求分类")] for t in tickets[1:]).most_common(10)]
    cases = []
    for number, entry in enumerate(entries):
        region = [lab for lab in labels if lab["column"] == "所属乡镇"]
        unit = [lab for lab in labels if lab["column"] == "承办单位"]
        cases.append({"分类": categories[number % len(categories)], "案例": entry["text"],
                      "地区": region[number % len(region)]["value"], "承办单位": unit[number % len(unit)]["value"]})
    text = (folder / "month.yaml").read_text("utf-8")
    (folder / "month.yaml").write_text(text + yaml.safe_dump({"典型案例": cases}, allow_unicode=True), "utf-8")


def _spread(items: list[Any], parts: int) -> list[list[Any]]:
    return [items[i::parts] for i in range(parts)]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("corpus")
    contract = root / "contract.yaml"
    contract.write_text(CONTRACT.read_text("utf-8").replace("  hot_topics: 3\n", "  hot_topics: 10\n"), "utf-8")
    data = root / "data"
    for month in [*EXPORTS_MONTHS, *STAFF_MONTHS]:
        assert run_cli("sample-data", "--month", month, "--scale", "0.02", "--out", str(data),
                       "--contract", str(contract)).exit_code == 0
    halves = _spread(SECRETS, 2)
    for month, entries, labels in zip(EXPORTS_MONTHS, _spread(halves[0], 6), _spread(LABELS, 6), strict=True):
        _plant_exports(data / month, month, entries, labels)
    for month, entries in zip(STAFF_MONTHS, _spread(halves[1], 6), strict=True):
        _plant_staff(data / month, entries, LABELS)
    out = root / "out"
    everything = run_cli("all", "--year", "2024", "--data", str(data), "--contract", str(contract), "--out", str(out), "--pdf")
    assert everything.exit_code == 0, everything.stderr
    single = run_cli("report", "--month", "2024-03", "--data", str(data), "--contract", str(contract),
                     "--out", str(root / "single"), "--pdf")
    assert single.exit_code == 0, single.stderr
    texts: dict[str, str] = {"console": everything.stderr + single.stderr + everything.stdout}
    for path in [*out.iterdir(), *(root / "single").iterdir()]:
        if path.suffix == ".docx":
            texts[path.name] = "\n".join(_parts(path.read_bytes()))
        elif path.suffix == ".json":
            texts[path.name] = json.dumps(json.loads(path.read_text("utf-8")), ensure_ascii=False)
        elif path.suffix == ".pdf":
            texts[path.name] = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                              text=True, timeout=300).stdout
    return {"texts": texts, "search": Search(texts), "exports": halves[0], "staff": halves[1], "out": out}


def _parts(data: bytes) -> Iterator[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xlsx"):
                yield from _parts(archive.read(name))
            elif name.endswith((".xml", ".rels")):
                # Fingerprints (64 hex digits) could spell a short number by chance.
                yield re.sub(r"[0-9a-f]{64}", "", archive.read(name).decode("utf-8"))


class Search:
    """Every output's text, as written and folded, and the outputs that do not depend on the months' data."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.written = "\n".join(texts.values())
        self.folded = fold(self.written)
        self.numbers = re.sub(r"(?<=\d)[\s\-.]+(?=\d)", "", self.folded)
        steady = [t for n, t in texts.items() if n.startswith(("contract", "requirements"))]
        self.steady = fold("\n".join(steady))

    def leaked(self, value: str, digits: str) -> bool:
        if fold(value) in self.steady:  # a word the contract itself uses (a name shared with a signatory)
            return False
        return value in self.written or fold(value) in self.folded or (len(digits) >= 7 and digits in self.numbers)


def test_the_corpus_reached_every_output(run: dict[str, Any]) -> None:
    texts = run["texts"]
    assert {f"report-{m}.{ext}" for m in [*EXPORTS_MONTHS, *STAFF_MONTHS] for ext in ("docx", "json", "pdf")} <= set(texts)
    assert {"assessment-2024.pdf", "invoices-2024.json", "contract-2024.pdf"} <= set(texts)
    # The planted tickets were counted (not refused), and the staff cases were printed.
    for month, entries in zip(EXPORTS_MONTHS, _spread(run["exports"], 6), strict=True):
        rows = json.loads(texts[f"report-{month}.json"])["data"]["figures"]["tickets"]["rows"]
        assert rows >= len(entries)
    printed = sum(texts[f"report-{m}.json"].count('"written": true') for m in STAFF_MONTHS)
    assert printed >= len(run["staff"]) * 0.9
    assert "其他（不足2件的合并）" in texts["report-2024-01.json"]


def test_no_caller_value_reaches_any_output(run: dict[str, Any]) -> None:
    search = run["search"]
    planted = [(kind, value, digits) for entry in run["exports"] for kind, value, digits in values(entry)]
    planted += [(label["kind"], label["secret"], "") for label in LABELS]
    assert len(planted) >= 1000
    leaks = [(kind, value) for kind, value, digits in planted if search.leaked(value, digits)]
    assert not leaks, leaks[:30]


def test_staff_text_shows_no_number_and_most_names_are_hidden(run: dict[str, Any]) -> None:
    search = run["search"]
    planted = [(kind, value, digits) for entry in run["staff"] for kind, value, digits in values(entry)]
    assert len(planted) >= 900
    leaks = [(kind, value) for kind, value, digits in planted if kind != "name" and search.leaked(value, digits)]
    assert not leaks, leaks[:30]
    names = [value for kind, value, _ in planted if kind == "name"]
    hidden = [value for value in names if not search.leaked(value, "")]
    assert len(hidden) / len(names) >= NAME_FLOOR, f"{len(hidden)} of {len(names)} names hidden"
    # Every place hidden in staff text is said on the console, with the line to rewrite.
    assert re.search(r"2024-07/month\.yaml:\d+:1: 典型案例: 警告：.*疑似个人信息", run["texts"]["console"])
