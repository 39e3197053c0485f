"""The OpenAPI schema says what the server answers: for requests a client gets wrong, the
status and content type of the answer are the ones the schema documents for that operation
(what schemathesis's status-code and content-type checks look at); and a bounded
schemathesis run against a real server process finds no mismatch, on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.federation.processes import Instance
from tests.schemathesis_run import mismatches

AP = "application/activity+json"
WRONG = [
    ("GET", "/actors/nobody", "/actors/{name}"),
    ("GET", "/actors/nobody/outbox", "/actors/{name}/outbox"),
    ("GET", "/actors/blog/followers?page=0", "/actors/{name}/followers"),
    ("GET", "/actors/nobody/following", "/actors/{name}/following"),
    ("GET", "/actors/nobody/featured", "/actors/{name}/featured"),
    ("GET", "/objects/post:nothing", "/objects/{stable_id}"),
    ("GET", "/activities/nothing", "/activities/{token}"),
    ("GET", "/.well-known/webfinger", "/.well-known/webfinger"),
    (
        "GET",
        "/.well-known/webfinger?resource=acct:nobody@testserver.local",
        "/.well-known/webfinger",
    ),
    ("GET", "/.well-known/host-meta", "/.well-known/host-meta"),
    ("POST", "/actors/nobody/inbox", "/actors/{name}/inbox"),
    ("POST", "/inbox", "/inbox"),
]


async def test_each_answer_is_documented_for_its_operation(client: AsyncTestClient[Any]) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    for method, url, path in WRONG:
        answer = await client.request(method, url, headers={"Accept": AP}, content=b"{}")
        documented = schema["paths"][path][method.lower()]["responses"]
        status = str(answer.status_code)
        assert status in documented, (url, status, list(documented))
        media_type = answer.headers.get("content-type", "").split(";")[0]
        assert media_type in documented[status].get("content", {}), (url, status, media_type)


async def test_a_url_python_cannot_split_is_a_400_or_401_not_a_500(
    client: AsyncTestClient[Any],
) -> None:
    """``urlsplit("http://[")`` raises ValueError: as an actor or a keyId it answered 500."""
    body = b'{"type": "Follow", "actor": "http://[", "object": "http://x.example/o"}'
    answer = await client.post("/inbox", content=body, headers={"Content-Type": AP})
    assert answer.status_code == 400
    signed = {"Content-Type": AP, "Signature": 'keyId="http://[",signature="x"'}
    body = b'{"type": "Follow", "actor": "http://x.example/a", "object": "http://x.example/o"}'
    answer = await client.post("/inbox", content=body, headers=signed)
    assert answer.status_code == 401


async def test_the_document_says_what_an_inbox_takes(client: AsyncTestClient[Any]) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    inbox = schema["paths"]["/inbox"]["post"]["requestBody"]
    assert inbox["required"] is True and AP in inbox["content"]
    assert inbox["content"][AP]["schema"]["required"] == ["type", "actor", "object"]
    webfinger = schema["paths"]["/.well-known/webfinger"]["get"]["parameters"][0]
    assert webfinger["name"] == "resource" and webfinger["required"] is True


@pytest.mark.slow
def test_schemathesis_finds_no_mismatch(database_url: str, tmp_path: Path) -> None:
    server = Instance("blog", database_url, tmp_path / "federation.log")
    server.start()
    try:
        found, summary = mismatches(server.base, tmp_path / "report")
    finally:
        server.stop()
    assert found == [], summary
