"""The preview's HTTP side: the built site with a live-reload script in every page.

- every HTML response gets ``<script src="/__preview/live.js" data-version=N>`` (N: the build
  it was served from), and nothing is cached, so a reload shows the new build;
- ``/__preview/events``: Server-Sent Events, one JSON snapshot (:class:`Snapshot`) per change;
- before the first good build, every page is a placeholder the script fills with the errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

from editor_tools.preview._status import Status
from editor_tools.static_server import SiteHandler

LIVE_JS = (Path(__file__).parent / "live.js").read_bytes()
PLACEHOLDER = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Preview: waiting for a good build</title></head><body>
<p>No build has succeeded yet: the errors are listed below. Save a fix and this page reloads.</p>
</body></html>"""
KEEPALIVE_SECONDS = 15.0


def inject(html: bytes, version: int) -> bytes:
    """The page with the live-reload script before ``</body>`` (or at the end)."""
    tag = f'<script src="/__preview/live.js" data-version="{version}"></script>'.encode()
    at = html.rfind(b"</body>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


class PreviewHandler(SiteHandler):
    """Static files plus the ``/__preview/`` endpoints; set ``status`` on a subclass."""

    status: Status

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_body(self, status: int, body: bytes, content_type: str) -> None:
        if content_type.startswith("text/html"):
            body = inject(body, self.status.current.version)
        super().send_body(status, body, content_type)

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == "/__preview/live.js":
            self.send_body(200, LIVE_JS, "text/javascript; charset=utf-8")
        elif path == "/__preview/events":
            self._events()
        elif path == "/__preview/status":
            body = json.dumps(self.status.current.as_json()).encode()
            self.send_body(200, body, "application/json")
        else:
            self._page()

    def _page(self) -> None:
        root = Path(str(self.directory))
        file = Path(self.translate_path(self.path))
        if file.is_dir():
            file = file / "index.html"
        if not (root / "index.html").is_file():
            self.send_body(503, PLACEHOLDER, "text/html; charset=utf-8")
        elif file.suffix == ".html" and file.is_file():
            self.send_body(200, file.read_bytes(), "text/html; charset=utf-8")
        else:
            super().do_GET()

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = None
        try:
            while not self.status.closed:
                snapshot = (
                    self.status.current
                    if seen is None
                    else self.status.wait_for_change(seen, KEEPALIVE_SECONDS)
                )
                if snapshot is seen:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    self.wfile.write(f"data: {json.dumps(snapshot.as_json())}\n\n".encode())
                    seen = snapshot
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def handler_for(status: Status) -> type[PreviewHandler]:
    """A handler class bound to this preview's status."""
    return type("BoundPreviewHandler", (PreviewHandler,), {"status": status})
