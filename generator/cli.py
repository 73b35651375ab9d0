"""The `gen` command: parses options, calls one library function, prints paths or problems."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from . import __version__, api
from .errors import GenError, Problem

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """Maps our one exception type to its exit code and a message on stderr: no traceback for bad input."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GenError as exc:
            click.echo(str(exc), err=True)
            ctx.exit(exc.exit_code)


def _contract_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--contract", "contract_path", type=click.Path(path_type=Path, dir_okay=False), default=Path("contract.yaml"),
        show_default=True, help="合同数据文件。",
    )(func)


def _strict_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--strict", is_flag=True, help="把警告（如续签条件不满足）当作错误，退出码 1。")(func)


def _out_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("outputs"),
        show_default=True, help="输出目录。",
    )(func)


def _year_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--year", type=click.IntRange(2000, 2100), required=True, help="合同年度，例如 2025。")(func)


def _report(paths: Iterable[Path], warnings: Iterable[Problem]) -> None:
    for warning in warnings:
        click.echo(warning.format(), err=True)
    for path in paths:
        click.echo(str(path))


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", "-V", prog_name="gen", message="%(prog)s %(version)s")
def main() -> None:
    """陵水 12345 热线服务外包合同生成工具：从 contract.yaml 生成合同、需求书等 Word 文档。

    \b
    示例：
      gen validate
      gen contract --year 2025
    """


@main.command(context_settings=CONTEXT)
@_contract_option
@_strict_option
def validate(contract_path: Path, strict: bool) -> None:
    """检查 contract.yaml：格式、金额合计、付款档位、日期、条款表达式和续签条件。

    \b
    一次列出全部问题，格式为 “文件:行:列: 路径: 说明”；有错误时退出码为 1。
    示例：gen validate --contract contract.yaml --strict
    """
    report = api.validate(contract_path, strict)
    for warning in report.warnings:
        click.echo(warning.format(), err=True)
    click.echo(report.summary)


@main.command(context_settings=CONTEXT)
@_year_option
@_contract_option
@_out_option
@_strict_option
def contract(year: int, contract_path: Path, out_dir: Path, strict: bool) -> None:
    """生成某一年度的合同（含全部附件），并另存用户需求书（附件 5）。

    \b
    示例：gen contract --year 2025 --out outputs
    """
    _report(*api.generate_contract(contract_path, year, out_dir, strict))


@main.command(context_settings=CONTEXT)
@_year_option
@_contract_option
@_out_option
@_strict_option
def requirements(year: int, contract_path: Path, out_dir: Path, strict: bool) -> None:
    """单独生成某一年度的用户需求书（合同附件 5）。

    \b
    示例：gen requirements --year 2025
    """
    _report(*api.generate_requirements(contract_path, year, out_dir, strict))


@main.command(context_settings=CONTEXT)
@_year_option
@click.option("--rankings", type=click.Path(path_type=Path, dir_okay=False), help="全省月度排名文件（YAML，每行 YYYY-MM: 名次）。")
@click.option("--paid", type=click.Path(path_type=Path, dir_okay=False), help="实际付款记录（YAML 列表：milestone、paid_on、amount），用于计算逾期违约金。")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="计算未付款逾期违约金的截止日期，例如 2024-12-31。")
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("data"), show_default=True,
              help="月度数据目录；没有 --rankings 时从其中各月 month.yaml 的“全省排名”读取。")
@_contract_option
@_out_option
@_strict_option
def invoices(year: int, rankings: Path | None, paid: Path | None, as_of: Any, data_dir: Path,
             contract_path: Path, out_dir: Path, strict: bool) -> None:
    """生成某一年度的付款及开票计划（Word 与 JSON）：付款日期、最迟开票日期、排名档位金额、逾期违约金。

    \b
    示例：gen invoices --year 2024 --rankings rankings-2024.yaml
          gen invoices --year 2024 --paid paid-2024.yaml --as-of 2024-12-31
    """
    day = as_of.date() if as_of else None
    _report(*api.generate_invoices(contract_path, year, out_dir, rankings, paid, day, data_dir, strict))


def _month(_: click.Context, __: click.Parameter, value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", value):
        raise click.BadParameter("月份格式应为 YYYY-MM，例如 2024-05")
    return value


_data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("data"),
                            show_default=True, help="存放各月数据目录（YYYY-MM/）的目录。")


@main.command(context_settings=CONTEXT)
@click.option("--month", required=True, callback=_month, help="月份，例如 2024-05。")
@_data_option
@click.option("--skip-bad-rows", is_flag=True, help="跳过无法读取的数据行（在月报中列出），而不是报错退出。")
@_contract_option
@_out_option
@_strict_option
def report(month: str, data_dir: Path, skip_bad_rows: bool, contract_path: Path, out_dir: Path, strict: bool) -> None:
    """生成 12345 热线月报（Word 与 JSON）：运行情况、诉求分析、热点诉求、考核得分、排名与付款档位。

    \b
    数据目录结构：data/2024-05/calls.csv、tickets.csv（或 .xlsx）、month.yaml
    示例：gen report --month 2024-05 --data data
    """
    _report(*api.generate_report(contract_path, month, data_dir, out_dir, skip_bad_rows, strict))


@main.command(context_settings=CONTEXT)
@_year_option
@_data_option
@click.option("--partial", is_flag=True, help="考核期内缺少某些月份的数据时，按已有月份计算（报告首页注明）。")
@click.option("--record", "record_result", is_flag=True, help="把考核结果（得分、是否合格、违约行为）写回 contract.yaml 中该年度的 assessment。")
@_contract_option
@_out_option
@_strict_option
def assess(year: int, data_dir: Path, partial: bool, record_result: bool, contract_path: Path, out_dir: Path,
           strict: bool) -> None:
    """年度考核（履约验收）：按附件 1 计算第 1-10 个服务月的得分，给出续签结论和付款档位。

    \b
    示例：gen assess --year 2024 --data data
          gen assess --year 2024 --record   （结果写入 contract.yaml，供下一年度续签核对）
    """
    _report(*api.generate_assessment(contract_path, year, data_dir, out_dir, partial, record_result, strict))


@main.command(context_settings=CONTEXT)
@click.option("--from", "from_year", type=click.IntRange(2000, 2100), required=True, help="原年度，例如 2024。")
@click.option("--to", "to_year", type=click.IntRange(2000, 2100), required=True, help="新年度，例如 2025。")
@_contract_option
@_out_option
def diff(from_year: int, to_year: int, contract_path: Path, out_dir: Path) -> None:
    """生成两个年度合同的修订对照稿：首页列出数据变化，正文以 Word 修订标记显示每处改动。

    \b
    示例：gen diff --from 2024 --to 2025
    """
    _report(*api.generate_diff(contract_path, from_year, to_year, out_dir))


@main.command("sample-data", context_settings=CONTEXT)
@click.option("--year", type=click.IntRange(2000, 2100), default=2024, show_default=True, help="生成该年 12 个月的数据。")
@click.option("--month", callback=_month, help="只生成这一个月，例如 2024-05。")
@click.option("--seed", type=int, default=12345, show_default=True, help="随机种子：相同种子生成相同数据。")
@click.option("--scale", type=click.FloatRange(0.001, 100), default=1.0, show_default=True,
              help="规模倍数：1 ≈ 陵水每年 9 万通来电；30 ≈ 全省一个月的规模。")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("data"), show_default=True,
              help="输出目录。")
def sample_data(year: int, month: str | None, seed: int, scale: float, out_dir: Path) -> None:
    """生成可重复的示例月度数据（话务、工单明细和 month.yaml），供月报和演示使用。

    \b
    示例：gen sample-data --year 2024
          gen sample-data --month 2024-05 --scale 30 --out /tmp/province
    """
    for folder in api.generate_sample(out_dir, year, month, seed, scale):
        click.echo(str(folder))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
