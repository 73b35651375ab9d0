"""De-identification of quoted complaint text (generator.exports.deidentify) against a labelled corpus.

The corpus (tests/fixtures/privacy_corpus.yaml) lists, for each line, the secrets that must not survive
and the substrings that must: a leak or an over-masking anywhere fails the test for that line.
"""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.exports import deidentify as module
from generator.exports.deidentify import contains_personal_data, deidentify, shadow

CORPUS_PATH = Path(__file__).resolve().parent / "fixtures" / "privacy_corpus.yaml"
CATEGORIES = {"phone", "landline", "id", "name", "address", "email", "plate", "bank_card", "social", "passport",
              "mixed", "clean"}
# A word that names the kind of value, then a bracketed label: 身份证号（证件号已隐去） says it twice.
DOUBLED = re.compile(r"(电话|手机|号码|座机|证号|身份证|证件|护照|邮箱|车牌|号牌|卡号|账号|账户|微信|QQ|qq|住址|地址)"
                     r"[:：]?（(电话|证件号|邮箱|车牌|银行卡号|账号|号码|门牌|地址)已隐去）")


def _load() -> list[dict[str, Any]]:
    with CORPUS_PATH.open(encoding="utf-8") as stream:
        return list(yaml.load(stream, Loader=yaml.CSafeLoader)["entries"])  # libyaml: read at every collection


CORPUS = _load()


def folded(text: str) -> str:
    """NFKC without blanks or zero-width characters: a secret must not survive even in this form."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if not c.isspace() and unicodedata.category(c) != "Cf")


def leaks(entry: dict[str, Any], output: str) -> list[str]:
    """The secrets of ``entry`` that survive in ``output``, as written or folded."""
    return [s for s in entry["secrets"] if s in output or folded(s) in folded(output)]


def masked(entry: dict[str, Any]) -> str:
    return deidentify(entry["text"], entry.get("names") or ())


# ------------------------------------------------------------------------------------------ the corpus


def test_corpus_is_large_varied_and_well_formed() -> None:
    assert len(CORPUS) >= 250
    counts = {c: sum(e["category"] == c for e in CORPUS) for c in CATEGORIES}
    assert set(counts) == CATEGORIES and all(counts.values()), counts
    assert counts["clean"] >= 40
    assert len({e["text"] for e in CORPUS}) == len(CORPUS), "duplicate lines"
    for entry in CORPUS:
        assert set(entry) <= {"text", "category", "secrets", "keep", "names"}, entry
        assert entry["category"] in CATEGORIES
        assert isinstance(entry["secrets"], list) and isinstance(entry["keep"], list)
        assert all(isinstance(n, str) for n in entry.get("names") or ())
        for secret in entry["secrets"]:
            assert folded(secret) in folded(entry["text"]), (secret, entry["text"])
        for keep in entry["keep"]:
            assert keep in entry["text"] or keep in masked(entry), (keep, entry["text"])
        if entry["category"] == "clean":
            assert not entry["secrets"]
        elif entry["category"] != "name":  # 王先生 / 赵某某 lines have nothing to hide
            assert entry["secrets"], entry["text"]


@pytest.mark.parametrize("entry", CORPUS, ids=[f"{i:03d}-{e['category']}" for i, e in enumerate(CORPUS)])
def test_no_secret_survives_and_every_keep_does(entry: dict[str, Any]) -> None:
    output = masked(entry)
    assert not leaks(entry, output), output
    assert [k for k in entry["keep"] if k not in output] == [], output


def test_output_reads_naturally() -> None:
    for entry in CORPUS:
        output = masked(entry)
        assert "[" not in output and "]" not in output, output
        assert not DOUBLED.search(output), output
        assert "（（" not in output and "已隐去已隐去" not in output and "*" not in output, output
        if entry["category"] == "clean":
            assert output == entry["text"]


def test_masking_twice_changes_nothing() -> None:
    for entry in CORPUS:
        once = masked(entry)
        assert deidentify(once, entry.get("names") or ()) == once


# ------------------------------------------------------------------------------------ wording in detail


@pytest.mark.parametrize(("text", "expected"), [
    ("身份证号110101199001011234", "身份证号已隐去"),
    ("联系电话：13812345678", "联系电话：已隐去"),
    ("电话13812345678", "电话已隐去"),
    ("其电话是 138 1234 5678，请回电", "其电话已隐去，请回电"),
    ("手机:13812345678", "手机:已隐去"),
    ("电话13812345678、13912345678均可", "电话已隐去均可"),
    ("市民（13812345678）反映", "市民（电话已隐去）反映"),
    ("电话（13812345678，夜间勿扰）", "电话（已隐去，夜间勿扰）"),
    ("与身份证（110101199001011234）不一致", "与身份证（已隐去）不一致"),
    ("请回电13812345678告知", "请回电（电话已隐去）告知"),
    ("对方发来110101199001011234", "对方发来（证件号已隐去）"),
    ("材料发至abc@qq.com", "材料发至（邮箱已隐去）"),
    ("一辆琼B·D12345乱停", "一辆（车牌已隐去）乱停"),
    ("转到6222 0212 3456 7890 123", "转到（银行卡号已隐去）"),
    ("加微信号abc_123", "加微信号已隐去"),
    ("QQ 12345678", "QQ已隐去"),
    ("护照号码E12345678", "护照号码已隐去"),
    ("椰林镇建设路123号4栋201室", "椰林镇建设路（门牌已隐去）"),
    ("住在3-2-201", "住在（地址已隐去）"),
    ("住址：3-2-201", "住址：已隐去"),
    ("王建国先生来电", "王某先生来电"),
    ("市民王先生反映", "市民王先生反映"),
    ("邻居赵某某私搭乱建", "邻居赵某某私搭乱建"),
    ("我叫刘洋", "我叫刘某"),
    ("联系人陈静", "联系人陈某"),
])
def test_wording(text: str, expected: str) -> None:
    assert deidentify(text) == expected


@pytest.mark.parametrize(("text", "names", "expected"), [
    ("市民王建国反映", ("王建国",), "市民王某反映"),
    ("来电人王 建 国称", ("王建国",), "来电人王某称"),
    ("王建國來電", ("王建国",), "王某來電"),
    ("王建国来电", ("王建國",), "王某来电"),
    ("建国表示不满", ("王建国",), "王某表示不满"),
    ("欧阳娜娜来电，娜娜称", ("欧阳娜娜",), "欧阳某来电，欧阳某称"),
    ("沿建国路走", ("王建国",), "沿建国路走"),  # a given name that is also a street stays a street
    ("市民来电", ("", "王", "王先生", "  "), "市民来电"),
    ("caller Zhang Wei says", ("Zhang Wei",), "caller （姓名已隐去） says"),
])
def test_names_from_the_ticket_row(text: str, names: tuple[str, ...], expected: str) -> None:
    assert deidentify(text, names) == expected


@pytest.mark.parametrize("text", [
    "2024年5月3日", "2024-05-03", "2024/05/03", "14:30", "8:00-17:30", "2000元", "¥1,200.00", "3次", "三个月",
    "98.5%", "LS202405000123", "分界洲岛", "南湾猴岛", "香水湾", "吊罗山国家森林公园", "清水湾", "县住房和城乡建设局",
    "12345", "10000+9", "0898-12345", "400-800-1234", "琼府〔2023〕12号", "5月12号", "3室2厅", "三室一厅", "320户居民",
    "国道223线", "G98环岛高速", "王先生", "李女士", "张师傅", "赵某某", "文明城市", "黄金周", "县林业局", "第368号",
    "陵水每年 9 万通来电", "20240503", "2023-2024学年", "一座桥", "两栋楼", "县人民医院3楼", "",
])
def test_ordinary_content_is_left_alone(text: str) -> None:
    assert deidentify(text) == text


# ------------------------------------------------------------------------------ contains_personal_data


@pytest.mark.parametrize("value", [
    "13812345678", "138 1234 5678", "０８９８－８３１２３４５６", "110101199001011234", "wang@qq.com", "琼A12345",
    "6222021234567890123", "王先生", "李女士", "张师傅", "联系人陈静", "王建国先生", "椰林镇建设路123号",
    "5栋2单元301室", "3-2-201", "微信号abc_123", "QQ 12345678", "护照E12345678",
])
def test_structural_values_with_personal_data(value: str) -> None:
    assert contains_personal_data(value)


@pytest.mark.parametrize("value", [
    "椰林镇", "本号镇", "国营南平农场", "国营吊罗山林业公司", "城乡建设", "户籍证照", "县住房和城乡建设局",
    "陵水供电局", "县人力资源和社会保障局", "椰林镇人民政府", "12345热线", "LS202405000123", "2024年5月", "旅游服务",
    "万宁", "文昌", "白沙", "三才镇人民政府", "县旅游和文化广电体育局", "",
])
def test_structural_values_without_personal_data(value: str) -> None:
    assert not contains_personal_data(value)


# ------------------------------------------------------------------------------------------ the shadow


def test_shadow_keeps_length_and_folds_full_width_blanks_and_traditional() -> None:
    text = "電話：１３８　１２３４－５６７８，王建國（ＱＱ）"
    assert shadow(text) == "电话:138 1234-5678,王建国(QQ)"
    assert len(shadow(text)) == len(text)
    # The output keeps the original punctuation around what was replaced.
    assert deidentify("電話：１３８　１２３４　５６７８，謝謝") == "電話：已隐去，謝謝"


def test_traditional_table_never_maps_a_simplified_character() -> None:
    assert len(module._SIMPLIFIED_OF) >= 300
    for traditional, simplified in module._SIMPLIFIED_OF.items():
        with pytest.raises(UnicodeEncodeError):
            traditional.encode("gb2312")
        simplified.encode("gb2312")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_any_text_is_accepted(text: str) -> None:
    assert len(shadow(text)) == len(text)
    assert isinstance(deidentify(text, ("王建国",)), str)
    assert isinstance(contains_personal_data(text), bool)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "-", "\u3000", "\u200b"]),
       st.booleans())
def test_any_mobile_in_any_spelling_is_removed(number: str, separator: str, full_width: bool) -> None:
    spelled = separator.join((number[:3], number[3:7], number[7:]))
    if full_width:
        spelled = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in spelled)
    output = deidentify(f"市民反映小区停水，联系电话{spelled}，请回电。")
    assert number not in folded(output)
    assert output == "市民反映小区停水，联系电话已隐去，请回电。"


# ------------------------------------------------------------------------------------- bounded work


def _best_of(runs: int, text: str) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        deidentify(text, ("王建国", "符海燕"))
        best = min(best, time.perf_counter() - start)
    return best


def test_a_long_text_is_masked_quickly() -> None:
    text = "".join(e["text"] for e in CORPUS)
    text = (text * (20_000 // len(text) + 1))[:20_000]
    deidentify("warm-up")
    assert _best_of(5, text) < 0.2  # about 20 ms alone (see test_adversarial_input_stays_linear)


@pytest.mark.parametrize("text", [
    "1" * 20_000, "1 " * 10_000, "1-" * 10_000, "a" * 20_000, "a." * 10_000, "a@" * 10_000, "王" * 20_000,
    "市民王" * 6_666, "1栋" * 10_000, "一" * 20_000, "琼A" * 10_000, "QQ 1" * 5_000, "路1号" * 6_666, "1X" * 10_000,
], ids=lambda t: repr(t[:4]))
def test_adversarial_input_stays_linear(text: str) -> None:
    # Each takes 10-30 ms alone; a pattern that backtracks over the text takes seconds on 20,000 characters.
    # The bound leaves room for a machine busy with the rest of the suite (the tests run in parallel).
    deidentify("warm-up")
    assert _best_of(3, text) < 0.2


# --------------------------------------------------------------------------- the tests can fail


def test_the_corpus_check_catches_a_missing_phone_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    assert deidentify("电话13812345678") == "电话已隐去"
    never = re.compile(r"(?!x)x")
    monkeypatch.setattr(module, "_MOBILE", never)
    monkeypatch.setattr(module, "_MOBILE_CN", never)
    assert deidentify("电话13812345678") == "电话13812345678"
    leaking = [e for e in CORPUS if e["category"] == "phone" and leaks(e, masked(e))]
    assert len(leaking) >= 30
