"""The SSRF guard: real connections on loopback, refused unless private addresses are allowed."""

from __future__ import annotations

import contextlib
import ipaddress
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

import httpx
import pytest
import uvicorn

from federation_server.net import (
    BlockedAddressError,
    guarded_client,
    guarded_session,
    is_public_address,
)
from tests.conftest import free_port

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Any]


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp) -> Iterator[str]:
    """Run an ASGI app with uvicorn on an ephemeral loopback port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


async def _redirecting_app(scope: Scope, receive: Any, send: Any) -> None:
    """``/`` answers ``ok``; ``/go?<url>`` redirects there."""
    if scope["path"] == "/go":
        location = unquote_to_bytes(scope["query_string"])
        await send(
            {"type": "http.response.start", "status": 302, "headers": [(b"location", location)]}
        )
    else:
        await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with serve_in_thread(_redirecting_app) as url:
        yield url


async def test_loopback_is_refused_by_default(server_url):
    async with guarded_client() as client:
        with pytest.raises(BlockedAddressError):
            await client.get(server_url + "/")


async def test_a_name_resolving_to_loopback_is_refused(server_url):
    port = server_url.rsplit(":", 1)[1]
    async with guarded_client() as client:
        with pytest.raises(BlockedAddressError, match="localhost"):
            await client.get(f"http://localhost:{port}/")


async def test_loopback_is_reached_when_private_addresses_are_allowed(server_url):
    async with guarded_client(allow_private_addresses=True) as client:
        response = await client.get(server_url + "/")
    assert response.status_code == 200 and response.text == "ok"


async def test_every_redirect_hop_is_checked_again(server_url):
    """The first hop is permitted; the redirect to IPv6 loopback is refused before connecting."""
    only_this_loopback = ipaddress.ip_address("127.0.0.1")
    port = server_url.rsplit(":", 1)[1]
    async with guarded_client(is_permitted=lambda a: a == only_this_loopback) as client:
        assert (await client.get(server_url + "/")).status_code == 200
        with pytest.raises(BlockedAddressError, match="::1"):
            await client.get(f"{server_url}/go?http://[::1]:{port}/")


async def test_blocked_error_is_an_httpx_connect_error(server_url):
    async with guarded_client() as client:
        with pytest.raises(httpx.ConnectError):
            await client.post(server_url + "/", content=b"{}")


async def test_aiohttp_session_refuses_loopback_by_address_and_by_name(server_url):
    port = server_url.rsplit(":", 1)[1]
    async with guarded_session() as session:
        for url in (server_url + "/", f"http://localhost:{port}/"):
            with pytest.raises(BlockedAddressError):
                await session.get(url)


async def test_aiohttp_session_checks_redirect_hops(server_url):
    only_this_loopback = ipaddress.ip_address("127.0.0.1")
    port = server_url.rsplit(":", 1)[1]
    async with guarded_session(is_permitted=lambda a: a == only_this_loopback) as session:
        async with session.get(server_url + "/") as response:
            assert response.status == 200
        with pytest.raises(BlockedAddressError, match="::1"):
            await session.get(f"{server_url}/go?http://[::1]:{port}/")


async def test_aiohttp_session_reaches_loopback_when_allowed(server_url):
    async with (
        guarded_session(allow_private_addresses=True) as session,
        session.get(server_url + "/") as response,
    ):
        assert response.status == 200 and await response.text() == "ok"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.0.10", False),
        ("127.0.0.1", False),
        ("::1", False),
        ("169.254.169.254", False),
        ("fd00:ec2::254", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("100.64.0.1", False),
        ("224.0.0.251", False),
        ("ff02::1", False),
        ("0.0.0.0", False),
        ("::ffff:10.0.0.1", False),
        ("2002:a00:1::1", False),
    ],
)
def test_address_policy(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public
