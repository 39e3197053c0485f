"""Reading ``build/_data/activitystreams.json`` (the contract in docs/manifests.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from federation_server.errors import ManifestError

SUPPORTED_SCHEMA_VERSIONS = frozenset({1})
MANIFEST_PATH = Path("_data") / "activitystreams.json"


@dataclass(frozen=True)
class ManifestActor:
    name: str
    display_name: str | None
    summary: str | None
    icon: str | None
    url: str | None
    #: The profile's header (banner) image.
    image: str | None = None


@dataclass(frozen=True)
class Manifest:
    path: Path
    schema_version: int
    site_url: str
    actors: tuple[ManifestActor, ...]
    #: Entries exactly as the build wrote them, keyed by stable id (in manifest order).
    objects: dict[str, dict[str, Any]]
    #: The site's language (BCP 47), e.g. ``en``; empty when the build did not say.
    language: str = ""


def _fail(path: Path, message: str) -> ManifestError:
    return ManifestError(f"{path}: {message}")


def _require_str(path: Path, entry: dict[str, Any], where: str, key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise _fail(path, f"{where}.{key} is missing or not a string")
    return value


def load_manifest(path: Path) -> Manifest:
    """Parse and check the manifest; any problem is one line naming the file and the field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(path, "file not found (run `make build` first)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(path, f"not readable JSON ({exc})") from None
    except RecursionError:
        raise _fail(path, "nested too deeply to be a manifest") from None
    if not isinstance(data, dict):
        raise _fail(path, "top level is not a JSON object")
    version = data.get("schema_version")
    if version not in SUPPORTED_SCHEMA_VERSIONS or isinstance(version, bool):
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_SCHEMA_VERSIONS))
        raise _fail(
            path, f"schema_version {version!r} is not supported (this server reads {supported})"
        )
    actors = []
    for index, raw in enumerate(data.get("actors") or []):
        if not isinstance(raw, dict):
            raise _fail(path, f"actors[{index}] is not an object")
        actors.append(
            ManifestActor(
                name=_require_str(path, raw, f"actors[{index}]", "name"),
                display_name=raw.get("display_name"),
                summary=raw.get("summary"),
                icon=raw.get("icon"),
                url=raw.get("url"),
                image=raw.get("image") if isinstance(raw.get("image"), str) else None,
            )
        )
    raw_objects = data.get("objects")
    if not isinstance(raw_objects, list):
        raise _fail(path, "objects is missing or not a list")
    objects: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(raw_objects):
        where = f"objects[{index}]"
        if not isinstance(entry, dict):
            raise _fail(path, f"{where} is not an object")
        for key in ("id", "section", "type", "url", "content_hash"):
            _require_str(path, entry, where, key)
        if entry["id"] in objects:
            raise _fail(path, f"{where}.id {entry['id']!r} appears twice")
        objects[entry["id"]] = entry
    return Manifest(
        path=path,
        schema_version=int(version),
        site_url=str(data.get("site_url") or ""),
        actors=tuple(actors),
        objects=objects,
        language=str(data.get("language") or ""),
    )


def manifest_path(build_dir: Path) -> Path:
    return build_dir / MANIFEST_PATH
