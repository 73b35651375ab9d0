#!/usr/bin/env bash
# One command for a fresh machine: system packages (LibreOffice, poppler, a CJK font, Chromium for the editor's
# browser tests), the virtualenv, then the sample documents written into outputs/.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# LibreOffice's own Python bridge: the tests have LibreOffice accept and reject a redline's changes.
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing+=(python3-uno)
fc-list :lang=zh-cn 2>/dev/null | grep -q "Noto Sans CJK" || missing+=(fonts-noto-cjk)
# Times New Roman's metric-compatible twin, so digits and amounts take the width they take in Word.
fc-list 2>/dev/null | grep -q "Liberation Serif" || missing+=(fonts-liberation2)
# The editor's (gen edit) browser tests drive headless Chromium through its WebDriver.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "正在安装系统软件包：${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
mkdir -p "${XDG_CONFIG_HOME:-$HOME/.config}/fontconfig/conf.d"
cp scripts/fonts.conf "${XDG_CONFIG_HOME:-$HOME/.config}/fontconfig/conf.d/60-hotline-contract-gen.conf"
fc-cache -f >/dev/null 2>&1 || true

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
# An editable install is not byte-compiled, and PYTHONDONTWRITEBYTECODE may forbid caching at import:
# compile once here, as a wheel install would, so every `gen` run starts from .pyc files.
.venv/bin/python -m compileall -q generator

# The main job on the bundled sample data: contracts, the payment schedule, a year of monthly reports.
.venv/bin/gen validate
.venv/bin/gen contract --year 2024 --out outputs
.venv/bin/gen contract --year 2025 --out outputs
[ -d data/2024-12 ] || .venv/bin/gen sample-data --year 2024 --out data >/dev/null
.venv/bin/gen invoices --year 2024 --data data --out outputs
for month in 01 02 03 04 05 06 07 08 09 10 11 12; do
  .venv/bin/gen report --month "2024-$month" --data data --out outputs
done
