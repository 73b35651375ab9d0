"""The privacy corpus end to end: every labelled line quoted as a typical case, then every output scanned.

Each corpus line (tests/fixtures/privacy_corpus.yaml) becomes the earliest ticket of a top category in a
month of its own batch of ten, so the monthly report quotes it. The .docx (every XML part, charts
included), the JSON and a PDF made by LibreOffice are then searched for every secret, also with
full-width forms folded and blanks removed. Recall is counted over the secrets that reached a report.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CONTRACT, run_cli

CORPUS = yaml.safe_load((Path(__file__).resolve().parent / "fixtures" / "privacy_corpus.yaml").read_text("utf-8"))["entries"]
BATCH = 10
MONTHS = 24  # the shipped contract's two service years
PERSONAL = [e for e in CORPUS if e["category"] != "clean" and e["secrets"]][: BATCH * MONTHS]


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _month(index: int) -> str:
    return f"{2024 + index // 12}-{index % 12 + 1:02d}"


def _write_month(folder: Path, month: str, entries: list[dict[str, Any]], template: Path) -> None:
    """A month whose categories C01..C10 each open with one corpus line (the earliest, quotable ticket)."""
    folder.mkdir(parents=True)
    (folder / "month.yaml").write_bytes((template / "month.yaml").read_bytes())
    with (template / "calls.csv").open(encoding="utf-8-sig", newline="") as stream:
        calls = list(csv.reader(stream))
    time_column = calls[0].index("来电时间")
    for row in calls[1:]:
        day = min(int(row[time_column][8:10]), 28)  # every month has a 28th
        row[time_column] = f"{month}-{day:02d}{row[time_column][10:]}"
    _save(folder / "calls.csv", calls)
    header = ["工单编号", "受理时间", "来电号码", "诉求人", "诉求类型", "诉求分类", "所属乡镇", "诉求内容", "承办单位",
              "即时答复", "办结时间", "回访时间", "满意度", "保密"]
    rows: list[list[str]] = [header]
    for rank, entry in enumerate(entries):
        category = f"分类{rank + 1:02d}"
        names = entry.get("names") or ["赵某某"]
        for copy in range(30 - rank):  # fewer tickets for each later category: a fixed order of hot topics
            content = entry["text"] if copy == 0 else "群众反映的一般性问题。"
            day = 1 + copy % 27
            rows.append([f"T{month}{rank:02d}{copy:03d}", f"{month}-{day:02d} 08:{rank:02d}:00", "13800000000", names[0],
                         "投诉", category, "甲镇", content, "某局", "否", f"{month}-{day:02d} 09:00:00",
                         f"{month}-{day:02d} 10:00:00", "满意", "否"])
    _save(folder / "tickets.csv", rows)


def _save(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), "utf-8-sig")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[dict[str, Any], str, str]], Path]:
    root = tmp_path_factory.mktemp("corpus")
    contract = root / "contract.yaml"
    contract.write_text(CONTRACT.read_text("utf-8").replace("  hot_topics: 3\n", "  hot_topics: 10\n"), "utf-8")
    template = root / "template"
    assert run_cli("sample-data", "--month", "2024-01", "--scale", "0.01", "--out", str(template)).exit_code == 0
    data, out = root / "data", root / "out"
    texts: list[tuple[dict[str, Any], str, str]] = []
    months_of_cases.clear()
    months = []
    for batch in range(0, len(PERSONAL), BATCH):
        month = _month(batch // BATCH)
        entries = PERSONAL[batch : batch + BATCH]
        _write_month(data / month, month, entries, template / "2024-01")
        months.append((month, entries))
    for month, entries in months:
        result = run_cli("report", "--month", month, "--data", str(data), "--contract", str(contract), "--out", str(out))
        assert result.exit_code == 0, result.stderr
        blob = _outputs_text(out, month)
        cases = json.loads((out / f"report-{month}.json").read_text("utf-8"))["data"]["cases"]
        # Each line's own quoted case, and the whole output: short secrets (a bare room number) are looked for in
        # the case, long ones everywhere (a three-digit figure elsewhere in a report is no leak).
        texts += [(entry, blob + "\n" + cases[f"分类{rank + 1:02d}"]["text"], cases[f"分类{rank + 1:02d}"]["text"])
                  for rank, entry in enumerate(entries)]
        months_of_cases.update({id(entry): month for entry in entries})
    docs = sorted(out.glob("report-*.docx"))
    subprocess.run(["soffice", f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, docs[:4])], check=True, capture_output=True, timeout=600)
    return texts, out


months_of_cases: dict[int, str] = {}


def _outputs_text(out: Path, month: str) -> str:
    parts = [(out / f"report-{month}.json").read_text("utf-8")]
    with zipfile.ZipFile(out / f"report-{month}.docx") as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                parts.append(re.sub(r"[0-9a-f]{64}", "", archive.read(name).decode("utf-8")))
    return "\n".join(parts)


def test_every_line_was_quoted(outputs: tuple[list[tuple[dict[str, Any], str, str]], Path]) -> None:
    texts, _ = outputs
    assert len(texts) >= 200
    quoted = [entry for entry, blob, _ in texts if any(k in blob for k in entry.get("keep", [])[:1])]
    assert len(quoted) / len(texts) > 0.9  # the lines really reached the reports (their ordinary words did)


def test_no_secret_reaches_docx_json_or_charts(outputs: tuple[list[tuple[dict[str, Any], str, str]], Path]) -> None:
    texts, _ = outputs
    leaks = []
    total = 0
    for entry, blob, case in texts:
        where = blob if len(_fold("".join(entry["secrets"]))) >= 5 else case
        folded = _fold(where)
        for secret in entry["secrets"]:
            total += 1
            if secret in where or _fold(secret) in folded:
                leaks.append((entry["category"], secret))
    assert total >= 200 and not leaks, leaks


def test_no_secret_reaches_the_pdf(outputs: tuple[list[tuple[dict[str, Any], str, str]], Path]) -> None:
    texts, out = outputs
    pdfs = sorted(out.glob("report-*.pdf"))
    assert pdfs
    text = _fold("".join(subprocess.run(["pdftotext", str(p), "-"], check=True, capture_output=True, text=True).stdout
                         for p in pdfs))
    months = {p.stem.removeprefix("report-") for p in pdfs}
    checked = [s for entry, _, _ in texts if months_of_cases[id(entry)] in months for s in entry["secrets"] if len(_fold(s)) >= 5]
    assert len(checked) >= 30
    assert not [s for s in checked if _fold(s) in text]
