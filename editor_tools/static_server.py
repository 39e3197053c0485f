"""A quiet threaded static file server for a built site, as a static host serves it.

``/x/`` serves ``x/index.html``; a missing file gets the site's own ``404.html``. Used by
``make serve`` (scripts/serve_stack.py), ``make preview`` (which adds live reload) and the
browser tests.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files with JavaScript's media type, the site's 404 page and no access log."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Serve the site's own ``404.html`` for a missing page, as a static host would."""
        page = Path(str(self.directory)) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        self.send_body(404, page.read_bytes(), "text/html; charset=utf-8")

    def send_body(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for the servers' own messages."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # an open connection (live reload) never holds up the exit


class StaticServer:
    """Serve ``root`` on ``host:port`` (0: any free port) from a background thread."""

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        handler: type[SiteHandler] = SiteHandler,
    ) -> None:
        self._server = _Server((host, port), functools.partial(handler, directory=str(root)))
        self.port = int(self._server.server_address[1])
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> StaticServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


__all__ = ["SiteHandler", "StaticServer"]
