"""The readers of the build's manifests (docs/manifests.md): for any document, a value or the
reader's own error naming the field (never another exception, never a hang)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from commerce_api.domain.catalog import CatalogError, load_catalog_file
from federation_server.errors import ManifestError
from federation_server.manifest import load_manifest
from manifest_contract.catalog import ContractError, decode_catalog
from tests.commerce import catalogs
from tests.federation.fixtures import event, manifest, post, product
from tests.fuzz.bounds import bounded, no_hang
from tests.fuzz.strategies import broken, json_values, nested

CATALOG = catalogs.sample()
ACTIVITY = manifest([post("a"), event(), product()], [{"name": "blog", "display_name": "Blog"}])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-manifests")


def as_bytes(document: object) -> bytes:
    return json.dumps(document).encode()


raw_documents = st.one_of(
    st.binary(max_size=200),
    json_values.map(as_bytes),
)


@bounded
@given(st.one_of(broken(CATALOG), json_values))
def test_the_catalogue_contract(document: object) -> None:
    with no_hang(document):
        try:
            decode_catalog(document)
        except ContractError as error:
            assert error.field and error.message


@bounded
@given(st.one_of(broken(CATALOG).map(as_bytes), raw_documents))
@example(nested(100_000))
@example(b"\xff\xfe")
def test_the_shop_reads_catalog_json(scratch: Path, raw: bytes) -> None:
    path = scratch / "catalog.json"
    path.write_bytes(raw)
    with no_hang(raw[:200]):
        try:
            load_catalog_file(path)
        except CatalogError as error:
            assert error.field and str(error)


@bounded
@given(st.one_of(broken(ACTIVITY).map(as_bytes), raw_documents))
@example(nested(100_000))
@example(b"\xff\xfe")
def test_the_federation_server_reads_activitystreams_json(scratch: Path, raw: bytes) -> None:
    path = scratch / "activitystreams.json"
    path.write_bytes(raw)
    with no_hang(raw[:200]):
        try:
            load_manifest(path)
        except ManifestError as error:
            assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
