"""A non-editable install (what pre-commit and the example CI files use) finds its schemas and templates."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import CONTRACT, ROOT


def test_the_wheel_ships_schemas_and_templates_and_runs_from_them(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("hotline_contract_gen-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for schema in (ROOT / "schemas").glob("*.json"):
        assert f"generator/schemas/{schema.name}" in names
    for template in (ROOT / "templates").glob("*.yaml"):
        assert f"generator/templates/{template.name}" in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    # The unpacked wheel comes first on sys.path, ahead of the editable install of the source tree.
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from generator import resources, cli; "
            "assert str(resources.SCHEMAS).startswith(sys.argv[1]), resources.SCHEMAS; "
            "sys.argv = ['gen', 'validate', '--contract', sys.argv[2]]; cli.main()")
    result = subprocess.run([sys.executable, "-c", code, str(unpacked), str(CONTRACT)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "contract.yaml 有效" in result.stdout
