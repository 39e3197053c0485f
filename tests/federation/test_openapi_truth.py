"""The OpenAPI schema says what the server answers: for requests a client gets wrong, the
status and content type of the answer are the ones the schema documents for that operation
(what schemathesis's status-code and content-type checks look at)."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

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
