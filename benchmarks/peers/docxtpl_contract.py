"""Peer: docxtpl rendering a seed-sized contract (the signed contract's text, every line a paragraph, amounts as tags).

    python docxtpl_contract.py make TEMPLATE.docx     # once, with python-docx
    python docxtpl_contract.py render TEMPLATE.docx OUT.docx
"""

import sys
from pathlib import Path

SIGNED = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "signed-contract-2024.txt"

if sys.argv[1] == "make":
    from docx import Document

    document = Document()
    for line in SIGNED.read_text("utf-8").splitlines():
        line = line.replace("2000000.00", "{{ total }}").replace("900000.00", "{{ first }}").replace("2024", "{{ year }}")
        document.add_paragraph(line)
    document.save(sys.argv[2])
else:
    from docxtpl import DocxTemplate

    template = DocxTemplate(sys.argv[2])
    template.render({"total": "2000000.00", "first": "900000.00", "year": 2025})
    template.save(sys.argv[3])
