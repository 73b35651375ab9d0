"""Measure the de-identification on the labelled corpus: recall of secrets and keep-rate, per category.

    python scripts/privacy_recall.py                  # table per category and overall
    python scripts/privacy_recall.py --show           # also every leaked secret and every lost keep
    python scripts/privacy_recall.py --phonenumbers   # compare with phonenumbers.PhoneNumberMatcher

Recall is secrets removed / secrets: a secret counts as removed only when it is absent from the output
both as written and after NFKC folding with blanks and zero-width characters dropped, so that a
number cannot survive in a spaced or full-width form. Keep-rate is keep substrings found unchanged in
the output / keep substrings: what over-masking costs. The exit status is 1 if anything leaked.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from generator.exports.deidentify import deidentify

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "privacy_corpus.yaml"
PHONE_CATEGORIES = ("phone", "landline")


def folded(text: str) -> str:
    """NFKC, without blanks and zero-width (format) characters: the form a leak is looked for in."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if not c.isspace() and unicodedata.category(c) != "Cf")


def leaked(secret: str, output: str) -> bool:
    """Whether ``secret`` survives in ``output``, as written or folded."""
    return secret in output or folded(secret) in folded(output)


def load(path: Path) -> list[dict[str, Any]]:
    """The corpus entries."""
    with path.open(encoding="utf-8") as stream:
        return list(yaml.safe_load(stream)["entries"])


def tally(entries: Iterable[dict[str, Any]], mask: Callable[[str, tuple[str, ...]], str],
          show: bool = False) -> dict[str, list[int]]:
    """Per category [secrets removed, secrets, keeps kept, keeps]; prints what failed when ``show``."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for entry in entries:
        output = mask(entry["text"], tuple(entry.get("names") or ()))
        row = counts[entry["category"]]
        for secret in entry["secrets"]:
            row[1] += 1
            if leaked(secret, output):
                if show:
                    print(f"  LEAK  [{entry['category']}] {secret!r} in {output}")
            else:
                row[0] += 1
        for keep in entry["keep"]:
            row[3] += 1
            if keep in output:
                row[2] += 1
            elif show:
                print(f"  LOST  [{entry['category']}] {keep!r} in {output}")
    return counts


def ratio(part: int, whole: int) -> str:
    """``part/whole percent``, or a dash when there is nothing to count."""
    return f"{part}/{whole} {100 * part / whole:.1f}%" if whole else "-"


def report(counts: dict[str, list[int]], title: str) -> tuple[int, int]:
    """Print the table; return (secrets leaked, keeps lost) overall."""
    print(title)
    print(f"  {'category':<10} {'recall (secrets removed)':>26} {'keep-rate':>20}")
    total = [0, 0, 0, 0]
    for category in sorted(counts):
        row = counts[category]
        total = [a + b for a, b in zip(total, row, strict=True)]
        print(f"  {category:<10} {ratio(row[0], row[1]):>26} {ratio(row[2], row[3]):>20}")
    print(f"  {'overall':<10} {ratio(total[0], total[1]):>26} {ratio(total[2], total[3]):>20}")
    return total[1] - total[0], total[3] - total[2]


def phonenumbers_mask() -> Callable[[str, tuple[str, ...]], str] | None:
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
    """Print the tables; exit 1 if a secret leaked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--show", action="store_true", help="list every leaked secret and lost keep")
    parser.add_argument("--phonenumbers", action="store_true",
                        help="compare phone recall with phonenumbers.PhoneNumberMatcher (if installed)")
    args = parser.parse_args()
    entries = load(args.corpus)
    print(f"{len(entries)} entries in {args.corpus}")
    leaks, _lost = report(tally(entries, lambda text, names: deidentify(text, names), args.show), "deidentify")
    if args.phonenumbers:
        mask = phonenumbers_mask()
        if mask is None:
            print("phonenumbers is not installed: pip install phonenumbers (for this comparison only)")
        else:
            phones = [e for e in entries if e["category"] in PHONE_CATEGORIES]
            clean = [e for e in entries if e["category"] == "clean"]
            report(tally(phones + clean, mask, args.show), "phonenumbers.PhoneNumberMatcher(text, 'CN') alone")
            print("  (keep-rate on clean lines measures its false positives; other categories are not its job)")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
