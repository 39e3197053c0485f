"""make publish: build, check, upload (folder, rsync, S3 on moto's server), catalogue and
fediverse; each step's failure stops the rest and names the step to resume at."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest

from editor_tools.publish import upload
from editor_tools.publish._order import STATE_FILE, plan_deletions, upload_order
from editor_tools.publish._targets import FolderTarget, RsyncTarget
from tests.conftest import REPO_ROOT, free_port
from tests.editor.conftest import SITE_URL

HOUR = 3600.0


def publish(
    content: Path, output: Path, *extra: str, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISH_")}
    return subprocess.run(
        ["make", "--no-print-directory", "publish", f"CONTENT={content}", f"OUTPUT={output}",
         *extra],
        cwd=REPO_ROOT, env={**environment, "SITE_URL": SITE_URL, **env},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_upload_order_and_grace_period_rules() -> None:
    paths = ["index.html", "theme/css/site.62881927.css", "feeds/all.atom.xml",
             "blog/index.html.gz", "images/jam.a24de5f4.png",
             "images/jam.a24de5f4.png.br"]  # fmt: skip
    assert upload_order(paths) == [
        "images/jam.a24de5f4.png", "images/jam.a24de5f4.png.br", "theme/css/site.62881927.css",
        "feeds/all.atom.xml", "blog/index.html.gz", "index.html",
    ]  # fmt: skip
    remote = {"index.html", "old/index.html", "theme/css/site.00000000.css",
              "theme/css/site.11111111.css", "theme/css/site.22222222.css", STATE_FILE}  # fmt: skip
    local = {"index.html", "theme/css/site.62881927.css"}
    now = 1_000_000.0
    last_seen = {"theme/css/site.00000000.css": now - 2 * HOUR,
                 "theme/css/site.11111111.css": now - 30 * HOUR}  # fmt: skip
    delete, seen = plan_deletions(remote, local, last_seen, now, grace=24 * HOUR)
    assert delete == ["old/index.html", "theme/css/site.11111111.css"]
    assert seen == {
        "theme/css/site.62881927.css": now,
        "theme/css/site.00000000.css": now - 2 * HOUR,  # within its grace period
        "theme/css/site.22222222.css": now,  # first seen gone now: its grace starts now
    }


class RecordingFolder(FolderTarget):
    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.puts: list[str] = []

    def put(self, relative: str, file: Path) -> None:
        self.puts.append(relative)
        super().put(relative, file)


def test_a_folder_gets_assets_before_pages_and_keeps_old_assets_a_while(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "theme/css").mkdir(parents=True)
    (site / "theme/css/site.62881927.css").write_text("new")
    (site / "index.html").write_text("<p>new</p>")
    (site / "feed.xml").write_text("<feed/>")
    target = RecordingFolder(tmp_path / "www")
    (target.root / "theme/css").mkdir(parents=True)
    (target.root / "theme/css/site.11111111.css").write_text("old")
    (target.root / "gone.html").write_text("old page")
    upload(site, target, grace_seconds=24 * HOUR, now=1_000_000.0)
    assert target.puts == ["theme/css/site.62881927.css", "feed.xml", "index.html"]
    assert (target.root / "theme/css/site.11111111.css").is_file()  # cached pages use it
    assert not (target.root / "gone.html").exists()
    upload(site, target, grace_seconds=24 * HOUR, now=1_000_000.0 + 25 * HOUR)
    assert not (target.root / "theme/css/site.11111111.css").exists()  # its day is over
    assert (target.root / "index.html").read_text() == "<p>new</p>"


def test_rsync_target(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "images").mkdir(parents=True)
    (site / "images/a.0123abcd.png").write_bytes(b"png")
    (site / "index.html").write_text("<p>hi</p>")
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "stale.html").write_text("old")
    (dest / "images").mkdir()
    (dest / "images/b.89abcdef.png").write_bytes(b"old asset")
    summary = upload(site, RsyncTarget(str(dest)), grace_seconds=24 * HOUR)
    assert summary == "2 files uploaded, 1 removed, 1 old hashed assets kept"
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == [
        STATE_FILE, "images/a.0123abcd.png", "images/b.89abcdef.png", "index.html"
    ]  # fmt: skip


@pytest.fixture
def s3_endpoint(tmp_path: Path) -> Iterator[str]:
    """moto's S3 server on loopback, a real HTTP endpoint for boto3."""
    port = free_port()
    log = (tmp_path / "moto.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/moto-api/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
       "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip


def test_publish_to_an_s3_bucket_then_resume_the_later_steps(
    content: Path, tmp_path: Path, s3_endpoint: str
) -> None:
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, **{
        "aws_access_key_id": "testing", "aws_secret_access_key": "testing",
        "region_name": "us-east-1"})  # fmt: skip
    s3.create_bucket(Bucket="site")
    out = tmp_path / "out"
    done = publish(content, out, PUBLISH_TARGET="s3://site/live", S3_ENDPOINT_URL=s3_endpoint,
                   **AWS)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    steps = ("[1/5] build: built", "[2/5] check: nothing must be fixed", "[3/5] upload: ",
             "[4/5] catalogue: skipped: PUBLISH_COMMERCE_DATABASE_URL is not set",
             "[5/5] fediverse: skipped: PUBLISH_FEDERATION_DATABASE_URL is not set")  # fmt: skip
    for step in steps:
        assert any(line.startswith(step) for line in lines), (step, lines)
    assert lines[-1] == "Published."
    keys = {o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket="site")
            for o in page.get("Contents", [])}  # fmt: skip
    local = {f"live/{p.relative_to(out).as_posix()}" for p in out.rglob("*") if p.is_file()}
    assert local <= keys
    page = s3.head_object(Bucket="site", Key="live/index.html")
    assert page["ContentType"] == "text/html"
    assert page["CacheControl"] == "public, max-age=0, must-revalidate"
    css = next(k for k in keys if k.startswith("live/theme/") and k.endswith(".css"))
    assert s3.head_object(Bucket="site", Key=css)["CacheControl"].endswith("immutable")

    databases = {"commerce_api": tmp_path / "c.db", "federation_server": tmp_path / "f.db"}
    for module, db in databases.items():
        migrated = subprocess.run(
            [sys.executable, "-m", module, "migrate"], cwd=REPO_ROOT, capture_output=True,
            env={**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}"}, check=False,
        )  # fmt: skip
        assert migrated.returncode == 0, migrated.stderr
    env = {"PUBLISH_COMMERCE_DATABASE_URL": f"sqlite+aiosqlite:///{databases['commerce_api']}",
           "PUBLISH_FEDERATION_DATABASE_URL":
           f"sqlite+aiosqlite:///{databases['federation_server']}"}  # fmt: skip
    resumed = publish(content, out, "FROM=catalogue", **env)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "[3/5] upload: skipped (resuming at catalogue)" in resumed.stdout
    assert "[4/5] catalogue: catalogue synced: " in resumed.stdout
    assert "[5/5] fediverse: published: " in resumed.stdout


def _failure(done: subprocess.CompletedProcess[str], step: str, number: int) -> str:
    assert done.returncode != 0
    err = done.stderr.splitlines()
    assert f"Fix it, then resume with: make publish FROM={step}" in err[-2] + err[-1]
    line = next(line for line in err if line.startswith(f"[{number}/5] {step} failed: "))
    assert "Traceback" not in done.stderr
    return line


def test_each_failed_step_stops_the_rest_and_says_how_to_resume(
    content: Path, tmp_path: Path
) -> None:
    out, target = tmp_path / "out", tmp_path / "www"
    post = content / "blog" / "bees-arrive.md"
    good = post.read_text()
    post.write_text(good.replace("Tags:", "Tgas:"))
    failed = publish(content, out, PUBLISH_TARGET=str(target))
    assert "tgas: unknown key" in _failure(failed, "build", 1) + failed.stdout
    assert not target.exists() and "[2/5]" not in failed.stdout

    post.write_text(good.replace("\n\n", "\nMood: fine\n\n", 1))
    (content / "images" / "huge.png").write_bytes(b"\x89PNG" + b"\0" * (450 * 1024))
    failed = publish(content, out, PUBLISH_TARGET=str(target))
    assert "check: 1 error, " in _failure(failed, "check", 2)
    assert "huge.png: size: 450 KB is over the 400 KB budget" in failed.stdout
    assert not target.exists()
    (content / "images" / "huge.png").unlink()

    failed = publish(content, out, "FROM=upload", PUBLISH_TARGET="s3://site/x",
                     S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}", **AWS)  # fmt: skip
    assert "[1/5] build: skipped (resuming at upload)" in failed.stdout
    _failure(failed, "upload", 3)

    empty_db = f"sqlite+aiosqlite:///{tmp_path / 'none.db'}"
    failed = publish(content, out, "FROM=catalogue", PUBLISH_COMMERCE_DATABASE_URL=empty_db)
    assert "no such table" in _failure(failed, "catalogue", 4)

    nowhere = "postgresql+asyncpg://nobody@127.0.0.1:1/x"
    failed = publish(content, out, "FROM=fediverse", PUBLISH_FEDERATION_DATABASE_URL=nowhere)
    _failure(failed, "fediverse", 5)

    unknown = publish(content, out, "FROM=deploy")
    assert "error: FROM: 'deploy' is not a step; one of build, check, upload" in unknown.stderr
