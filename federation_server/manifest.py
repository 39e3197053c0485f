"""Reading ``build/_data/activitystreams.json`` (the contract in docs/manifests.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from federation_server.errors import ManifestError
from manifest_contract.activitystreams import Actor, decode_activitystreams
from manifest_contract.catalog import ContractError

MANIFEST_PATH = Path("_data") / "activitystreams.json"


@dataclass(frozen=True)
class Manifest:
    path: Path
    schema_version: int
    site_url: str
    #: As the contract's structs (manifest_contract.activitystreams.Actor).
    actors: tuple[Actor, ...]
    #: Entries exactly as the build wrote them, keyed by stable id (in manifest order).
    objects: dict[str, dict[str, Any]]
    #: The site's language (BCP 47), e.g. ``en``; empty when the build did not say.
    language: str = ""


def _fail(path: Path, message: str) -> ManifestError:
    return ManifestError(f"{path}: {message}")


def load_manifest(path: Path) -> Manifest:
    """Parse and check the manifest against the contract (``manifest_contract``); any problem
    is one line naming the file and the field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(path, "file not found (run `make build` first)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(path, f"not readable JSON ({exc})") from None
    except RecursionError:
        raise _fail(path, "nested too deeply to be a manifest") from None
    try:
        checked = decode_activitystreams(data)
    except ContractError as exc:
        raise _fail(path, " ".join(str(exc).split())) from None
    # The objects are kept as the build wrote them: they are published field by field, and
    # fields a later build adds pass through to the hash without this server knowing them.
    return Manifest(
        path=path,
        schema_version=checked.schema_version,
        site_url=checked.site_url,
        actors=tuple(checked.actors),
        objects={entry["id"]: entry for entry in data["objects"]},
        language=checked.language,
    )


def manifest_path(build_dir: Path) -> Path:
    return build_dir / MANIFEST_PATH
