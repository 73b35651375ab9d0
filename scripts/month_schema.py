"""Write schemas/month.schema.json from the inputs the shipped contract declares (CI checks it is current).

month.yaml holds the inputs staff enter each month; which they are is data (``scoring.inputs`` of the
year in force), so the editors' schema is generated from the latest year of contract.yaml. `gen report`
itself checks month.yaml against the year in force, whatever this file says.

    python scripts/month_schema.py          # rewrite schemas/month.schema.json
    python scripts/month_schema.py --check  # exit 1 if it differs from what contract.yaml gives
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from generated import write_or_check

from generator.exports import cases
from generator.rules.inputs import KINDS, specs_of
from generator.validation import load_contract

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "schemas" / "month.schema.json"


def render(contract_path: Path = ROOT / "contract.yaml") -> str:
    """The month.yaml schema of the contract's latest year, as JSON text."""
    contract = load_contract(contract_path)
    year = contract.years[max(contract.years)]
    bounds = (year.rank_best, year.rank_worst)
    properties = {}
    for name, spec in specs_of(year.data["scoring"]).items():
        if not spec.entered:
            continue
        schema = KINDS[spec.kind].json_schema(spec, bounds)
        schema["title"] = f"{name}（{KINDS[spec.kind].label}）"
        schema["description"] = (spec.description + "。" if spec.description else "") + f"例如 {name}: {KINDS[spec.kind].example(spec, bounds)}"
        properties[name] = schema
    if cases.KEY not in properties:
        properties[cases.KEY] = _cases_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "月度补充数据（month.yaml）",
        "description": f"导出表中没有的当月数据：{contract.source_name} 中 {year.year} 年度 scoring.inputs 声明的各项。"
                       "由 scripts/month_schema.py 生成，请勿手工修改。",
        "type": "object",
        "additionalProperties": False,
        "required": [name for name in properties if name != cases.KEY],
        "properties": properties,
    }
    return json.dumps(schema, ensure_ascii=False, indent=1) + "\n"


def _cases_schema() -> dict[str, object]:
    """The typical cases staff may write (generator/exports/cases.py reads and checks them)."""
    fields = {key: {"title": title, "type": "string", "minLength": 1} for key, title in cases.FIELDS.items()}
    fields["案例"]["maxLength"] = cases.MAX_CHARS
    return {
        "title": f"{cases.KEY}（可不写）",
        "description": "热点诉求的典型案例，由运营人员用自己的话概述（不照抄来电人的原话，不写姓名、电话、门牌）。"
                       "没有写的热点诉求，月报按工单信息概述一句。",
        "type": "array",
        "items": {"type": "object", "additionalProperties": False, "required": list(cases.REQUIRED), "properties": fields},
    }


def main() -> int:
    """Rewrite or check the month.yaml schema."""
    return write_or_check({TARGET: render()}, "python scripts/month_schema.py")

if __name__ == "__main__":
    sys.exit(main())
