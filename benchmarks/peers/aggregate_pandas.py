"""Peer: the month's aggregation a user would write in pandas instead (read both exports, count as the report does).

    python aggregate_pandas.py MONTH_DIR [MONTH_DIR ...]  ->  each month's counts as a line of JSON
    (the harness checks them against gen's; several months in one process, as a year's script would)
"""

import json
import sys

import pandas as pd

FMT = "%Y-%m-%d %H:%M:%S"


def aggregate(folder: str) -> str:
    """The month's counts as JSON."""
    calls = pd.read_csv(f"{folder}/calls.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    tickets = pd.read_csv(f"{folder}/tickets.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    called = pd.to_datetime(calls["来电时间"], format=FMT)
    wants = calls["请求人工"].eq("是")
    answered = wants & calls["人工接通"].eq("是")
    wait = pd.to_numeric(calls["等待时长(秒)"])
    daily = called.dt.day.value_counts()
    closed_at = pd.to_datetime(tickets["办结时间"].replace("", None), format=FMT)
    revisit_at = pd.to_datetime(tickets["回访时间"].replace("", None), format=FMT)
    closed = closed_at.notna()
    on_time = closed & revisit_at.notna() & (revisit_at >= closed_at) & (revisit_at <= closed_at + pd.Timedelta(hours=24))
    satisfaction = tickets["满意度"].replace("", "未评价")
    rated = satisfaction.isin(["满意", "基本满意", "不满意"])
    satisfied = satisfaction.isin(["满意", "基本满意"])
    consult = tickets["诉求类型"].eq("咨询")
    frame = tickets.assign(closed=closed, rated=rated, satisfied=satisfied)
    by_unit = frame.groupby("承办单位").agg(rows=("工单编号", "size"), closed=("closed", "sum"), satisfied=("satisfied", "sum"))
    by_type, by_town = tickets["诉求类型"].value_counts(), tickets["所属乡镇"].value_counts()
    by_category = tickets["诉求分类"].value_counts()
    cross = tickets.groupby(["诉求分类", "承办单位"]).size()
    return json.dumps({
        "calls": len(calls), "wants_agent": int(wants.sum()), "answered": int(answered.sum()),
        "wait_seconds": int(wait[answered].sum()), "days": len(daily), "tickets": len(tickets),
        "consult": int(consult.sum()), "consult_instant": int((consult & tickets["即时答复"].eq("是")).sum()),
        "closed": int(closed.sum()), "revisited_on_time": int(on_time.sum()), "rated": int(rated.sum()),
        "satisfied": int(satisfied.sum()), "units": len(by_unit), "categories": len(by_category),
        "types": len(by_type), "towns": len(by_town), "category_units": len(cross),
    }, ensure_ascii=False, sort_keys=True)


for month_dir in sys.argv[1:]:
    print(aggregate(month_dir))
