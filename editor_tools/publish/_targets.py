"""Where ``make publish`` uploads to: a local folder, an rsync destination, an S3 bucket.

Each target lists what it holds, puts one file, deletes some, and keeps a small JSON state
(``.ra-publish.json``: when each hashed asset was last published). S3 goes through boto3, so
any S3-compatible store works (``S3_ENDPOINT_URL``; credentials the usual AWS way).
"""

from __future__ import annotations

import json
import mimetypes
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from editor_tools._errors import EditorError
from editor_tools.publish._order import STATE_FILE, is_hashed

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"


class Target(Protocol):
    name: str

    def list(self) -> set[str]: ...
    def put_many(self, root: Path, relatives: Sequence[str]) -> None: ...
    def delete(self, relatives: Sequence[str]) -> None: ...
    def read_state(self) -> dict[str, float]: ...
    def write_state(self, state: dict[str, float]) -> None: ...


class FolderTarget:
    """A folder on this machine (a web server's root): files are replaced by rename."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.name = str(root)

    def list(self) -> set[str]:
        if not self.root.is_dir():
            return set()
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}

    def put_many(self, root: Path, relatives: Sequence[str]) -> None:
        for relative in relatives:
            self.put(relative, root / relative)

    def put(self, relative: str, file: Path) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as temp:
            shutil.copyfileobj(file.open("rb"), temp)
        os.replace(temp.name, target)  # a reader sees the old file or the new one

    def delete(self, relatives: Sequence[str]) -> None:
        for relative in relatives:
            (self.root / relative).unlink(missing_ok=True)

    def read_state(self) -> dict[str, float]:
        path = self.root / STATE_FILE
        return json.loads(path.read_text()) if path.is_file() else {}

    def write_state(self, state: dict[str, float]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / STATE_FILE).write_text(json.dumps(state, sort_keys=True))


class RsyncTarget:
    """``host:path`` or ``rsync://…`` through the rsync command (one call per group)."""

    def __init__(self, destination: str) -> None:
        self.destination = destination.rstrip("/") + "/"
        self.name = destination

    def _rsync(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(["rsync", *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise EditorError(f"rsync to {self.name}: {done.stderr.strip().splitlines()[-1:]}")
        return done

    def list(self) -> set[str]:
        done = subprocess.run(
            ["rsync", "-r", "--list-only", self.destination],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            return set()
        return {line.split(None, 4)[4] for line in done.stdout.splitlines()
                if line.startswith("-") and len(line.split(None, 4)) == 5}  # fmt: skip

    def put_many(self, root: Path, relatives: Sequence[str]) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".list") as listing:
            listing.write("\n".join(relatives) + "\n")
            listing.flush()
            self._rsync("-a", "--files-from", listing.name, f"{root}/", self.destination)

    def delete(self, relatives: Sequence[str]) -> None:
        if not relatives:
            return
        with tempfile.TemporaryDirectory() as empty, tempfile.NamedTemporaryFile("w") as rules:
            rules.write("".join(f"+ /{r}\n" for r in relatives) + "+ */\n- *\n")
            rules.flush()
            self._rsync("-r", "--delete", f"--filter=merge {rules.name}", f"{empty}/",
                        self.destination)  # fmt: skip

    def read_state(self) -> dict[str, float]:
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run(
                ["rsync", self.destination + STATE_FILE, folder],
                capture_output=True, check=False,
            )  # fmt: skip
            path = Path(folder) / STATE_FILE
            return json.loads(path.read_text()) if done.returncode == 0 else {}

    def write_state(self, state: dict[str, float]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / STATE_FILE
            path.write_text(json.dumps(state, sort_keys=True))
            self._rsync(str(path), self.destination + STATE_FILE)


class S3Target:
    """An S3 bucket (and key prefix) through boto3, with the cache policy of docs/cdn.md."""

    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket, self.prefix, self.client = bucket, prefix.strip("/"), client
        self.name = f"s3://{bucket}/{self.prefix}"

    def _key(self, relative: str) -> str:
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def list(self) -> set[str]:
        found: set[str] = set()
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else ""
        )
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"]
                found.add(key[len(self.prefix) + 1 :] if self.prefix else key)
        return found

    def put_many(self, root: Path, relatives: Sequence[str]) -> None:
        for relative in relatives:
            self.put(relative, root / relative)

    def put(self, relative: str, file: Path) -> None:
        name = relative.removesuffix(".gz").removesuffix(".br")
        extra = {
            "ContentType": mimetypes.guess_type(name)[0] or "application/octet-stream",
            "CacheControl": IMMUTABLE if is_hashed(relative) else REVALIDATE,
        }
        self.client.upload_file(str(file), self.bucket, self._key(relative), ExtraArgs=extra)

    def delete(self, relatives: Sequence[str]) -> None:
        for start in range(0, len(relatives), 1000):  # the API's limit per call
            chunk = [{"Key": self._key(r)} for r in relatives[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": chunk})

    def read_state(self) -> dict[str, float]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(STATE_FILE))["Body"]
        except self.client.exceptions.NoSuchKey:
            return {}
        return json.loads(body.read())

    def write_state(self, state: dict[str, float]) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(STATE_FILE), Body=json.dumps(state).encode()
        )


def target_from(spec: str, env: dict[str, str]) -> Target:
    """``PUBLISH_TARGET``: ``s3://bucket/prefix``, ``host:path``/``rsync://…``, or a folder."""
    if spec.startswith("s3://"):
        import boto3

        bucket, _, prefix = spec[len("s3://") :].partition("/")
        client = boto3.client("s3", endpoint_url=env.get("S3_ENDPOINT_URL") or None)
        return S3Target(bucket, prefix, client)
    if spec.startswith("rsync://") or (":" in spec.split("/", 1)[0] and not spec.startswith("/")):
        return RsyncTarget(spec)
    return FolderTarget(Path(spec))
