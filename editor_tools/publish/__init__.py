"""``make publish``: build, check, upload, sync the catalogue, publish to the fediverse.

Each step prints one line when it starts and one when it is done; a failed step stops the
rest and prints the command that resumes at it (``make publish FROM=upload``). Settings come
from the environment (see README): ``PUBLISH_TARGET`` (a folder, ``host:path`` for rsync, or
``s3://bucket/prefix`` with ``S3_ENDPOINT_URL``), ``PUBLISH_GRACE_HOURS`` (24),
``PUBLISH_COMMERCE_DATABASE_URL`` and ``PUBLISH_FEDERATION_DATABASE_URL`` (a step whose
setting is missing says so and is skipped).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from editor_tools._errors import EditorError
from editor_tools._paths import BUILD_SCRIPT, REPO_ROOT
from editor_tools.publish._order import is_hashed, is_html, plan_deletions, upload_order
from editor_tools.publish._targets import Target, target_from

__all__ = ["STEPS", "run", "upload"]

DEFAULT_TARGET = "var/publish"


@dataclass(frozen=True)
class Context:
    content: Path
    output: Path
    env: dict[str, str]


class StepFailed(Exception):
    """A step could not finish; the message says why."""


def _command(args: list[str], env: dict[str, str] | None = None) -> str:
    """Run a command, its output passed through; raise StepFailed on a non-zero exit."""
    done = subprocess.run(args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    for line in (done.stdout + done.stderr).splitlines():
        print(f"    {line}", flush=True)
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise StepFailed(f"exit status {done.returncode}: {last[0]}")
    return done.stdout


def step_build(ctx: Context) -> str:
    _command([sys.executable, str(BUILD_SCRIPT), "--content", str(ctx.content),
              "--output", str(ctx.output)])  # fmt: skip
    return f"built {ctx.output}"


def step_check(ctx: Context) -> str:
    _command([sys.executable, "-m", "editor_tools", "--content", str(ctx.content), "check",
              "--no-build", "--output", str(ctx.output)])  # fmt: skip
    return "nothing must be fixed"


def upload(output: Path, target: Target, grace_seconds: float, now: float | None = None) -> str:
    """Hashed assets, then other files, then HTML; then old files, keeping recent hashed ones."""
    now = time.time() if now is None else now
    local = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    ordered = upload_order(local)
    groups = [
        ("hashed assets", [p for p in ordered if is_hashed(p)]),
        ("other files", [p for p in ordered if not is_hashed(p) and not is_html(p)]),
        ("pages", [p for p in ordered if is_html(p)]),
    ]
    for label, group in groups:
        print(f"    uploading {len(group)} {label} to {target.name}", flush=True)
        target.put_many(output, group)
    delete, seen = plan_deletions(target.list(), local, target.read_state(), now, grace_seconds)
    target.delete(delete)
    target.write_state(seen)
    kept = len(seen) - sum(1 for p in local if is_hashed(p))
    return f"{len(local)} files uploaded, {len(delete)} removed, {kept} old hashed assets kept"


def step_upload(ctx: Context) -> str:
    spec = ctx.env.get("PUBLISH_TARGET") or str(REPO_ROOT / DEFAULT_TARGET)
    grace = float(ctx.env.get("PUBLISH_GRACE_HOURS", "24")) * 3600
    try:
        return upload(ctx.output, target_from(spec, ctx.env), grace)
    except EditorError as exc:
        raise StepFailed(str(exc)) from None
    except Exception as exc:  # boto3 / OS errors: the reason, not a traceback
        raise StepFailed(f"{type(exc).__name__}: {exc}") from None


def _server_step(ctx: Context, setting: str, args: list[str]) -> str:
    url = ctx.env.get(setting)
    if not url:
        return f"skipped: {setting} is not set"
    out = _command([sys.executable, "-m", *args], env={**ctx.env, "DATABASE_URL": url})
    return (out.strip().splitlines() or ["done"])[-1]


def step_catalogue(ctx: Context) -> str:
    catalog = ctx.output / "_data" / "catalog.json"
    return _server_step(ctx, "PUBLISH_COMMERCE_DATABASE_URL",
                        ["commerce_api", "sync-catalog", str(catalog)])  # fmt: skip


def step_fediverse(ctx: Context) -> str:
    return _server_step(ctx, "PUBLISH_FEDERATION_DATABASE_URL",
                        ["federation_server", "publish", str(ctx.output)])  # fmt: skip


STEPS: list[tuple[str, str, Callable[[Context], str]]] = [
    ("build", "building the site", step_build),
    ("check", "checking it", step_check),
    ("upload", "uploading", step_upload),
    ("catalogue", "syncing the catalogue to the commerce API", step_catalogue),
    ("fediverse", "publishing new and changed content to the fediverse", step_fediverse),
]


def run(content: Path, output: Path, start: str | None = None) -> int:
    names = [name for name, _, _ in STEPS]
    if start is not None and start not in names:
        raise EditorError(f"FROM: {start!r} is not a step; one of {', '.join(names)}")
    first = names.index(start) if start else 0
    ctx = Context(content, output, dict(os.environ))
    for number, (name, doing, action) in enumerate(STEPS, start=1):
        if number - 1 < first:
            print(f"[{number}/{len(STEPS)}] {name}: skipped (resuming at {start})", flush=True)
            continue
        print(f"[{number}/{len(STEPS)}] {doing}…", flush=True)
        try:
            result = action(ctx)
        except StepFailed as exc:
            print(f"[{number}/{len(STEPS)}] {name} failed: {exc}", file=sys.stderr)
            print(f"Stopped; nothing after {name} was done. Fix it, then resume with: "
                  f"make publish FROM={name}", file=sys.stderr)  # fmt: skip
            return 1
        print(f"[{number}/{len(STEPS)}] {name}: {result}", flush=True)
    print("Published.")
    return 0
