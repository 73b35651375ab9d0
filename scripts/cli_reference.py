"""Write docs/cli.md and the README's command table from the commands themselves (CI checks both are current).

    python scripts/cli_reference.py          # rewrite docs/cli.md and the table in README.md
    python scripts/cli_reference.py --check  # exit 1 if either differs from the commands
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
from click.testing import CliRunner
from generated import write_or_check

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "cli.md"
README = ROOT / "README.md"
TABLE = re.compile(r"(<!-- commands:start -->\n).*?(<!-- commands:end -->)", re.S)
# Options most commands share get a column of their own; the synopsis shows the rest.
SHARED = ("--contract", "--out", "--pdf", "--strict")


def render() -> str:
    """The reference as Markdown, one section per command, in the order `gen --help` lists them."""
    runner = CliRunner()
    parts = ["# 命令参考\n", "本文件由 `python scripts/cli_reference.py` 根据各命令的 `--help` 生成，请勿手工修改。\n"]
    for args, title in [([], "gen"), *(([name], f"gen {name}") for name in sorted(main.commands))]:
        text = runner.invoke(main, [*args, "--help"], prog_name="gen", terminal_width=100).output
        parts.append(f"## `{title}`\n\n```text\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


def _synopsis(name: str, command: click.Command) -> str:
    words = [f"gen {name}"]
    for param in command.params:
        if isinstance(param, click.Argument):
            shown = str(param.metavar or param.name)
            words.append(shown if param.required else f"[{shown}]")
            continue
        option = max(param.opts, key=len)
        if option in SHARED or option == "--help" or not isinstance(param, click.Option):
            continue
        shown = option if param.is_flag else f"{option} {param.metavar or param.name.upper()}"
        words.append(shown if param.required else f"[{shown}]")
    return " ".join(words)


def table() -> str:
    """The README's command table: every command, its synopsis, what it does and the shared options it takes."""
    lines = ["| 命令 | 作用 | " + " | ".join(f"`{o}`" for o in SHARED) + " |", "|---|---|" + "---|" * len(SHARED)]
    for name in sorted(main.commands):
        command = main.commands[name]
        takes = {opt for param in command.params for opt in param.opts}
        marks = " | ".join("✓" if option in takes else "" for option in SHARED)
        summary = (command.help or "").split("\n")[0].rstrip("。")
        lines.append(f"| `{_synopsis(name, command)}` | {summary} | {marks} |")
    lines.append("| `gen --version` | 显示版本 | " + " | ".join("" for _ in SHARED) + " |")
    return "\n".join(lines) + "\n"


def main_entry() -> int:
    """Rewrite or check the reference and the README table."""
    readme = README.read_text("utf-8")
    if not TABLE.search(readme):
        print("README.md 中没有 <!-- commands:start --> … <!-- commands:end --> 标记", file=sys.stderr)
        return 1
    updated = TABLE.sub(lambda m: m.group(1) + table() + m.group(2), readme)
    return write_or_check({REFERENCE: render(), README: updated}, "python scripts/cli_reference.py")

if __name__ == "__main__":
    sys.exit(main_entry())
