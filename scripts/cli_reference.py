"""Write docs/cli.md from the commands' own --help texts (CI checks that the file is current).

    python scripts/cli_reference.py          # rewrite docs/cli.md
    python scripts/cli_reference.py --check  # exit 1 if docs/cli.md differs from the help texts
"""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

TARGET = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def render() -> str:
    """The reference as Markdown, one section per command, in the order `gen --help` lists them."""
    runner = CliRunner()
    parts = ["# 命令参考\n", "本文件由 `python scripts/cli_reference.py` 根据各命令的 `--help` 生成，请勿手工修改。\n"]
    for args, title in [([], "gen"), *(([name], f"gen {name}") for name in sorted(main.commands))]:
        text = runner.invoke(main, [*args, "--help"], prog_name="gen", terminal_width=100).output
        parts.append(f"## `{title}`\n\n```text\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


def main_entry() -> int:
    """Rewrite or check the reference."""
    text = render()
    if "--check" in sys.argv:
        if not TARGET.is_file() or TARGET.read_text("utf-8") != text:
            print("docs/cli.md 与命令帮助不一致：请运行 python scripts/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main_entry())
