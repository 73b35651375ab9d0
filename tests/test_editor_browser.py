"""The renewal done in the editor, in a real browser (headless Chromium through Selenium), end to end.

One browser session walks the README's "在编辑器中续签": open 2026, cut the budget and the fee items,
raise the 接通率 target, take the offered recomputed worked examples, rebalance the support indicators
and add a new one, preview the redline, save, write the .docx files — and then the command line
(`gen validate`, `gen verify`, `gen contract`) must agree with what the page showed. Each step leaves a
screenshot; when the walk fails they are kept in ``test-artifacts/editor-flow/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from conftest import CONTRACT, ROOT, run_cli

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "editor-flow"
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000")


def _binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError(f"需要 {' 或 '.join(names)}：运行 bash scripts/setup.sh 安装 chromium 和 chromium-driver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.binary_location = _binary("chromium", "chromium-browser")
    driver = webdriver.Chrome(service=Service(_binary("chromedriver")), options=options)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`gen edit` on a copy of the shipped contract with 2026 begun by `gen new-year`, as a user starts it."""
    folder = tmp_path_factory.mktemp("renewal-in-editor")
    shutil.copy(CONTRACT, folder / "contract.yaml")
    assert run_cli("new-year", "2026", "--contract", str(folder / "contract.yaml")).exit_code == 0
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "edit", "--no-browser"], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        url = process.stdout.readline().strip()  # type: ignore[union-attr]
        assert url.startswith("http://127.0.0.1:"), process.stderr.read()  # type: ignore[union-attr]
        yield url, folder / "contract.yaml"
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
        assert "Traceback" not in errors, errors


class Page:
    """The editor page as a person uses it: tabs, fields by their form names, buttons by their words."""

    def __init__(self, driver: webdriver.Chrome, shots: Path) -> None:
        self.driver = driver
        self.shots = shots
        self.step = 0

    def shot(self, name: str) -> None:
        self.step += 1
        self.driver.save_screenshot(str(self.shots / f"{self.step:02d}-{name}.png"))

    def wait(self, condition: Callable[[], Any], what: str, timeout: float = 30) -> Any:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                value = condition()
            except (StaleElementReferenceException, WebDriverException):
                value = None
            if value:
                return value
            time.sleep(0.02)
        raise AssertionError(f"等待超时：{what}")

    def checks(self) -> int:
        return int(self.driver.execute_script("return Number(document.body.dataset.checks || 0)"))

    def checked_after(self, before: int, timeout: float = 30) -> None:
        """Wait for the page's next check result, watched in the page itself: it answers the moment it is shown."""
        script = """
            const [before, seconds, done] = arguments, end = Date.now() + seconds * 1000;
            (function look() {
              const summary = document.getElementById('check-summary');
              if (Number(document.body.dataset.checks || 0) > before && !summary.innerText.includes('正在')) done(true);
              else if (Date.now() > end) done(false);
              else setTimeout(look, 10);
            })();"""
        if not self.driver.execute_async_script(script, before, timeout):
            raise AssertionError("等待超时：检查结果")

    def text(self, element_id: str) -> str:
        return self.driver.find_element(By.ID, element_id).text

    def tab(self, title: str) -> None:
        self.driver.find_element(By.XPATH, f"//button[@role='tab'][normalize-space(.)='{title}']").click()

    def field(self, name: str) -> WebElement:
        return self.wait(lambda: self.driver.find_element(By.CSS_SELECTOR, f'[name="{name}"]'), name)

    def type(self, name: str, value: str) -> None:
        """Replace a field's text and wait for the check that follows (the page checks as one types)."""
        before = self.checks()
        element = self.field(name)
        if element.get_attribute("value") == value:
            return
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        element.send_keys(Keys.CONTROL, "a")
        element.send_keys(Keys.DELETE, value)
        if element.tag_name == "input":
            element.send_keys(Keys.TAB)  # leaving the field hands it over at once (else after a pause in typing)
        self.checked_after(before)

    def select(self, name: str, value: str) -> None:
        before = self.checks()
        element = self.field(name)
        if element.get_attribute("value") == value:
            return
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.find_element(By.CSS_SELECTOR, f'option[value="{value}"]').click()
        self.checked_after(before)

    def button(self, words: str, within: WebElement | None = None) -> WebElement:
        scope = within or self.driver
        found = f".//button[normalize-space(.)='{words}']"
        return self.wait(lambda: next((b for b in scope.find_elements(By.XPATH, found) if b.is_displayed()), None),
                         words)

    def own_button(self, words: str, path: str) -> WebElement:
        """A button of the form part at ``path`` itself, not of a part nested in it."""
        found = (f"//*[@data-schemapath='{path}']//button[normalize-space(.)='{words}']"
                 f"[ancestor::*[@data-schemapath][1][@data-schemapath='{path}']]")
        return self.wait(lambda: next((b for b in self.driver.find_elements(By.XPATH, found) if b.is_displayed()),
                                      None), f"{path} {words}")

    def click(self, element: WebElement) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def field_problems(self) -> list[str]:
        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".field-problem.error")]

    def errors(self) -> list[str]:
        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, "#problems li.error")]

    def payload_check(self) -> dict[str, Any]:
        """What the server says of exactly what the forms hold now (the page's own request)."""
        script = """
            const done = arguments[0], token = location.pathname.split('/')[1];
            fetch('/' + token + '/api/check', {method: 'POST', body: JSON.stringify(window.editorPage.payload()),
                   headers: {'Content-Type': 'application/json', 'X-Editor-Token': token}})
              .then((r) => r.json()).then(done, (e) => done({error: String(e)}));"""
        return self.driver.execute_async_script(script)  # type: ignore[no-any-return]


def test_the_renewal_in_the_editor(browser: webdriver.Chrome, editor: tuple[str, Path],
                                   tmp_path: Path) -> None:
    url, contract = editor
    shots = tmp_path / "shots"
    shots.mkdir()
    page = Page(browser, shots)
    try:
        _walk(page, url, contract)
    except BaseException:
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
        shutil.copytree(shots, ARTIFACTS)
        raise
    finally:
        if os.environ.get("HCG_EDITOR_SHOTS"):  # to look at every step of a passing run too
            shutil.copytree(shots, os.environ["HCG_EDITOR_SHOTS"], dirs_exist_ok=True)


def _walk(page: Page, url: str, contract: Path) -> None:
    driver = page.driver
    original = contract.read_text("utf-8")
    driver.get(url)
    page.checked_after(0)  # the first check result: the page has loaded
    assert page.text("year-title") == "2026 年度合同"
    years = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "nav li button")]
    assert years[0].startswith("2024 年度 · 已签订") and "2026 年度 · 待签订" in years[2]
    assert page.payload_check()["unchanged"] is True  # the forms give back exactly what they were given
    page.shot("open-2026")

    # A signed year is shown read-only, with who signed and when.
    page.click(page.button(years[0]))
    page.wait(lambda: page.text("year-title").startswith("2024 年度合同"), "2024")
    assert "周永" in page.text("year-note") and "2024-01-17" in page.text("year-note")
    fields = driver.execute_script(
        "const all = [...document.querySelectorAll('#panels input[type=text][name]')];"
        "return [all.length, all.filter((e) => !e.matches(':disabled')).map((e) => e.name)];")
    assert fields[0] > 0 and fields[1] == [], fields  # every field of the signed year is disabled, none left to type in
    page.shot("signed-2024-read-only")
    page.click(page.button(years[2]))
    page.wait(lambda: page.text("year-title") == "2026 年度合同", "2026")

    # The budget: a total that no longer matches the items is flagged at the total.
    page.tab("费用明细")
    page.type("fees[total]", "1900000.00")
    assert any("不等于合同总金额" in p for p in page.field_problems()), page.field_problems()
    assert not page.button("保存到合同文件").is_enabled()
    page.shot("total-cut-flagged")
    page.type("fees[items][0][amount]", "1580000.00")
    page.type("fees[items][1][amount]", "260000.00")
    page.type("fees[labour_cost][min]", "1500000.00")
    page.type("fees[labour_cost][max]", "1580000.00")
    assert page.errors() == []
    changes = page.text("changes")
    assert "合同总金额" in changes and "2000000.00 → 1900000.00" in changes
    page.shot("fees-cut")

    # Staffing.
    page.tab("合同条件与人员配置")
    page.type("terms[staffing][minimum]", "26")

    # The 接通率 target: its inherited worked examples no longer hold; the recomputed ones are offered.
    page.tab("考核指标与规则")
    page.type("scoring[indicators][0][target]", "96")
    page.wait(lambda: page.field_problems(), "算例问题")
    stale = driver.find_element(By.CSS_SELECTOR, ".field-problem.error")
    assert "算例" in stale.text and "7.00 分" in stale.text
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", stale)
    page.shot("stale-example-flagged")
    before = page.checks()
    page.click(page.button("采用建议的值", stale))
    page.checked_after(before)
    assert page.errors() == []
    assert driver.find_element(By.NAME, "scoring[indicators][0][examples][1][points]").get_attribute("value") == "7"
    page.shot("example-fixed")
    _add_indicator(page)

    # Preview: the redline against 2025, rendered from the document model the .docx is written from.
    page.click(page.button("预览与上一年度的修订对照"))
    preview = page.wait(lambda: driver.find_element(By.CSS_SELECTOR, "#preview article.doc"), "修订对照预览")
    assert preview.find_elements(By.CSS_SELECTOR, "tr.row-ins")  # the new indicator: an inserted table row
    deleted = " ".join(e.text for e in preview.find_elements(By.TAG_NAME, "del"))
    inserted = " ".join(e.text for e in preview.find_elements(By.TAG_NAME, "ins"))
    assert "贰佰万元" in deleted and "壹佰玖拾万元" in inserted
    box = driver.find_element(By.ID, "preview")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'}); arguments[0].scrollTop = 0", box)
    page.shot("redline-preview")
    row = preview.find_element(By.CSS_SELECTOR, "tr.row-ins")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    page.shot("redline-new-indicator-row")

    # Save: the file holds only the changes, under years.2026, every other line as it was.
    page.click(page.button("保存到合同文件"))
    page.wait(lambda: "已保存" in page.text("save-state"), "保存")
    saved = contract.read_text("utf-8")
    if os.environ.get("HCG_EDITOR_SHOTS"):
        Path(os.environ["HCG_EDITOR_SHOTS"]).mkdir(parents=True, exist_ok=True)
        (Path(os.environ["HCG_EDITOR_SHOTS"]) / "contract-before.yaml").write_text(original, "utf-8")
        (Path(os.environ["HCG_EDITOR_SHOTS"]) / "contract-after.yaml").write_text(saved, "utf-8")
    head = original.split("  2026:\n")[0]
    assert saved.startswith(head) and saved.endswith(original.split("  2026:\n")[1].split("\n\n", 1)[1])
    page.shot("saved")

    # The Word files through the CLI's jobs, then the command line agrees with the page.
    page.click(page.button("生成合同 Word 文件"))
    page.wait(lambda: "contract-2026.docx" in page.text("generate-result"), "生成合同")
    page.click(page.button("生成修订对照 Word 文件"))
    page.wait(lambda: "diff-2025-2026.docx" in page.text("generate-result"), "生成对照稿")
    page.shot("generated")
    _command_line_agrees(contract, saved)


def _add_indicator(page: Page) -> None:
    """A new support indicator (应急演练), its input declared, the points rebalanced from 运维保障."""
    driver = page.driver
    indicators = driver.execute_script("return window.editorPage.payload().sections.scoring.indicators")
    maintenance = next(i for i, item in enumerate(indicators) if item["key"] == "maintenance")
    # The new input, declared once under 输入 (scoring.inputs) with the form's own 添加属性.
    inputs = driver.find_element(By.CSS_SELECTOR, '[data-schemapath="scoring.inputs"]')
    page.click(page.own_button("添加新名称", "scoring.inputs"))
    name = inputs.find_element(By.CSS_SELECTOR, "input.property-selector-input")
    name.send_keys("应急演练缺次")
    before = page.checks()
    page.click(page.button("添加", inputs))
    page.checked_after(before)
    page.select("scoring[inputs][应急演练缺次][kind]", "count")
    for unused in ("numerator", "denominator", "types"):  # the fields of other kinds of input
        _opt_in(page, f"scoring[inputs][应急演练缺次][{unused}]", False)
    _opt_in(page, "scoring[inputs][应急演练缺次][combine]")
    page.select("scoring[inputs][应急演练缺次][combine]", "sum")
    # The indicator itself, added at the end of the list and moved up to follow 运维保障.
    before = page.checks()
    page.click(page.own_button("添加项", "scoring.indicators"))
    page.checked_after(before)
    last = len(indicators)
    prefix = f"scoring[indicators][{last}]"
    for field, value in (("category", "support"), ("name", "应急演练"), ("key", "drills"),
                         ("content", "按计划组织话务中断、系统故障等突发情况的应急演练，每季度不少于1次。"),
                         ("method_text", "未按计划组织一次扣{{ item.rule.per_event }}分，扣完为止。")):
        page.type(f"{prefix}[{field}]", value)
    _opt_in(page, f"{prefix}[points]")
    page.type(f"{prefix}[points]", "5")
    page.select(f"{prefix}[rule][kind]", "deduction_per_event")
    page.type(f"{prefix}[rule][input]", "应急演练缺次")
    _opt_in(page, f"{prefix}[rule][per_event]")
    page.type(f"{prefix}[rule][per_event]", "1.25")
    # Every indicator carries worked examples, so a new one does too: the check computes them like any other.
    _opt_in(page, f"{prefix}[examples]")
    for row, (given, points) in enumerate((("1", "3.75"), ("4", "0"))):
        before = page.checks()
        page.click(page.own_button("添加项", f"scoring.indicators.{last}.examples"))
        page.checked_after(before)
        page.type(f"{prefix}[examples][{row}][input]", given)
        page.type(f"{prefix}[examples][{row}][points]", points)
    for _ in range(last - maintenance - 1):
        before = page.checks()
        page.click(page.own_button("上移", f"scoring.indicators.{last}"))
        page.checked_after(before)
        last -= 1
    # Until 运维保障 gives up 5 points, the category says what its indicators add up to.
    assert [e for e in page.errors() if "45" in e], (page.errors(), driver.find_element(By.ID, "yaml").get_attribute("textContent"))
    # Rebalance: the category's 40 points stay 40 (运维保障 10 → 5); its worked examples are offered again.
    page.type(f"scoring[indicators][{maintenance}][points]", "5")
    stale = page.wait(lambda: next((e for e in driver.find_elements(By.CSS_SELECTOR, ".field-problem.error")
                                    if "算例" in e.text), None), "运维保障的算例")
    before = page.checks()
    page.click(page.button("采用建议的值", stale))
    page.checked_after(before)
    assert page.errors() == [], (page.errors(), driver.find_element(By.ID, "yaml").get_attribute("textContent"))
    chips = driver.find_element(By.ID, f"chips-scoring-scoring-indicators-{last}-method-text")
    assert "每次扣分 → 1.25" in chips.text
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", chips)
    page.shot("indicator-added")
    print(json.dumps(page.payload_check()["changes"], ensure_ascii=False))


def _opt_in(page: Page, name: str, wanted: bool = True) -> None:
    """Tick (or clear) the box that adds an optional field (the form leaves optional fields out until asked)."""
    checkbox = page.driver.find_element(By.CSS_SELECTOR, f'input[type=checkbox][id="{name}-opt-in"]')
    if checkbox.is_selected() != wanted:
        before = page.checks()
        page.click(checkbox)
        page.checked_after(before)


def _command_line_agrees(contract: Path, saved: str) -> None:
    folder = contract.parent
    result = run_cli("validate", "--contract", str(contract))
    assert result.exit_code == 0, result.stderr
    for year in (2024, 2025):
        assert run_cli("contract", "--year", str(year), "--contract", str(contract), "--out", str(folder / "signed")).exit_code == 0
        verdict = run_cli("verify", str(folder / "signed" / f"contract-{year}.docx"), "--contract", str(contract))
        assert verdict.exit_code == 0, verdict.stderr
    # The page wrote outputs/contract-2026.docx through the same job as `gen contract`: byte for byte the same.
    assert run_cli("contract", "--year", "2026", "--contract", str(contract), "--out", str(folder / "cli")).exit_code == 0
    assert (folder / "cli" / "contract-2026.docx").read_bytes() == (folder / "outputs" / "contract-2026.docx").read_bytes()
    verdict = run_cli("verify", str(folder / "outputs" / "contract-2026.docx"), "--contract", str(contract))
    assert verdict.exit_code == 0, verdict.stderr
    block = saved.split("  2026:\n", 1)[1].split("\n\n", 1)[0]
    for line in ("total: 1900000.00", "- {id: labour, amount: 1580000.00}", "- {id: management, amount: 260000.00}",
                 "labour_cost: {min: 1500000.00, max: 1580000.00}", "minimum: 26", "target: 96", "key: drills",
                 "_after: maintenance"):
        assert line in block, block
    assert "network" not in block  # an unchanged item is not written
    # What the README shows the editor writes is what it wrote.
    readme = (ROOT / "README.md").read_text("utf-8")
    shown = readme.split("<!-- editor:yaml -->\n```yaml\n", 1)[1].split("\n```", 1)[0]
    assert block.endswith(shown + "\n") or block.endswith(shown), (shown, block)
