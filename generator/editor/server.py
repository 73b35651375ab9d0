"""`gen edit`: the editor's web server, on 127.0.0.1 only, for the one person who started it.

Bottle routes the requests; a guard in front of it lets through only what this run's page can send:
the Host must be this very address (a DNS-rebinding page sends its own name), the path must start
with the run's secret token, and a request that changes anything must also carry the token in a
header, come from this origin and send JSON — which another site's page cannot do without asking
first, and it is never answered. Files: the contract is the one named at start, documents are written
into its folder's ``outputs/``, and the page's assets come from the package, by name from a list made
at start; no request names a file. Whatever a request holds, the answer is a status and a message,
never a traceback.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import signal
import sys
import threading
import webbrowser
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import bottle

from generator import api
from generator.editor import workspace
from generator.editor.forms import TABS, form_schemas
from generator.errors import GenError, InputError, UsageError
from generator.source.patch import Unrepresentable

__all__ = ["Editor", "serve"]

MAX_BODY = 4 * 1024 * 1024
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".css": "text/css; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".LICENSE": "text/plain; charset=utf-8"}
_SECURITY = {
    "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY", "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
                                "form-action 'none'; frame-ancestors 'none'"),
}


def _assets() -> dict[str, bytes]:
    """The page's files, read once from the package: the only files a request can get."""
    found: dict[str, bytes] = {}

    def walk(folder: Any, prefix: str) -> None:
        for entry in folder.iterdir():
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.is_file():
                found[f"{prefix}{entry.name}"] = entry.read_bytes()

    walk(resources.files("generator.editor") / "static", "")
    return found


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value == value.to_integral_value() or abs(value) < 10**15 else str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


class Refused(Exception):
    """A request the guard turns away, with its status and the reason in words."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Stale(GenError):
    """The file on disk is not the one the page was editing."""


class Editor:
    """The editor of one contract file: a WSGI application guarded by this run's token and address."""

    def __init__(self, path: Path, token: str, port: int) -> None:
        self.path = path.resolve()
        self.home = self.path.parent
        self.token = token
        self.port = port
        self.assets = _assets()
        self.texts: dict[str, str] = {}  # texts the page was given, by digest: what its edits apply to
        self.lock = threading.Lock()
        self.app = self._routes()

    # -- the guard -----------------------------------------------------------------------------------

    @property
    def origins(self) -> tuple[str, ...]:
        return (f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            environ["PATH_INFO"] = self._admit(environ)
        except Refused as refused:
            return self._plain(start_response, refused.status, refused.reason)
        return self.app(environ, start_response)

    def _admit(self, environ: dict[str, Any]) -> str:
        host = environ.get("HTTP_HOST", "")
        if f"http://{host}" not in self.origins:
            raise Refused(403, "拒绝访问：地址不对（只接受 127.0.0.1 上本编辑器的地址）")
        method = environ.get("REQUEST_METHOD", "")
        if method not in ("GET", "HEAD", "POST"):
            raise Refused(405, "不支持的请求方法")
        path = environ.get("PATH_INFO", "")
        first, _, rest = path.lstrip("/").partition("/")
        if not hmac.compare_digest(first.encode("utf-8", "replace"), self.token.encode("ascii")):
            raise Refused(403, "拒绝访问：缺少或错误的访问令牌。请使用 gen edit 启动时显示的完整地址")
        if method == "POST":
            self._admit_change(environ)
        return "/" + rest

    def _admit_change(self, environ: dict[str, Any]) -> None:
        sent = environ.get("HTTP_X_EDITOR_TOKEN", "")
        if not hmac.compare_digest(sent.encode("utf-8", "replace"), self.token.encode("ascii")):
            raise Refused(403, "拒绝访问：修改请求缺少访问令牌")
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin not in self.origins:
            raise Refused(403, "拒绝访问：请求来自其他网页")
        if environ.get("HTTP_SEC_FETCH_SITE", "same-origin") not in ("same-origin", "none"):
            raise Refused(403, "拒绝访问：请求来自其他网页")
        if environ.get("CONTENT_TYPE", "").split(";")[0].strip() != "application/json":
            raise Refused(415, "请求内容应为 JSON")
        if environ.get("HTTP_TRANSFER_ENCODING"):
            raise Refused(411, "请求须注明长度")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise Refused(400, "请求长度不对") from None
        if not 0 <= length <= MAX_BODY:
            raise Refused(413, "请求过大")

    @staticmethod
    def _plain(start_response: Callable[..., Any], status: int, text: str) -> list[bytes]:
        body = text.encode("utf-8")
        reason = {400: "Bad Request", 403: "Forbidden", 405: "Method Not Allowed", 411: "Length Required",
                  413: "Payload Too Large", 415: "Unsupported Media Type"}.get(status, "Error")
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), *_SECURITY.items()]
        start_response(f"{status} {reason}", headers)
        return [body]

    # -- routes --------------------------------------------------------------------------------------

    def _routes(self) -> bottle.Bottle:
        app = bottle.Bottle(catchall=True, autojson=False)
        app.route("/", "GET", lambda: self._asset("index.html"))
        app.route("/static/<name:path>", "GET", self._asset)
        app.route("/api/state", "GET", self._wrap(self.state))
        app.route("/api/year/<year:int>", "GET", self._wrap(self.year))
        for name in ("check", "save", "preview", "generate", "revert", "fix", "new-year"):
            app.route(f"/api/{name}", "POST", self._wrap(getattr(self, name.replace("-", "_"))))
        for code in (400, 404, 405, 500):
            app.error(code)(self._error)
        app.add_hook("after_request", self._headers)
        return app

    @staticmethod
    def _headers() -> None:
        for key, value in _SECURITY.items():
            bottle.response.set_header(key, value)

    @staticmethod
    def _error(error: bottle.HTTPError) -> str:
        bottle.response.content_type = "application/json; charset=utf-8"
        message = {404: "没有这个页面", 405: "不支持的请求方法"}.get(error.status_code, "请求有误")
        return json.dumps({"error": message}, ensure_ascii=False)

    def _asset(self, name: str) -> bytes:
        data = self.assets.get(name)
        if data is None:
            raise bottle.HTTPError(404)
        suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
        bottle.response.content_type = _TYPES.get(suffix, "application/octet-stream")
        return data

    def _wrap(self, handler: Callable[..., dict[str, Any]]) -> Callable[..., str]:
        def answer(**arguments: Any) -> str:
            bottle.response.content_type = "application/json; charset=utf-8"
            try:
                body = handler(**arguments)
            except Refused as refused:
                bottle.response.status = refused.status
                body = {"error": refused.reason}
            except InputError as error:
                bottle.response.status = 422
                body = {"error": "数据有问题，未执行", "problems": [p.format() for p in error.problems]}
            except (GenError, Unrepresentable) as error:
                bottle.response.status = 409 if isinstance(error, Stale) else 400
                body = {"error": str(error), "stale": isinstance(error, Stale)}
            except Exception as error:  # a defect: said in one line, never a traceback on the page or console
                print(f"编辑器内部错误：{type(error).__name__}: {error}", file=sys.stderr)
                bottle.response.status = 500
                body = {"error": "编辑器内部错误，请重新载入页面；如再次出现，请把终端中的信息告诉维护人员"}
            return json.dumps(body, ensure_ascii=False, default=_json_default)

        return answer

    # -- the page's requests -----------------------------------------------------------------------------

    def _text(self) -> str:
        try:
            text = self.path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise GenError(f"无法读取 {self.path.name}：{exc}") from None
        with self.lock:
            if len(self.texts) > 16:
                self.texts.pop(next(iter(self.texts)))
            self.texts[workspace.digest(text)] = text
        return text

    def _body(self) -> dict[str, Any]:
        try:
            raw = bottle.request.body.read(MAX_BODY + 1)
            data = json.loads(raw.decode("utf-8"), parse_float=Decimal)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise Refused(400, "请求内容不是有效的 JSON") from None
        if not isinstance(data, dict):
            raise Refused(400, "请求内容格式不对")
        return data

    def _loaded(self, body: dict[str, Any]) -> tuple[str, int, dict[str, Any], dict[str, Any]]:
        """The text the page edits (by its digest), the year, the year's own facts and sections sent."""
        year, own, sections = body.get("year"), body.get("entry", {}), body.get("sections", {})
        if not (isinstance(year, int) and not isinstance(year, bool) and isinstance(own, dict)
                and isinstance(sections, dict) and isinstance(body.get("digest"), str)):
            raise Refused(400, "请求内容格式不对")
        with self.lock:
            text = self.texts.get(str(body.get("digest")))
        if text is None:
            raise Stale(f"{self.path.name} 已在磁盘上被修改（或编辑器已重新启动），请重新载入后再修改")
        return text, year, own, sections

    def state(self) -> dict[str, Any]:
        text = self._text()
        return {**workspace.overview(text, self.path.name), "tabs": [{"id": i, "title": t, "sections": list(s)}
                                                                    for i, t, s in TABS],
                "schemas": form_schemas(), "folder": str(self.home)}

    def year(self, year: int) -> dict[str, Any]:
        return workspace.year_view(self._text(), self.path.name, year)

    def check(self) -> dict[str, Any]:
        text, year, own, sections = self._loaded(self._body())
        proposed = workspace.propose(text, self.path.name, year, own, sections)
        return {**workspace.examine(text, self.path.name, year, proposed), "stale": self._changed(text)}

    def _changed(self, text: str) -> bool:
        try:
            return self.path.read_bytes().decode("utf-8-sig") != text
        except (OSError, UnicodeDecodeError):
            return True

    def save(self) -> dict[str, Any]:
        text, year, own, sections = self._loaded(self._body())
        proposed = workspace.propose(text, self.path.name, year, own, sections)
        expected = workspace.digest(text)

        def change(current: str) -> str:
            if workspace.digest(current) != expected:
                raise Stale(f"{self.path.name} 在载入后已被修改（可能是其他人或其他命令），为避免覆盖，没有保存。"
                            "请先复制好本页的修改，重新载入后再改")
            return proposed

        api.edit_contract(self.path, change)
        saved = self._text()
        return {"saved": True, "digest": workspace.digest(saved), "unchanged": proposed == text}

    def preview(self) -> dict[str, Any]:
        from generator.documents.html import render_html, stylesheet
        from generator.documents.layout import load_layout

        body = self._body()
        text, year, own, sections = self._loaded(body)
        proposed = workspace.propose(text, self.path.name, year, own, sections)
        contract = workspace.contract_of(proposed, self.path.name)
        against = body.get("against")
        if against is not None and (not isinstance(against, int) or against not in contract.years):
            raise UsageError("没有可对照的上一年度")
        model = api.contract_model(contract, year, against)
        return {"html": render_html(model), "css": stylesheet(load_layout()), "title": model.title}

    def generate(self) -> dict[str, Any]:
        body = self._body()
        year, kind = body.get("year"), body.get("kind")
        if not isinstance(year, int) or kind not in ("contract", "diff"):
            raise Refused(400, "请求内容格式不对")
        if kind == "contract":
            job: api.Request = api.ContractRequest.at(self.path, year=year)
        else:
            against = body.get("against")
            if not isinstance(against, int):
                raise Refused(400, "请求内容格式不对")
            job = api.DiffRequest.at(self.path, from_year=against, to_year=year)
        written, warnings = api.generate(job, self.home, self.home / "outputs")
        return {"written": [p.resolve().relative_to(self.home).as_posix() for p in written],
                "warnings": [w.format() for w in warnings]}

    def revert(self) -> dict[str, Any]:
        body = self._body()
        text, year, _, sections = self._loaded(body)
        key = body.get("key")
        if not (isinstance(key, list) and key and all(isinstance(k, str) for k in key)):
            raise Refused(400, "请求内容格式不对")
        return {"sections": workspace.revert(text, self.path.name, year, sections, key)}

    def fix(self) -> dict[str, Any]:
        body = self._body()
        _, year, _, sections = self._loaded(body)
        fix, target = body.get("fix"), body.get("target", "")
        if not isinstance(fix, str) or not isinstance(target, str) or len(fix) > 100_000:
            raise Refused(400, "请求内容格式不对")
        return {"sections": workspace.apply_fix(sections, year, target, fix)}

    def new_year(self) -> dict[str, Any]:
        body = self._body()
        year = body.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            raise Refused(400, "请求内容格式不对")
        todo, warnings = api.new_year(self.path, year)
        return {"year": year, "todo": todo, "warnings": [w.format() for w in warnings]}


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # Rebinding a port just left is fine on POSIX; on Windows the same option lets another program share it.
    allow_reuse_address = os.name != "nt"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that broke (a closed tab, a malformed request) is not news for the console."""


class _Quiet(WSGIRequestHandler):
    """No access log, and wsgiref's own error output (a traceback on a broken connection) kept off the console."""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def get_stderr(self) -> Any:
        return _Null()


class _Null:
    def write(self, _: str) -> int:
        return 0

    def flush(self) -> None:
        return None


def serve(path: Path, port: int, open_browser: bool, announce: Callable[[str], None]) -> None:
    """Serve the editor of ``path`` on 127.0.0.1 until Ctrl+C; ``announce`` gets the address line first."""
    token = secrets.token_urlsafe(24)
    editor = Editor(path, token, port)
    try:
        server = make_server("127.0.0.1", port, editor, server_class=_Server, handler_class=_Quiet)
    except OSError as exc:
        raise UsageError(f"无法在 127.0.0.1:{port} 上启动编辑器：{exc.strerror or exc}。请换一个端口（--port）或不写 --port") \
            from None
    editor.port = server.server_address[1]
    url = f"http://127.0.0.1:{editor.port}/{token}/"
    announce(url)
    print(f"合同编辑器已启动：{path.name}（{editor.home}）。在浏览器中打开上面的地址；按 Ctrl+C 结束。", file=sys.stderr)
    if open_browser and not webbrowser.open(url):
        print("未能自动打开浏览器，请手动打开上面的地址。", file=sys.stderr)
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("编辑器已停止。", file=sys.stderr)
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        server.server_close()


def _interrupt(*_: Any) -> None:
    raise KeyboardInterrupt
