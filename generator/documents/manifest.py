"""The archive manifest as a document (归档清单): what was archived, each file's SHA-256, the sources' digests and
how long the files are kept, for the archivist to print, sign and file with the archive."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from generator.documents.model import Block, Cell, DocumentModel, Paragraph, Table
from generator.rules.model import ContractYear


def grouped(digest: str) -> str:
    """A SHA-256 in four groups of sixteen, so a line may break between groups but never inside one."""
    return " ".join(digest[i : i + 16] for i in range(0, len(digest), 16))


def build_manifest(year: ContractYear, data: Mapping[str, Any]) -> DocumentModel:
    """The manifest document of an archive (its data as `output.archive.manifest` made it)."""
    project = data["project"]
    facts = [("项目名称", project), ("合同编号", data["contract_number"] or "（未填写）"), ("合同年度", f"{data['year']}年度"),
             ("文件格式", f"{data['pdf']}（{data['converter']}）"), ("生成工具", data["generator"])]
    blocks: list[Block] = [Paragraph(project, "subtitle"), Paragraph("归档清单", "title"),
                           Paragraph(f"（{data['year']}年度）", "subtitle"),
                           Table(tuple((Cell.of(a, style="table_header"), Cell.of(b)) for a, b in facts), (36, 120),
                                 header_rows=0)]
    retention = data.get("retention")
    if retention:
        blocks += [Paragraph("一、保存期限", "heading1"),
                   Paragraph(f"依据{retention['citation']}：“{retention['text'].replace(chr(10), '')}”"),
                   Paragraph(f"{retention['basis']}，保存期自{_cn(retention['start'])}起算{retention['years']}年，"
                             f"至{_cn(retention['until'])}届满；届满前不得销毁。")]
    header = tuple(Cell.of(t, style="table_header") for t in ("序号", "文件", "字节", "SHA-256"))
    rows = [(Cell.of(str(n), style="table_center"), Cell.of(f["name"], f["title"]), Cell.of(f"{f['bytes']:,}", style="table_right"),
             Cell.of(grouped(f["sha256"]))) for n, f in enumerate(data["files"], start=1)]
    blocks += [Paragraph("二、归档文件", "heading1"),
               Paragraph("以下文件与本清单一同归档。核对时运行 gen verify 加本清单的 JSON 文件名，逐一重新计算 SHA-256。",
                         keep_with_next=True),
               Table((header, *rows), (10, 58, 22, 66)).small()]
    # A source's name and its digest one above the other: a path can be as wide as the page.
    sources = [(Cell.of(str(n), style="table_center"), Cell.of(label, grouped(digest)))
               for n, (label, digest) in enumerate(data["sources"].items(), start=1)]
    blocks += [Paragraph("三、数据源", "heading1"),
               Paragraph("文档由以下数据生成：合同按年度记录其内容的指纹（只随该年度的合同内容改变），其余为文件的 SHA-256。",
                         keep_with_next=True),
               Table(((Cell.of("序号", style="table_header"), Cell.of("数据源　指纹／SHA-256", style="table_header")), *sources),
                     (12, 144)).small()]
    if data.get("skipped"):
        blocks += [Paragraph("四、未归档的文档", "heading1"), *(Paragraph(reason) for reason in data["skipped"])]
    blocks += [Paragraph(f"以上归档文件共{len(data['files'])}个，数据源{len(data['sources'])}项。", keep_with_next=True),
               Paragraph("归档人（签字）：＿＿＿＿＿＿＿＿", "signature", keep_with_next=True),
               Paragraph("归档日期：＿＿＿＿年＿＿月＿＿日", "signature")]
    return DocumentModel(
        blocks=tuple(blocks),
        title=f"{project}归档清单（{data['year']}年度）",
        header_text=f"合同编号：{year.number_or_blank}",
        created=datetime.combine(year.term_end, datetime.min.time()),
        subject=project,
        keywords=f"{data['year']}年度 归档",
    )


def _cn(iso: str) -> str:
    from datetime import date

    from generator.rules.numerals import cn_date

    return cn_date(date.fromisoformat(iso))
