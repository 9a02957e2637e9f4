"""The page `make preview` serves: the last good HTML, held in memory, that reloads itself.

The published `results/paper.html` is never touched: the served copy gets a few lines of script
that ask four times a second for the version served and reload the tab when it is another.
Because the page lives in memory and is replaced in one assignment, there is no moment when it
is missing: while a build runs the previous page stays up, and when a build fails the previous
page is shown with the build's one-line error on top of it.
"""

from __future__ import annotations

import html
import http.server
import mimetypes
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

PAGE_PATHS = ("/", "/paper.html", "/index.html")
#: The folders whose files the page links (the preview's HTML links its figures, stylesheet and
#: fonts instead of embedding them), served from the tree the preview watches.
FILE_FOLDERS = ("results/figures", "manuscript")
VERSION_PATH = "/__preview/version"

_RELOAD_SCRIPT = """<script>
/* make preview: reload this tab when a new version of the paper is served */
setInterval(function () {
  fetch("%(path)s", { cache: "no-store" }).then(function (answer) { return answer.text(); })
    .then(function (number) { if (number !== "%(version)s") location.reload(); }, function () {});
}, 250);
</script>"""

_ERROR_BANNER = (
    '<div role="alert" style="position:fixed;inset:0 0 auto 0;z-index:1000;margin:0;'
    "padding:.6em 1em;background:#fde8e8;color:#7a1010;border-bottom:2px solid #7a1010;"
    'font:14px/1.4 monospace;white-space:pre-wrap">%(message)s</div>'
)

_PLACEHOLDER = (
    "<!DOCTYPE html><html><head><title>Preview</title></head><body>%(text)s</body></html>"
)


@dataclass(frozen=True)
class Version:
    number: int
    body: bytes  # what a browser receives
    paper: bytes | None  # the rendered paper itself, or None before the first good build
    error: str | None


class Page:
    """The current version of the served page."""

    def __init__(self) -> None:
        self._changed = threading.Lock()  # the watcher and the build loop both change it
        #: replaced whole, in one assignment: a reader never sees a page half made
        self.current = self._compose(0, None, None, "building the paper…")

    def show(self, paper: bytes) -> bool:
        """Serve a newly built paper; False if it is the page already shown."""
        with self._changed:
            if self.current.paper == paper and self.current.error is None:
                return False
            self.current = self._compose(self.current.number + 1, paper, None)
            return True

    def fail(self, message: str) -> None:
        """Keep the last good paper and show `message` (one line) above it."""
        with self._changed:
            current = self.current
            if current.error == message:
                return
            self.current = self._compose(current.number + 1, current.paper, message)

    @staticmethod
    def _compose(number: int, paper: bytes | None, error: str | None, note: str = "") -> Version:
        text = paper.decode("utf-8") if paper is not None else _PLACEHOLDER % {"text": note}
        additions = _RELOAD_SCRIPT % {"version": number, "path": VERSION_PATH}
        if error:
            additions = _ERROR_BANNER % {"message": html.escape(error)} + additions
        position = text.rfind("</body>")
        position = position if position >= 0 else len(text)
        body = (text[:position] + additions + text[position:]).encode("utf-8")
        return Version(number, body, paper, error)


class Handler(http.server.BaseHTTPRequestHandler):
    page: Page  # set on the subclass made by `serve`
    root: Path

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path in PAGE_PATHS:
            self._send(self.page.current.body, "text/html; charset=utf-8")
        elif path == VERSION_PATH:
            self._send(str(self.page.current.number).encode(), "text/plain")
        elif file := self._linked_file(urllib.parse.unquote(path).lstrip("/")):
            self._send(file.read_bytes(), mimetypes.guess_type(file.name)[0] or "text/plain")
        else:
            self.send_error(404, "the preview serves the paper and the files it links only")

    def _linked_file(self, name: str) -> Path | None:
        file = (self.root / name).resolve()
        folders = [(self.root / folder).resolve() for folder in FILE_FOLDERS]
        inside = any(file.is_relative_to(folder) for folder in folders)
        return file if inside and file.is_file() else None

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal is for build messages


def serve(page: Page, port: int, root: Path = Path(".")) -> http.server.ThreadingHTTPServer:
    """Serve `page` on 127.0.0.1:`port` (or a free port if it is taken) in a background thread,
    and the files it links from the tree at `root`."""
    handler = type("PreviewHandler", (Handler,), {"page": page, "root": root})
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server
