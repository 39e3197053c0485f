"""Run the whole stack locally on SQLite: what ``make serve`` runs.

Starts, each on 127.0.0.1 by default:

- the fake SumUp (``commerce_api.fake_sumup``), so a newcomer can pay without SumUp;
- the commerce API (SQLite under ``var/``, migrated, catalogue synced from
  the build's ``_data/catalog.json``);
- the federation server, if ``python -m federation_server --help`` offers ``serve``;
- a static file server for the site it built.

It first builds the content into its own folder (``var/serve/site``, never ``build/``) with
``SITE_URL`` and ``COMMERCE_URL`` pointing at these local servers. Ctrl-C, SIGTERM or SIGHUP
(a closed terminal) stops every child; a second signal is ignored while they stop. The local
mail (``MAIL_BACKEND=outbox``) is a page, ``/_dev/mail`` on the API. The helpers here are
also used by the browser tests (``tests/browser``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from commerce_api.fake_sumup import FakeSumUpProcess  # noqa: E402
from editor_tools.static_server import StaticServer  # noqa: E402

DEV_SUMUP_KEY = "sk_test_local_fake"
DEV_MERCHANT = "MLOCALDEV"


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
    try:
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
    except BaseException:  # a signal while waiting: the caller does not have it to stop yet
        stop_process(proc)
        raise
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


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def build_site(content: Path, output: Path, env: Mapping[str, str]) -> None:
    """``make build`` of ``content`` into ``output`` with this stack's URLs (never build/)."""
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "site" / "build_site.py"),
         "--content", str(content), "--output", str(output)],
        cwd=REPO_ROOT, env=dict(env), check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"the build of {content} failed (its errors are above)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--content", default="content", help="the content to build")
    parser.add_argument("--build", default="var/serve/site", help="where to build it")
    parser.add_argument("--static-port", type=int, default=8080)
    parser.add_argument("--api-port", type=int, default=8000)
    parser.add_argument("--federation-port", type=int, default=8001)
    parser.add_argument("--sumup-port", type=int, default=8090)
    parser.add_argument("--var", default="var", help="the databases' folder")
    args = parser.parse_args(argv)

    build = (REPO_ROOT / args.build).resolve()
    catalog = build / "_data" / "catalog.json"
    var = (REPO_ROOT / args.var).resolve()
    var.mkdir(parents=True, exist_ok=True)
    site_url = f"http://{args.host}:{args.static_port}"
    api_url = f"http://{args.host}:{args.api_port}"
    fed_url = f"http://{args.host}:{args.federation_port}"

    fake = FakeSumUpProcess(host=args.host, port=args.sumup_port)
    children: list[subprocess.Popen[bytes]] = []
    static: StaticServer | None = None
    # Explicit handlers: a shell may start us with SIGINT ignored (background jobs do); a
    # closed terminal sends SIGHUP, which would otherwise end us without stopping anything.
    for signum in STOP_SIGNALS:
        signal.signal(signum, _interrupt)
    try:
        print(f"[1/4] building {args.content} into {args.build} for {site_url}", flush=True)
        site_env = {**os.environ, "SITE_URL": site_url, "COMMERCE_URL": api_url}
        build_site((REPO_ROOT / args.content).resolve(), build, site_env)
        print("[2/4] starting the fake SumUp and the commerce API", flush=True)
        fake.start()
        env = commerce_env(
            database_url=f"sqlite+aiosqlite:///{var / 'commerce.db'}",
            site_url=site_url,
            api_url=api_url,
            sumup_url=fake.url,
        )
        env["DEV_MAILBOX"] = "1"  # the outbox as a page; never with a real SECRET_KEY
        children.append(start_commerce_api(env, catalog, args.host, args.api_port))
        lines = [
            f"  site          {site_url}/",
            f"  commerce API  {api_url}/  (OpenAPI: {api_url}/schema/openapi.json)",
            f"  local mail    {api_url}/_dev/mail  (verification, reset and receipt mails)",
            f"  fake SumUp    {fake.url}/  (checkouts: {fake.url}/_fake/checkouts)",
        ]
        print("[3/4] starting the federation server", flush=True)
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
        print("[4/4] serving the site", flush=True)
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
    except (RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        for signum in STOP_SIGNALS:  # a second signal must not cut the clean-up short
            signal.signal(signum, signal.SIG_IGN)
        print("stopping…", file=sys.stderr, flush=True)
        if static is not None:
            static.stop()
        for proc in reversed(children):
            stop_process(proc)
        fake.stop()
        print("stopped", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
