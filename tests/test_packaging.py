"""A non-editable install (what pre-commit and the example CI files use) finds its schemas and templates."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import CONTRACT, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once by pip from the source tree."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    return next(folder.glob("hotline_contract_gen-*.whl"))


def test_the_wheel_ships_schemas_and_templates_and_runs_from_them(wheel: Path, tmp_path: Path) -> None:
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


def test_from_an_empty_folder_after_installing_the_wheel_init_then_contract(wheel: Path, tmp_path: Path) -> None:
    """A wheel install has no source tree: `gen init` gives it a contract to start from."""
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"), "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, timeout=300)
    # The dependencies come from the test environment's site-packages, added as a plain path: its .pth
    # files (the editable install of this source tree among them) are not processed there.
    site = next((env / "lib").glob("python3*/site-packages"))
    deps = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "jinja2").is_dir())
    (site / "deps.pth").write_text(deps + "\n", "utf-8")
    gen = str(env / "bin" / "gen")
    empty = tmp_path / "empty"
    empty.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([gen, *args], cwd=empty, capture_output=True, text=True, timeout=300,
                              env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"})

    missing = run("contract", "--year", "2024")
    assert missing.returncode == 2 and "--contract" in missing.stderr and "gen init" in missing.stderr
    started = run("init")
    assert started.returncode == 0, started.stderr
    assert "gen validate && gen contract --year 2024" in started.stderr
    assert (empty / "contract.yaml").read_bytes() == CONTRACT.read_bytes()  # the shipped contract, as a template
    for place in ("README.md", "data/columns.yaml", ".vscode/settings.json", ".pre-commit-config.yaml",
                  ".github/workflows/validate.yml", "schemas/contract.schema.json"):
        assert (empty / place).is_file(), place
    checked = run("validate")
    assert checked.returncode == 0, checked.stderr
    made = run("contract", "--year", "2024")
    assert made.returncode == 0, made.stderr
    assert made.stdout.split() == ["outputs/contract-2024.docx", "outputs/requirements-2024.docx"]
    # The generator that ran is the wheel's, not the source tree's.
    where = subprocess.run([str(env / "bin" / "python"), "-c", "import generator; print(generator.__file__)"],
                           capture_output=True, text=True, check=True, cwd=empty).stdout
    assert where.startswith(str(env))
    again = run("init")
    assert again.returncode == 2 and "不覆盖已有文件" in again.stderr
