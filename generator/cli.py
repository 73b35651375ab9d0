"""The `gen` command: parses options, calls one library function, prints paths or problems."""

from __future__ import annotations

import atexit
import codecs
import os
import re
import sys
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from generator import __version__, api, cli_zh
from generator.errors import GenError, Problem

cli_zh.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class _Command(click.Command):
    """A command whose built-in --help speaks Chinese like the rest of its help."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


class _Group(_Command, click.Group):
    """Maps our one exception type to its exit code and a message on stderr: no traceback for bad input."""

    command_class = _Command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GenError as exc:
            click.echo(str(exc), err=True)
            ctx.exit(exc.exit_code)


def _options(*decorators: Decorator) -> Decorator:
    def apply(func: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def _as_of(_: click.Context, __: click.Parameter, value: str | None) -> str | None:
    # "today" is read from the clock only when the user asks for it; the job records the resolved date.
    if value is None:
        return None
    if value.strip().lower() == "today":
        return date.today().isoformat()
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise click.BadParameter("日期格式应为 YYYY-MM-DD，例如 2024-12-31，或写 today") from None


def _score(_: click.Context, __: click.Parameter, value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        score = Decimal(value.strip())
    except ArithmeticError:
        raise click.BadParameter("得分应为数字，例如 86.5") from None
    exponent = score.as_tuple().exponent  # a letter for NaN and infinity
    if not isinstance(exponent, int) or not 0 <= score <= 1000 or exponent < -2:
        raise click.BadParameter("得分应为 0 以上、最多两位小数的数字，例如 86.5")
    return score


def _month(_: click.Context, __: click.Parameter, value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", value):
        raise click.BadParameter("月份格式应为 YYYY-MM，例如 2024-05")
    return value


class _ContractPath(click.Path):
    """The contract file: when it is missing, say which option names it and how to start one."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:
            if Path(value).exists():
                raise
            self.fail(f"{error.message.rstrip('。')}。请用 --contract 指定合同文件；还没有合同文件时，可运行 gen init 生成起步模板",
                      param, ctx)


contract_option = click.option("--contract", "contract_path", metavar="文件", type=_ContractPath(path_type=Path, dir_okay=False, exists=True),
                               default=Path("contract.yaml"), show_default=True, help="合同数据文件。")
strict_option = click.option("--strict", is_flag=True, help="把警告（如续签条件不满足）当作错误，退出码 1。")
out_option = click.option("--out", "out_dir", metavar="目录", type=click.Path(path_type=Path, file_okay=False), default=Path("outputs"),
                          show_default=True, help="输出目录。")
pdf_option = click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF（放在 .docx 旁边）。")
year_option = click.option("--year", metavar="年度", type=click.IntRange(2000, 2100), required=True, help="合同年度，例如 2025。")
data_option = click.option("--data", "data_dir", metavar="目录", type=click.Path(path_type=Path, file_okay=False), default=Path("data"),
                           show_default=True, help="存放各月数据目录（YYYY-MM/）的目录。")
generating = _options(contract_option, out_option, pdf_option, strict_option)


def _report(paths: Iterable[Path], warnings: Iterable[Problem]) -> None:
    for warning in warnings:
        click.echo(warning.format(), err=True)
    for path in paths:
        click.echo(str(path))


def _run(job: api.Request, contract_path: Path, out_dir: Path, pdf: bool) -> None:
    _report(*api.generate(job, contract_path.resolve().parent, out_dir, pdf))


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", "-V", prog_name="gen", message="%(prog)s %(version)s",
                      help="显示版本并退出。")
def main() -> None:
    """12345 热线服务外包合同生成工具：从 contract.yaml 生成合同、需求书、付款计划、月报和考核报告。

    \b
    示例：
      gen validate
      gen contract --year 2025
      gen all --year 2024 --pdf
    """


@main.command(context_settings=CONTEXT)
@contract_option
@strict_option
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
@click.argument("folder", metavar="目录", type=click.Path(path_type=Path, file_okay=False), default=Path("."))
def init(folder: Path) -> None:
    """在目录中（默认当前目录）生成一份可以直接运行的起步模板：合同、列名对照、编辑器设置、提交前校验和 CI 示例。

    \b
    合同 contract.yaml 是本工具附带的完整合同，请改成本单位的合同；已有的文件一律不覆盖。
    示例：gen init 我的合同
          cd 我的合同 && gen validate && gen contract --year 2024
    """
    written, year = api.init(folder)
    for path in written:
        click.echo(str(path))
    place = "" if folder == Path(".") else f"cd {folder} && "
    click.echo(f"已生成起步模板（{len(written)} 个文件），说明见 {folder / 'README.md'}。下一步：\n"
               f"  {place}gen validate && gen contract --year {year}", err=True)


@main.command("new-year", context_settings=CONTEXT)
@click.argument("year", metavar="年度", type=click.IntRange(2000, 2100))
@contract_option
def new_year(year: int, contract_path: Path) -> None:
    """开始一个新的合同年度：在 contract.yaml 的 years 中追加该年度的框架（保留所有注释）。

    \b
    新年度为续签（kind: renewal），合同编号留空，签字人从上一年度复制，并附一个费用调整的注释示例。
    之后在该年度下只写本年度起变化的内容（预算、费用、付款、人员、考核指标……），以后年度沿用。
    示例：gen new-year 2026
    """
    todo, warnings = api.new_year(contract_path, year)
    for line in todo:
        click.echo(line)
    for warning in warnings:
        click.echo(warning.format(), err=True)


@main.command(context_settings=CONTEXT)
@year_option
@generating
def contract(year: int, contract_path: Path, out_dir: Path, pdf: bool, strict: bool) -> None:
    """生成某一年度的合同（含全部附件），并另存用户需求书。

    \b
    示例：gen contract --year 2025 --out outputs
    """
    _run(api.ContractRequest.at(contract_path, year=year, strict=strict), contract_path, out_dir, pdf)


@main.command(context_settings=CONTEXT)
@year_option
@generating
def requirements(year: int, contract_path: Path, out_dir: Path, pdf: bool, strict: bool) -> None:
    """单独生成某一年度的用户需求书（合同附件）。

    \b
    示例：gen requirements --year 2025
    """
    _run(api.RequirementsRequest.at(contract_path, year=year, strict=strict), contract_path, out_dir, pdf)


@main.command(context_settings=CONTEXT)
@year_option
@click.option("--rankings", metavar="文件", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="全省月度排名文件（YAML，每行 YYYY-MM: 名次）。")
@click.option("--paid", metavar="文件", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="实际付款记录（YAML 列表：milestone、paid_on、amount），用于计算逾期违约金。")
@click.option("--as-of", "as_of", metavar="日期", callback=_as_of, help="计算逾期违约金的截止日期，例如 2024-12-31；写 today 表示今天。与 --paid 一起使用。")
@click.option("--data", "data_dir", metavar="目录", type=click.Path(path_type=Path, file_okay=False), default=Path("data"), show_default=True,
              help="月度数据目录；没有 --rankings 时从其中各月 month.yaml 的“全省排名”读取。")
@generating
def invoices(year: int, rankings: Path | None, paid: Path | None, as_of: Any, data_dir: Path,
             contract_path: Path, out_dir: Path, pdf: bool, strict: bool) -> None:
    """生成某一年度的付款及开票计划（Word 与 JSON）：付款日期、最迟开票日期、排名档位金额、逾期违约金。

    \b
    示例：gen invoices --year 2024 --rankings rankings-2024.yaml
          gen invoices --year 2024 --paid paid-2024.yaml --as-of 2024-12-31
    """
    job = api.InvoicesRequest.at(contract_path, year=year, data=data_dir, strict=strict, rankings=rankings,
                       paid=paid, as_of=as_of)
    _run(job, contract_path, out_dir, pdf)


@main.command(context_settings=CONTEXT)
@click.option("--month", metavar="YYYY-MM", required=True, callback=_month, help="月份，例如 2024-05。")
@data_option
@click.option("--skip-bad-rows", is_flag=True, help="跳过无法读取的数据行（在月报中列出），而不是报错退出。")
@generating
def report(month: str, data_dir: Path, skip_bad_rows: bool, contract_path: Path, out_dir: Path, pdf: bool, strict: bool) -> None:
    """生成 12345 热线月报（Word 与 JSON）：运行情况、诉求分析、热点诉求、考核得分、排名与付款档位。

    \b
    数据目录结构：data/2024-05/calls.csv、tickets.csv（或 .xlsx）、month.yaml
    示例：gen report --month 2024-05 --data data
    """
    job = api.ReportRequest.at(contract_path, month=month, data=data_dir, skip_bad_rows=skip_bad_rows,
                       strict=strict)
    _run(job, contract_path, out_dir, pdf)


@main.command(context_settings=CONTEXT)
@year_option
@data_option
@click.option("--partial", is_flag=True, help="考核期内缺少某些月份的数据时，按已有月份计算（报告首页注明）。")
@click.option("--record", "record_result", is_flag=True, help="把考核结果（得分、是否合格、违约行为）写回 contract.yaml 中该年度的 assessment。")
@click.option("--score", metavar="得分", callback=_score, help="与 --record 一起用：直接记录甲方出具的得分，不读取月度数据。")
@click.option("--passed/--failed", "passed", default=None, help="与 --record 一起用：直接记录考核结论（不写时按得分和违约行为判定）。")
@click.option("--breach", "breaches", metavar="文字", multiple=True, help="与 --record 一起用：记录一项违约行为（可写多次）。")
@generating
def assess(year: int, data_dir: Path, partial: bool, record_result: bool, score: Decimal | None, passed: bool | None,
           breaches: tuple[str, ...], contract_path: Path, out_dir: Path, pdf: bool, strict: bool) -> None:
    """年度考核（履约验收）：按合同的考核标准计算考核期各月的得分，给出续签结论和付款档位。

    \b
    示例：gen assess --year 2024 --data data
          gen assess --year 2024 --record   （结果写入 contract.yaml，供下一年度续签核对）
          gen assess --year 2025 --record --score 86.5   （没有月度数据时，记录甲方出具的得分）
    """
    if score is not None or passed is not None or breaches:
        if not record_result:
            raise click.UsageError("--score、--passed/--failed、--breach 用于记录甲方出具的结果，须与 --record 一起使用")
        path, words = api.record_assessment(contract_path, year, score, passed, breaches)
        click.echo(str(path))
        click.echo(words, err=True)
        return
    job = api.AssessmentRequest.at(contract_path, year=year, data=data_dir, partial=partial, strict=strict)
    _report(*api.generate_assessment(job, contract_path.resolve().parent, out_dir, record_result, pdf))


@main.command(context_settings=CONTEXT)
@click.option("--from", "from_year", metavar="年度", type=click.IntRange(2000, 2100), required=True, help="原年度，例如 2024。")
@click.option("--to", "to_year", metavar="年度", type=click.IntRange(2000, 2100), required=True, help="新年度，例如 2025。")
@contract_option
@out_option
@pdf_option
def diff(from_year: int, to_year: int, contract_path: Path, out_dir: Path, pdf: bool) -> None:
    """生成两个年度合同的修订对照稿：首页列出数据变化，正文以 Word 修订标记显示每处改动。

    \b
    示例：gen diff --from 2024 --to 2025
    """
    _run(api.DiffRequest.at(contract_path, from_year=from_year, to_year=to_year), contract_path, out_dir, pdf)


@main.command(context_settings=CONTEXT)
@year_option
@contract_option
@out_option
@strict_option
def calendar(year: int, contract_path: Path, out_dir: Path, strict: bool) -> None:
    """生成某一年度的履约日历（.ics）：开票、付款、月报、履约验收、续签决定和服务期满，可导入 Outlook / WPS 日历。

    \b
    每项事务注明所依据的条款，并按合同数据（calendar.alarm_days）提前提醒；重新导入更新后的日历不会重复。
    示例：gen calendar --year 2024
    """
    _run(api.CalendarRequest.at(contract_path, year=year, strict=strict), contract_path, out_dir, False)


@main.command(context_settings=CONTEXT)
@year_option
@generating
def notice(year: int, contract_path: Path, out_dir: Path, pdf: bool, strict: bool) -> None:
    """生成某一年度的合同公告（Word 与可粘贴到采购网站表单的 .txt），并给出法定公告期限。

    \b
    内容：合同编号、合同名称、项目编号和名称、双方名称和地址、主要标的和服务要求、合同金额、履约期限、地点和方式、
    签订日期和公告日期（签订之日起 2 个工作日内，按国务院节假日安排计算）。contract.yaml 中 statutes.confidential
    列出的内容（银行账户、个人电话等）不公告，并列出略去了哪些。
    示例：gen notice --year 2025
    """
    job = api.NoticeRequest.at(contract_path, year=year, strict=strict)
    paths, warnings, left_out = api.generate_notice(job, contract_path.resolve().parent, out_dir, pdf)
    _report(paths, warnings)
    if left_out:
        click.echo(f"未公告（statutes.confidential 标记为不公开）：{'、'.join(left_out)}", err=True)


@main.command(context_settings=CONTEXT)
@year_option
@data_option
@generating
def acceptance(year: int, data_dir: Path, contract_path: Path, out_dir: Path, pdf: bool, strict: bool) -> None:
    """生成某一年度的履约验收书（Word）和验收结果公告（.txt，可粘贴到采购网站表单）。

    \b
    逐项列出用户需求书的各项标准和考核标准的各项指标：数据能说明的（各月在岗人数与人员配置下限、各指标的考核期
    数值和得分、报告缺交等）写明履约情况，缺数据的月份注明“缺数据”；其余和验收结论、签字由验收小组填写。
    公共服务项目另列服务对象意见（满意率等评价统计，不引用来电人的文字）。
    示例：gen acceptance --year 2024 --data data
    """
    _run(api.AcceptanceRequest.at(contract_path, year=year, data=data_dir, strict=strict), contract_path, out_dir, pdf)


@main.command(context_settings=CONTEXT)
@year_option
@data_option
@contract_option
@click.option("--out", "out_dir", metavar="目录", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="输出目录（默认 outputs/archive-年度）。")
@strict_option
def archive(year: int, data_dir: Path, contract_path: Path, out_dir: Path | None, strict: bool) -> None:
    """把某一年度的全部文档归档为 PDF/A-2b，并写出 SHA-256 归档清单（JSON、文本和 PDF），可用 gen verify 核对。

    \b
    归档内容：合同（含附件）、用户需求书、付款及开票计划、有数据的各月月报、年度考核报告（数据齐全时）、
    履约验收书、合同公告，以及公告的文本；清单记录每个文件和各数据源的 SHA-256，以及法规（templates/statutes.yaml
    中记载的条文）规定的保存期限。需要 LibreOffice。
    示例：gen archive --year 2024 --data data
          gen verify outputs/archive-2024/archive-2024.json
    """
    job = api.ArchiveRequest.at(contract_path, year=year, data=data_dir, strict=strict)
    _run(job, contract_path, out_dir or Path("outputs") / f"archive-{year}", False)


@main.command("all", context_settings=CONTEXT)
@year_option
@data_option
@generating
def all_documents(year: int, data_dir: Path, contract_path: Path, out_dir: Path, pdf: bool, strict: bool) -> None:
    """一次生成某年度的全部文档：合同、需求书、付款计划、有数据的各月月报和年度考核。

    \b
    在终端中显示进度条；最后列出生成了什么、跳过了什么及原因。全部成功才写入（不会只写一半）。
    示例：gen all --year 2024 --data data --pdf
    """
    plan = api.plan_all(contract_path, year, data_dir, strict)
    if sys.stderr.isatty():
        with click.progressbar(length=len(plan.jobs), label="正在生成", file=sys.stderr) as bar:
            paths, warnings = api.generate_all(plan, out_dir, pdf, progress=lambda _: bar.update(1))
    else:
        paths, warnings = api.generate_all(plan, out_dir, pdf)
    _report(paths, warnings)
    click.echo(f"完成：写入 {len(paths)} 个文件到 {out_dir}；跳过 {len(plan.skipped)} 项。", err=True)
    for reason in plan.skipped:
        click.echo(f"  跳过 {reason}", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("document", metavar="文档", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--data", "data_dir", metavar="目录", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="数据目录现在的位置（生成时数据目录在合同目录之外的，文档中只记录了它的名称）。")
@contract_option
def verify(document: Path, data_dir: Path | None, contract_path: Path) -> None:
    """核对一份生成的 Word 文档是否与当前数据源重新生成的结果完全一致（签署前使用），或核对一份归档。

    \b
    文档中记录了生成它的命令和各源文件（合同按年度）的指纹；不一致时列出哪个源被修改，退出码为 1。
    给出归档清单（gen archive 写出的 archive-年度.json）时，逐一重新计算归档文件和各数据源的 SHA-256。
    数据文件按相对于合同文件所在目录的路径查找；合同目录之外的只记录名称，用 --data 指定其位置。
    示例：gen verify outputs/contract-2025.docx
          gen verify outputs/archive-2024/archive-2024.json
    """
    verdict = api.verify(document, contract_path, data_dir)
    for line in verdict.findings:
        click.echo(line, err=not verdict.matches)
    if not verdict.matches:
        sys.exit(1)


@main.command(context_settings=CONTEXT)
@contract_option
@click.option("--port", metavar="端口", type=click.IntRange(0, 65535), default=0,
              help="编辑器使用的端口（默认自动选择一个空闲端口）。")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器，只显示地址。")
def edit(contract_path: Path, port: int, no_browser: bool) -> None:
    """在浏览器中编辑合同年度：各部分为表单，输入时即检查，可预览合同和修订对照，保存时保留文件中的注释。

    \b
    编辑器只在本机（127.0.0.1）上运行；第一行显示带访问令牌的地址，只有用这个地址打开的页面能使用。
    已签订的年度只能查看；修改只写入该年度（years 下）变化的部分。按 Ctrl+C 结束。
    示例：gen edit
          gen edit --contract 我的合同/contract.yaml --no-browser
    """
    def announce(url: str) -> None:
        click.echo(url)
        sys.stdout.flush()

    # The editor is the other front end; like this one it calls the API and nothing else of ours.
    from generator.editor.server import serve

    serve(contract_path, port, not no_browser, announce)


@main.command("sample-data", context_settings=CONTEXT)
@click.option("--year", metavar="年度", type=click.IntRange(2000, 2100), help="生成该合同年度各服务月的数据（不写则为合同的第一个年度）。")
@click.option("--month", metavar="YYYY-MM", callback=_month, help="只生成这一个月，例如 2024-05。")
@click.option("--seed", metavar="整数", type=int, default=12345, show_default=True, help="随机种子：相同种子生成相同数据。")
@click.option("--scale", metavar="倍数", type=click.FloatRange(0.001, 100), default=1.0, show_default=True,
              help="规模倍数：1 = 合同约定的年话务量（project.annual_calls）；更大的倍数用于性能测试。")
@click.option("--out", "out_dir", metavar="目录", type=click.Path(path_type=Path, file_okay=False), default=Path("data"), show_default=True,
              help="输出目录。")
@click.option("--force", is_flag=True, help="覆盖目录中已有的数据文件（默认不覆盖，以免误删真实导出）。")
@contract_option
def sample_data(year: int | None, month: str | None, seed: int, scale: float, out_dir: Path, force: bool, contract_path: Path) -> None:
    """按合同数据生成可重复的示例月度数据（话务、工单明细和 month.yaml），供月报和演示使用。

    \b
    地区、诉求分类、承办单位、话务量、人员和排名范围都取自合同（sample、exports、scoring.inputs）。
    示例：gen sample-data --year 2024
          gen sample-data --month 2024-05 --scale 30 --out /tmp/province
    """
    for folder in api.generate_sample(contract_path, out_dir, year, month, seed, scale, force):
        click.echo(str(folder))


# What a console lacking a character (GBK has no "¥") shows instead of failing; else "?".
_CONSOLE_FALLBACKS = {"¥": "￥", "\u00a0": " "}


def _console_fallback(error: UnicodeEncodeError) -> tuple[str, int]:
    shown = "".join(_CONSOLE_FALLBACKS.get(char, "?") for char in error.object[error.start:error.end])
    return shown.encode(error.encoding, "replace").decode(error.encoding), error.end  # "?" if the console lacks it too


def _tolerant_console() -> None:
    """Standard output and error never fail on a character the console's encoding lacks (a GBK console, a
    redirect to a file on Chinese Windows): Chinese text is written as is, the rare other character replaced."""
    codecs.register_error("hcg-console", _console_fallback)  # type: ignore[arg-type]  # only ever handed encode errors
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="hcg-console")


def entry() -> None:
    """The `gen` console script: the command, then a quick exit.

    Tearing down the interpreter (every module, every object the run made) costs a short command about
    a tenth of its time and achieves nothing for a finished process. So once the command is done, the
    exit handlers run (the caches' write-backs among them), the standard streams are flushed, and the
    process ends. An unexpected exception still ends it the usual way, with its traceback.
    """
    _tolerant_console()
    try:
        main(prog_name="gen")
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - click's standalone mode always exits
        code = 0
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:  # pragma: no cover - every CPython has it; exit the slow way otherwise
        sys.exit(code)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1  # a closed pipe (gen … | head): the output was not all delivered
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
