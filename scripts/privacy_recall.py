"""Measure the second line of privacy on the labelled corpora: recall of secrets and keep-rate, per kind.

    python scripts/privacy_recall.py                  # both corpora, both maskers, and the label detector
    python scripts/privacy_recall.py --show           # also every leaked secret and every lost keep
    python scripts/privacy_recall.py --phonenumbers   # compare phones with phonenumbers.PhoneNumberMatcher

No caller's text reaches a document by construction (reports quote none); what is measured here is the
second line for what staff write and for labels:

* ``deidentify``: de-identification of free text (what it finds, it hides);
* ``screen``: what a typical case staff write in month.yaml passes before it is printed (de-identification,
  then an allow-list under which a figure may only be a date, an amount, a share or a count);
* ``contains_personal_data`` on label values (a label it flags is counted as 其他（含个人信息，已隐去）).

Corpora: tests/fixtures/privacy_corpus.yaml (the project's own, entries with ``secrets`` and ``keep``) and
tests/fixtures/privacy/ (an independent red-team corpus written without reading the masking code, with
its labels). A secret counts as removed only when it is absent from the output as written, after NFKC
folding with blanks and invisible characters dropped, and (for long numbers) as its digits. The exit
status is 1 if ``screen`` lets through any secret that holds a digit: that part is a guarantee, not a rate.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.exports.cases import screen
from generator.exports.deidentify import contains_personal_data, deidentify

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
OWN = FIXTURES / "privacy_corpus.yaml"
INDEPENDENT = FIXTURES / "privacy" / "privacy_corpus_independent.yaml"
LABELS = FIXTURES / "privacy" / "labels.yaml"
PHONE_KINDS = ("phone", "landline", "mobile")
Mask = Callable[[str, tuple[str, ...]], str]


@dataclass
class Entry:
    """One text with the secrets it holds and the ordinary words it must keep."""

    kind: str
    text: str
    names: tuple[str, ...] = ()
    secrets: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, value, digits)
    keeps: list[str] = field(default_factory=list)


def folded(text: str) -> str:
    """NFKC, without blanks and zero-width (format) characters: the form a leak is looked for in."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if not c.isspace() and unicodedata.category(c) != "Cf")


def leaked(secret: str, digits: str, output: str) -> bool:
    """Whether ``secret`` survives in ``output``, as written, folded or (a long number) as its digits."""
    if secret in output or folded(secret) in folded(output):
        return True
    return len(digits) >= 7 and digits in re.sub(r"(?<=\d)[\s\-.]+(?=\d)", "", folded(output))


def load(path: Path) -> list[Entry]:
    """The entries of either corpus format."""
    with path.open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    if "entries" in data:
        return [Entry(e["category"], e["text"], tuple(e.get("names") or ()), [(e["category"], s, "") for s in e["secrets"]],
                      list(e["keep"])) for e in data["entries"]]
    entries = []
    for e in data["secrets"]:
        kind = e["value_kind"] if e["kind"] == "mixed" else e["kind"]
        found = [(kind, e["value"], e.get("digits", ""))]
        found += [(o["kind"], o["value"], o.get("digits", "")) for o in e.get("others", ())]
        entries.append(Entry(e["kind"], e["text"], secrets=found))
    entries += [Entry("keep:" + k["category"], k["text"], keeps=[k["value"]]) for k in data["keeps"]]
    return entries


def tally(entries: Iterable[Entry], mask: Mask, show: bool = False) -> dict[str, list[int]]:
    """Per kind [secrets removed, secrets, keeps kept, keeps]; prints what failed when ``show``."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for entry in entries:
        output = mask(entry.text, entry.names)
        for kind, secret, digits in entry.secrets:
            row = counts[kind]
            row[1] += 1
            if leaked(secret, digits, output):
                if show:
                    print(f"  LEAK  [{kind}] {secret!r} in {output}")
            else:
                row[0] += 1
        for keep in entry.keeps:
            row = counts[entry.kind]
            row[3] += 1
            if keep in output:
                row[2] += 1
            elif show:
                print(f"  LOST  [{entry.kind}] {keep!r} in {output}")
    return counts


def ratio(part: int, whole: int) -> str:
    """``part/whole percent``, or a dash when there is nothing to count."""
    return f"{part}/{whole} {100 * part / whole:.1f}%" if whole else "-"


def report(counts: dict[str, list[int]], title: str) -> list[int]:
    """Print the table; return [removed, secrets, kept, keeps] overall."""
    print(title)
    print(f"  {'kind':<20} {'recall (secrets removed)':>26} {'keep-rate':>20}")
    total = [0, 0, 0, 0]
    for kind in sorted(counts):
        row = counts[kind]
        total = [a + b for a, b in zip(total, row, strict=True)]
        print(f"  {kind:<20} {ratio(row[0], row[1]):>26} {ratio(row[2], row[3]):>20}")
    print(f"  {'overall':<20} {ratio(total[0], total[1]):>26} {ratio(total[2], total[3]):>20}")
    return total


def labels(path: Path, show: bool) -> None:
    """How many personal label values the detector flags, and how many ordinary ones it flags wrongly."""
    with path.open(encoding="utf-8") as stream:
        data: dict[str, Any] = yaml.safe_load(stream)
    caught = [label for label in data["labels"] if contains_personal_data(label["value"])]
    wrong = [label for label in data["keeps"] if contains_personal_data(label["value"])]
    print("contains_personal_data on label values (a label one ticket holds is never shown anyway: report.min_label_rows)")
    print(f"  personal labels flagged {ratio(len(caught), len(data['labels']))}; "
          f"ordinary labels flagged {ratio(len(wrong), len(data['keeps']))}")
    if show:
        for label in data["labels"]:
            if label not in caught:
                print(f"  MISSED [{label['column']}] {label['value']}")


def phonenumbers_mask() -> Mask | None:
    """A masker that removes what ``phonenumbers.PhoneNumberMatcher(text, "CN")`` finds (its default
    leniency, VALID), if the package is installed."""
    try:
        phonenumbers = importlib.import_module("phonenumbers")
    except ImportError:
        return None

    def mask(text: str, names: tuple[str, ...]) -> str:
        out, position = [], 0
        for match in phonenumbers.PhoneNumberMatcher(text, "CN"):
            out += [text[position:match.start], "（电话已隐去）"]
            position = match.end
        return "".join(out) + text[position:]

    return mask


def main() -> int:
    """Print the tables; exit 1 if the staff-text screen let a secret with a digit through."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list every leaked secret and lost keep")
    parser.add_argument("--phonenumbers", action="store_true",
                        help="compare phone recall with phonenumbers.PhoneNumberMatcher (if installed)")
    args = parser.parse_args()
    maskers: dict[str, Mask] = {"deidentify": lambda text, names: deidentify(text, names),
                                "screen (staff text)": lambda text, names: screen(text)[0]}
    failed = False
    for path in (OWN, INDEPENDENT):
        entries = load(path)
        print(f"\n{path.relative_to(FIXTURES.parent.parent)}: {sum(len(e.secrets) for e in entries)} secrets, "
              f"{sum(len(e.keeps) for e in entries)} keeps")
        for title, mask in maskers.items():
            report(tally(entries, mask, args.show), title)
        through = [(e, s) for e in entries for s in e.secrets
                   if any(c.isdigit() for c in unicodedata.normalize("NFKC", s[1])) and leaked(s[1], s[2], screen(e.text)[0])]
        failed |= bool(through)
        for entry, secret in through:
            print(f"  SCREEN LET THROUGH [{secret[0]}] {secret[1]!r} in {screen(entry.text)[0]}")
        if args.phonenumbers:
            matcher = phonenumbers_mask()
            if matcher is None:
                print("phonenumbers is not installed: pip install phonenumbers (for this comparison only)")
            else:
                phones = [e for e in entries if e.kind in PHONE_KINDS or e.kind in ("clean", "keep:hotline")]
                report(tally(phones, matcher, args.show), "phonenumbers.PhoneNumberMatcher(text, 'CN') alone")
    print()
    labels(LABELS, args.show)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
