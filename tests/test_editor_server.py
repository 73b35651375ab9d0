"""`gen edit`'s server: loopback only, the token on every request, no file outside the contract's folder,
no traceback whatever a request holds, a clean end on Ctrl+C, and saves that never overwrite silently."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import CONTRACT, run_cli


@dataclass
class Running:
    process: subprocess.Popen[str]
    url: str
    folder: Path

    @property
    def port(self) -> int:
        return urlsplit(self.url).port  # type: ignore[return-value]

    @property
    def token(self) -> str:
        return urlsplit(self.url).path.strip("/")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                host: str | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host if host is not None else f"127.0.0.1:{self.port}")
        for key, value in (headers or {}).items():
            connection.putheader(key, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def api(self, name: str, payload: Any, **headers: str) -> tuple[int, dict[str, Any]]:
        status, data = self.request("POST", f"/{self.token}/api/{name}", json.dumps(payload).encode("utf-8"),
                                    {"Content-Type": "application/json", "X-Editor-Token": self.token, **headers})
        return status, json.loads(data)

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", f"/{self.token}/{path}")


def start(folder: Path, *extra: str) -> Running:
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "edit", "--no-browser", *extra], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    url = process.stdout.readline().strip()  # type: ignore[union-attr]
    assert url.startswith("http://127.0.0.1:"), process.stderr.read()  # type: ignore[union-attr]
    return Running(process, url, folder)


def stop(running: Running) -> str:
    running.process.send_signal(signal.SIGINT)  # what Ctrl+C sends
    out, errors = running.process.communicate(timeout=30)
    assert running.process.returncode == 0, errors
    assert "Traceback" not in errors and "Traceback" not in out, errors
    return errors


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    folder = tmp_path_factory.mktemp("edit-server")
    shutil.copy(CONTRACT, folder / "contract.yaml")
    (folder.parent / "secret.txt").write_text("not for the page", "utf-8")
    running = start(folder)
    yield running
    errors = stop(running)
    assert "编辑器已停止" in errors


def test_the_first_line_is_the_address_with_its_token(server: Running) -> None:
    assert urlsplit(server.url).hostname == "127.0.0.1"
    assert len(server.token) >= 24
    status, page = server.get("")
    assert status == 200 and "合同年度编辑器" in page.decode("utf-8")


def test_only_the_loopback_interface_listens(server: Running) -> None:
    table = Path("/proc/net/tcp")
    if table.exists():  # Linux: the listening socket's own address, as the kernel has it
        rows = [line.split() for line in table.read_text().splitlines()[1:]]
        listening = [r[1] for r in rows if r[3] == "0A" and int(r[1].split(":")[1], 16) == server.port]
        assert listening == ["0100007F:" + f"{server.port:04X}"]
    others = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {"127.0.0.1"}
    for address in sorted(others):
        if not address.startswith("127."):
            with pytest.raises(OSError), socket.create_connection((address, server.port), timeout=2):
                pass


@pytest.mark.parametrize("path", ["/", "/api/state", "/static/app.js", "/WRONG/api/state", "/WRONG/",
                                  "//api/state", "/%00/api/state"])
def test_a_request_without_the_token_is_refused(server: Running, path: str) -> None:
    status, body = server.request("GET", path)
    assert status == 403 and "令牌" in body.decode("utf-8")


def test_the_token_opens_the_page_and_its_assets(server: Running) -> None:
    for asset in ("static/app.js", "static/app.css", "static/vendor/jsoneditor.js", "static/vendor/jsoneditor.LICENSE"):
        status, _ = server.get(asset)
        assert status == 200, asset
    status, data = server.get("api/state")
    assert status == 200 and json.loads(data)["file"] == "contract.yaml"


@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{0}", "127.0.0.1", "localhost.evil.example:PORT",
                                  "127.0.0.1:1", ""])
def test_another_host_name_is_refused(server: Running, host: str) -> None:
    """A page of another site that rebinds its name to 127.0.0.1 still sends its own name as Host."""
    status, _ = server.request("GET", f"/{server.token}/api/state", host=host.replace("PORT", str(server.port)))
    assert status == 403
    status, _ = server.request("GET", f"/{server.token}/api/state", host=f"localhost:{server.port}")
    assert status == 200


def test_a_change_needs_the_token_header_this_origin_and_json(server: Running) -> None:
    body = json.dumps({"year": 2025}).encode("utf-8")
    path = f"/{server.token}/api/check"
    base = {"Content-Type": "application/json", "X-Editor-Token": server.token}
    cases = [
        ({"Content-Type": "application/json"}, 403),
        ({**base, "X-Editor-Token": "wrong"}, 403),
        ({**base, "Origin": "http://evil.example"}, 403),
        ({**base, "Origin": f"http://127.0.0.1:{server.port + 1}"}, 403),
        ({**base, "Sec-Fetch-Site": "cross-site"}, 403),
        ({**base, "Content-Type": "text/plain"}, 415),
        ({**base, "Content-Type": "application/x-www-form-urlencoded"}, 415),
    ]
    for headers, expected in cases:
        status, _ = server.request("POST", path, body, headers)
        assert status == expected, headers
    status, answer = server.request("POST", path, body, {**base, "Origin": f"http://127.0.0.1:{server.port}"})
    assert status == 400 and "格式" in json.loads(answer)["error"]  # admitted, then told what is missing


@pytest.mark.parametrize("path", ["static/../../contract.yaml", "static/..%2f..%2fcontract.yaml",
                                  "static/%2e%2e/%2e%2e/secret.txt", "static/vendor/../../server.py",
                                  "static//etc/passwd", "static/C:%5Cwindows%5Cwin.ini", "contract.yaml",
                                  "../contract.yaml", "static/app.js%00.yaml", "api/year/..%2f..%2fsecret"])
def test_no_request_reads_a_file_by_name(server: Running, path: str) -> None:
    status, body = server.get(path)
    assert status in (403, 404), path
    assert b"schema_version" not in body and b"not for the page" not in body and b"import" not in body


def test_documents_are_written_into_the_contracts_outputs_only(server: Running) -> None:
    for payload in ({"year": 2025, "kind": "../../../tmp/x"}, {"year": "2025", "kind": "contract"},
                    {"year": 2025, "kind": "diff", "against": "../2024"}):
        status, _ = server.api("generate", payload)
        assert status == 400, payload
    status, answer = server.api("generate", {"year": 2025, "kind": "contract", "out": "/tmp"})
    assert status == 200 and answer["written"] == ["outputs/contract-2025.docx", "outputs/requirements-2025.docx"]
    written = sorted(p.name for p in (server.folder / "outputs").iterdir() if not p.name.endswith(".lock"))
    assert written == ["contract-2025.docx", "requirements-2025.docx"]
    assert sorted(p.name for p in server.folder.iterdir() if not p.name.startswith(".")) == ["contract.yaml", "outputs"]


MALFORMED: list[tuple[str, bytes, dict[str, str]]] = [
    ("check", b"{", {}),
    ("check", b"\xff\xfe\x00", {}),
    ("check", b"[1, 2]", {}),
    ("check", b'{"year": "2025", "entry": {}, "sections": {}}', {}),
    ("check", b'{"year": 2025, "entry": [], "sections": {}}', {}),
    ("check", b'{"year": 2025, "entry": {}, "sections": []}', {}),
    ("check", b'{"year": 2025, "entry": {}, "sections": {}, "digest": "nope"}', {}),
    ("check", b'{"year": 1e999}', {}),
    ("check", b"[" * 100_000 + b"]" * 100_000, {}),
    ("save", b'{"year": true}', {}),
    ("revert", b'{"year": 2025, "key": [1, 2]}', {}),
    ("fix", b'{"year": 2025, "fix": 5}', {}),
    ("new-year", b'{"year": 99999}', {}),
    ("new-year", b'{"year": "2027"}', {}),
    ("preview", b'{"year": 2025, "against": "x"}', {}),
    ("nothing", b"{}", {}),
    ("check", b"{}", {"Content-Length": "-5"}),
    ("check", b"{}", {"Content-Length": "99999999999"}),
]


@pytest.mark.parametrize(("name", "body", "extra"), MALFORMED)
def test_a_malformed_request_gets_a_status_never_a_traceback(server: Running, name: str, body: bytes,
                                                             extra: dict[str, str]) -> None:
    headers = {"Content-Type": "application/json", "X-Editor-Token": server.token, **extra}
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("POST", f"/{server.token}/api/{name}", skip_host=True)
    connection.putheader("Host", f"127.0.0.1:{server.port}")
    for key, value in headers.items():
        connection.putheader(key, value)
    if "Content-Length" not in extra:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    assert 400 <= response.status < 500, (response.status, data[:200])
    assert b"Traceback" not in data


def test_broken_http_and_odd_data_leave_the_server_answering(server: Running) -> None:
    for raw in (b"GARBAGE\r\n\r\n", b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", b"\x16\x03\x01\x02\x00\x01",
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X: y\r\n" * 200 + b"\r\n", b"POST / HTTP/1.1\r\n"):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw_socket:
            raw_socket.sendall(raw)
            raw_socket.shutdown(socket.SHUT_WR)
            raw_socket.recv(65536)
    for method in ("PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"):
        status, _ = server.request(method, f"/{server.token}/api/state")
        assert status == 405
    for year in ("2025", "99999999999999999999", "-1", "abc"):
        status, _ = server.get(f"api/year/{year}")
        assert status in (200, 400, 404)
    status, _ = server.request("HEAD", f"/{server.token}/")
    assert status == 200
    assert server.get("api/state")[0] == 200


def test_a_save_keeps_every_other_line_and_never_overwrites_a_changed_file(tmp_path: Path) -> None:
    shutil.copy(CONTRACT, tmp_path / "contract.yaml")
    assert run_cli("new-year", "2026", "--contract", str(tmp_path / "contract.yaml")).exit_code == 0
    running = start(tmp_path)
    try:
        before = (tmp_path / "contract.yaml").read_text("utf-8")
        status, view = running.api("check", {})  # the year's state comes from GET; a check needs the year
        assert status == 400
        status, data = running.get("api/year/2026")
        view = json.loads(data)
        sections = view["sections"]
        sections["terms"]["staffing"]["minimum"] = 26
        payload = {"year": 2026, "digest": view["digest"], "entry": view["entry"], "sections": sections}
        status, checked = running.api("check", payload)
        assert status == 200 and checked["valid"] and "staffing: {minimum: 26}" in checked["yaml"]
        status, saved = running.api("save", payload)
        assert status == 200 and saved["saved"]
        after = (tmp_path / "contract.yaml").read_text("utf-8")
        added = [line for line in after.splitlines() if line not in before.splitlines()]
        assert added == ["    terms:", "      staffing: {minimum: 26}"]
        assert after.replace("    terms:\n      staffing: {minimum: 26}\n", "") == before
        # The same edit again, from the page's old copy, after someone else changed the file.
        (tmp_path / "contract.yaml").write_text(after.replace("budget_year: 2026", "budget_year: 2026  # 已核对"),
                                                "utf-8")
        changed = (tmp_path / "contract.yaml").read_bytes()
        sections["terms"]["staffing"]["minimum"] = 27
        status, refused = running.api("save", payload)
        assert status == 409 and refused["stale"] and "已被修改" in refused["error"]
        assert (tmp_path / "contract.yaml").read_bytes() == changed
        status, _ = running.api("save", {**payload, "digest": saved["digest"]})
        assert status == 409 and (tmp_path / "contract.yaml").read_bytes() == changed
    finally:
        stop(running)


def test_ctrl_c_ends_it_cleanly_and_a_taken_port_is_told(tmp_path: Path) -> None:
    shutil.copy(CONTRACT, tmp_path / "contract.yaml")
    running = start(tmp_path)
    taken = subprocess.run([sys.executable, "-m", "generator.cli", "edit", "--no-browser", "--port", str(running.port)],
                           cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert taken.returncode == 2 and "无法在 127.0.0.1" in taken.stderr and "Traceback" not in taken.stderr
    time.sleep(0.2)
    assert "编辑器已停止" in stop(running)


def test_a_signed_year_cannot_be_changed(server: Running) -> None:
    status, data = server.get("api/year/2024")
    view = json.loads(data)
    assert view["signed"] is True and view["entry"]["signed_on"] == "2024-01-17"
    status, answer = server.api("save", {"year": 2024, "digest": view["digest"], "entry": view["entry"],
                                         "sections": view["sections"]})
    assert status == 400 and "已签订" in answer["error"]
