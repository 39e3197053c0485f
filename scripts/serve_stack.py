"""Run the whole stack locally on SQLite: what ``make serve`` runs (after ``make build``).

Starts, each on 127.0.0.1 by default:

- the fake SumUp (``commerce_api.fake_sumup``), so a newcomer can pay without SumUp;
- the commerce API (SQLite under ``var/``, migrated, catalogue synced from
  ``build/_data/catalog.json``);
- the federation server, if ``python -m federation_server --help`` offers ``serve``;
- a static file server for ``build/``.

It builds nothing: ``make serve`` builds first, with ``SITE_URL`` and ``COMMERCE_API_URL``
pointing at these local servers. Ctrl-C stops every child cleanly. The helpers here are also
used by the browser tests (``tests/browser``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from commerce_api.fake_sumup import FakeSumUpProcess  # noqa: E402

DEV_SUMUP_KEY = "sk_test_local_fake"
DEV_MERCHANT = "MLOCALDEV"


class StaticServer:
    """A quiet threaded static file server for a build folder (``/x/`` serves ``x/index.html``)."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self._server = ThreadingHTTPServer((host, port), handler)
        self.url = f"http://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> StaticServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Serve the site's own ``404.html`` for a missing page, as a static host would."""
        page = Path(str(self.directory)) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for the servers' own messages."""


def start_server(
    module: str,
    host: str,
    port: int,
    env: Mapping[str, str],
    ready_path: str,
    *extra: str,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``python -m module serve`` in its own session and wait until ``ready_path``
    answers (any status below 500). With ``log``, its output goes to that file."""
    with open(log, "wb") if log else contextlib.nullcontext() as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", module, "serve", "--host", host, "--port", str(port), *extra],
            cwd=REPO_ROOT,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT if log else None,
            start_new_session=True,
        )
    url = f"http://{host}:{port}{ready_path}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            see = f"; see {log}" if log else ""
            raise RuntimeError(f"{module} exited with status {proc.returncode} on start{see}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop_process(proc)
    raise RuntimeError(f"{module} did not answer on {url}")


def stop_process(proc: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM (uvicorn shuts down gracefully), then SIGKILL after 10 s."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def commerce_env(
    *, database_url: str, site_url: str, api_url: str, sumup_url: str
) -> dict[str, str]:
    """Environment for a local commerce API talking to the fake SumUp."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SITE_URL": site_url,
        "PUBLIC_URL": api_url,
        "ALLOWED_ORIGINS": site_url,
        "SUMUP_API_URL": sumup_url,
        "SUMUP_API_KEY": DEV_SUMUP_KEY,
        "SUMUP_MERCHANT_CODE": DEV_MERCHANT,
        "PYTHONUNBUFFERED": "1",
    }


def start_commerce_api(
    env: Mapping[str, str], catalog: Path, host: str, port: int
) -> subprocess.Popen[bytes]:
    """Serve the commerce API after migrating and syncing the catalogue (one process)."""
    return start_server(
        "commerce_api", host, port, env, "/health", "--migrate", "--catalog", str(catalog)
    )


def federation_available() -> bool:
    """True when the federation server is installed and has a ``serve`` command."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "federation_server", "--help"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and "serve" in done.stdout


def publish_build(build: Path, env: Mapping[str, str]) -> str:
    """Publish the build's activitystreams.json to the local federation server (best effort)."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "federation_server", "publish", str(build)],
            cwd=REPO_ROOT,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"publish failed: {exc}"
    if done.returncode != 0:
        return "publish failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return (done.stdout.strip().splitlines() or ["published"])[-1]


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--build", default="build", help="the built site folder")
    parser.add_argument("--static-port", type=int, default=8080)
    parser.add_argument("--api-port", type=int, default=8000)
    parser.add_argument("--federation-port", type=int, default=8001)
    parser.add_argument("--sumup-port", type=int, default=8090)
    args = parser.parse_args(argv)

    build = (REPO_ROOT / args.build).resolve()
    catalog = build / "_data" / "catalog.json"
    if not catalog.is_file():
        print(f"{catalog} is missing: run `make build` first", file=sys.stderr)
        return 2
    var = REPO_ROOT / "var"
    var.mkdir(exist_ok=True)
    site_url = f"http://{args.host}:{args.static_port}"
    api_url = f"http://{args.host}:{args.api_port}"
    fed_url = f"http://{args.host}:{args.federation_port}"

    fake = FakeSumUpProcess(host=args.host, port=args.sumup_port)
    children: list[subprocess.Popen[bytes]] = []
    static: StaticServer | None = None
    # Explicit handlers: a shell may start us with SIGINT ignored (background jobs do).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        fake.start()
        env = commerce_env(
            database_url=f"sqlite+aiosqlite:///{var / 'commerce.db'}",
            site_url=site_url,
            api_url=api_url,
            sumup_url=fake.url,
        )
        children.append(start_commerce_api(env, catalog, args.host, args.api_port))
        lines = [
            f"  site          {site_url}/",
            f"  commerce API  {api_url}/  (OpenAPI: {api_url}/schema/openapi.json)",
            f"  fake SumUp    {fake.url}/  (checkouts: {fake.url}/_fake/checkouts)",
        ]
        if federation_available():
            fed_env = {
                **os.environ,
                "DATABASE_URL": f"sqlite+aiosqlite:///{var / 'federation.db'}",
                "PUBLIC_URL": fed_url,
                "SITE_URL": site_url,
            }
            fed = start_server(
                "federation_server",
                args.host,
                args.federation_port,
                fed_env,
                "/.well-known/host-meta",
            )
            children.append(fed)
            lines.append(f"  federation    {fed_url}/  ({publish_build(build, fed_env)})")
        else:
            lines.append("  federation    (not started: `python -m federation_server` unavailable)")
        static = StaticServer(build, args.host, args.static_port).start()
        print("Rose Ash is running:\n" + "\n".join(lines) + "\nCtrl-C stops everything.")
        sys.stdout.flush()
        while True:
            dead = [p for p in children if p.poll() is not None]
            if dead:
                print(f"a server exited (status {dead[0].returncode}); stopping", file=sys.stderr)
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip cleanup
        print("stopping…", file=sys.stderr)
        if static is not None:
            static.stop()
        for proc in reversed(children):
            stop_process(proc)
        fake.stop()


if __name__ == "__main__":
    sys.exit(main())
