"""Peer: the same aggregation in polars (eager read, expressions).  python aggregate_polars.py MONTH_DIR"""

import json
import sys

import polars as pl

FMT = "%Y-%m-%d %H:%M:%S"
folder = sys.argv[1]
calls = pl.read_csv(f"{folder}/calls.csv", infer_schema=False)
tickets = pl.read_csv(f"{folder}/tickets.csv", infer_schema=False)
calls = calls.with_columns(pl.col("来电时间").str.to_datetime(FMT).alias("at"), (pl.col("请求人工") == "是").alias("wants"))
calls = calls.with_columns((pl.col("wants") & (pl.col("人工接通") == "是")).alias("answered"))
c = calls.select(pl.len().alias("calls"), pl.col("wants").sum().alias("wants_agent"), pl.col("answered").sum(),
                 pl.col("等待时长(秒)").cast(pl.Int64).filter(pl.col("answered")).sum().alias("wait_seconds"),
                 pl.col("at").dt.day().n_unique().alias("days")).row(0, named=True)
tickets = tickets.with_columns(
    pl.col("办结时间").replace("", None).str.to_datetime(FMT).alias("closed_at"),
    pl.col("回访时间").replace("", None).str.to_datetime(FMT).alias("revisit_at"),
    pl.col("满意度").replace("", "未评价").alias("sat"), (pl.col("诉求类型") == "咨询").alias("consult"))
tickets = tickets.with_columns(
    pl.col("closed_at").is_not_null().alias("closed"), pl.col("sat").is_in(["满意", "基本满意", "不满意"]).alias("rated"),
    pl.col("sat").is_in(["满意", "基本满意"]).alias("satisfied"))
t = tickets.select(
    pl.len().alias("tickets"), pl.col("consult").sum(), (pl.col("consult") & (pl.col("即时答复") == "是")).sum().alias("consult_instant"),
    pl.col("closed").sum(), (pl.col("closed") & pl.col("revisit_at").is_not_null() & (pl.col("revisit_at") >= pl.col("closed_at"))
                             & (pl.col("revisit_at") <= pl.col("closed_at") + pl.duration(hours=24))).sum().alias("revisited_on_time"),
    pl.col("rated").sum(), pl.col("satisfied").sum()).row(0, named=True)
by_unit = tickets.group_by("承办单位").agg(pl.len(), pl.col("closed").sum(), pl.col("satisfied").sum())
by_category = tickets["诉求分类"].value_counts()
cross = tickets.group_by("诉求分类", "承办单位").len()
for column in ("诉求类型", "所属乡镇"):
    tickets[column].value_counts()
print(json.dumps({**{k: int(v) for k, v in {**c, **t}.items()}, "units": by_unit.height, "categories": by_category.height},
                 ensure_ascii=False, sort_keys=True))
