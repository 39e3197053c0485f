"""docs/manifests.md is checked against the contract's structs (``manifest_contract``).

Each JSON example in the document must decode through its struct, may name only fields the
struct has, and every field of every struct must be named in the document: a field added to
the code and not to the prose (or the reverse) fails here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
import pytest

from manifest_contract.activitystreams import ActivityStreams, decode_activitystreams
from manifest_contract.catalog import Catalog, decode_catalog
from tests.conftest import REPO_ROOT

DOC = (REPO_ROOT / "docs" / "manifests.md").read_text(encoding="utf-8")
A_HASH = "sha256:" + "0" * 64


def _example(heading: str) -> dict[str, Any]:
    """The first ```json block under the ``## `build/_data/<heading>` `` section."""
    section = DOC.split(f"## `build/_data/{heading}`", 1)[1]
    block = re.search(r"```json\n(.*?)\n```", section, re.DOTALL)
    assert block, f"docs/manifests.md: no JSON example for {heading}"
    return json.loads(block[1].replace('"sha256:..."', json.dumps(A_HASH)))


def _struct_types(annotation: Any) -> list[type[msgspec.Struct]]:
    """The struct classes a field's type can hold (through list, Optional, unions)."""
    info = msgspec.inspect.type_info(annotation)
    found: list[type[msgspec.Struct]] = []

    def walk(t: msgspec.inspect.Type) -> None:
        if isinstance(t, msgspec.inspect.StructType):
            found.append(t.cls)
        elif isinstance(t, msgspec.inspect.UnionType):
            for member in t.types:
                walk(member)
        elif isinstance(t, msgspec.inspect.ListType):
            walk(t.item_type)

    walk(info)
    return found


def _fields(struct: type[msgspec.Struct]) -> dict[str, Any]:
    return {f.encode_name: f.type for f in msgspec.structs.fields(struct)}


def _unknown_keys(value: Any, struct: type[msgspec.Struct], where: str) -> list[str]:
    """Keys in ``value`` that ``struct`` (or the structs inside it) does not have."""
    fields = _fields(struct)
    tag_field = struct.__struct_config__.tag_field
    unknown = []
    for key, item in value.items():
        if key == tag_field:
            continue
        if key not in fields:
            unknown.append(f"{where}.{key}")
            continue
        inner = _struct_types(fields[key])
        items = item if isinstance(item, list) else [item]
        for index, element in enumerate(items):
            if not isinstance(element, dict):
                continue
            tag = element.get(inner[0].__struct_config__.tag_field) if inner else None
            matches = [s for s in inner if s.__struct_config__.tag in (None, tag)]
            if matches:
                unknown += _unknown_keys(element, matches[0], f"{where}.{key}[{index}]")
    return unknown


def _all_structs(root: type[msgspec.Struct]) -> set[type[msgspec.Struct]]:
    seen: set[type[msgspec.Struct]] = set()
    pending = [root]
    while pending:
        struct = pending.pop()
        if struct in seen:
            continue
        seen.add(struct)
        for annotation in _fields(struct).values():
            pending += _struct_types(annotation)
    return seen


CASES = [
    ("catalog.json", Catalog, decode_catalog),
    ("activitystreams.json", ActivityStreams, decode_activitystreams),
]


@pytest.mark.parametrize(("name", "root", "decode"), CASES, ids=[c[0] for c in CASES])
def test_the_documented_example_decodes_through_the_contract(name, root, decode) -> None:
    example = _example(name)
    decode(example)
    assert _unknown_keys(example, root, "$") == [], "documented fields the contract lacks"


@pytest.mark.parametrize(("name", "root", "decode"), CASES, ids=[c[0] for c in CASES])
def test_every_field_of_the_contract_is_documented(name, root, decode) -> None:
    section = DOC.split(f"## `build/_data/{name}`", 1)[1].split("\n## ", 1)[0]
    undocumented = sorted(
        f"{struct.__name__}.{field}"
        for struct in _all_structs(root)
        for field in _fields(struct)
        if f'"{field}"' not in section and f"`{field}`" not in section
    )
    assert undocumented == [], "fields in manifest_contract that docs/manifests.md never names"


def test_an_undocumented_field_would_be_caught() -> None:
    # The check itself: a key the structs do not have is reported with its path.
    example = _example("activitystreams.json")
    example["objects"][0]["colour"] = "red"
    assert _unknown_keys(example, ActivityStreams, "$") == ["$.objects[0].colour"]
