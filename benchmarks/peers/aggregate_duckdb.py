"""Peer: the same aggregation in DuckDB SQL over the CSV files.  python aggregate_duckdb.py MONTH_DIR"""

import json
import sys

import duckdb

folder = sys.argv[1]
db = duckdb.connect()
db.execute(f"""CREATE TABLE c AS SELECT "来电时间"::TIMESTAMP called_at, "请求人工" = '是' wants,
  "请求人工" = '是' AND "人工接通" = '是' answered, "等待时长(秒)"::BIGINT wait FROM read_csv('{folder}/calls.csv', all_varchar=true)""")
db.execute(f"""CREATE TABLE t AS SELECT "工单编号" id, "诉求类型" kind, "诉求分类" category, "所属乡镇" town, "承办单位" unit,
  "即时答复" instant, TRY_CAST(NULLIF("办结时间", '') AS TIMESTAMP) closed_at, TRY_CAST(NULLIF("回访时间", '') AS TIMESTAMP) revisit_at,
  COALESCE(NULLIF("满意度", ''), '未评价') sat FROM read_csv('{folder}/tickets.csv', all_varchar=true)""")
c = db.execute("""SELECT count(*), sum(wants::INT), sum(answered::INT), sum(CASE WHEN answered THEN wait END),
  count(DISTINCT day(called_at)) FROM c""").fetchone()
t = db.execute("""SELECT count(*), sum((kind = '咨询')::INT), sum((kind = '咨询' AND instant = '是')::INT), count(closed_at),
  sum((revisit_at >= closed_at AND revisit_at <= closed_at + INTERVAL 24 HOUR)::INT),
  sum((sat IN ('满意', '基本满意', '不满意'))::INT), sum((sat IN ('满意', '基本满意'))::INT) FROM t""").fetchone()
units = db.execute("SELECT unit, count(*), count(closed_at) FROM t GROUP BY unit").fetchall()
categories = db.execute("SELECT category, count(*) FROM t GROUP BY category").fetchall()
db.execute("SELECT category, unit, count(*) FROM t GROUP BY ALL").fetchall()
for column in ("kind", "town"):
    db.execute(f"SELECT {column}, count(*) FROM t GROUP BY 1").fetchall()
keys = ["calls", "wants_agent", "answered", "wait_seconds", "days", "tickets", "consult", "consult_instant", "closed",
        "revisited_on_time", "rated", "satisfied"]
print(json.dumps({**dict(zip(keys, map(int, (*c, *t)), strict=True)), "units": len(units), "categories": len(categories)},
                 ensure_ascii=False, sort_keys=True))
