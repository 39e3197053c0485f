"""How the worker POSTs: one small interface, an aiohttp sender (fast) and an httpx one.

Transport errors are translated here, once, into ``SendError``: ``permanent`` when retrying
cannot help (the SSRF guard refused the address), otherwise a retry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import aiohttp
import httpx

from federation_server.net import BlockedAddressError

__all__ = ["AiohttpSender", "HttpxSender", "SendError", "SendResult", "Sender"]


#: How much of an answer is kept for the log and ``status`` (enough for an error message).
BODY_START = 200


@dataclass(frozen=True, slots=True)
class SendResult:
    status: int
    retry_after: str | None = None
    #: The first ``BODY_START`` bytes of the answer (a refusal usually says why).
    body_start: bytes = b""


class SendError(Exception):
    """No response: a network error, a timeout or a refused address."""

    def __init__(self, message: str, *, permanent: bool = False, local: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        #: Our own policy refused (not the remote host's fault).
        self.local = local


class Sender(Protocol):
    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> SendResult: ...

    async def aclose(self) -> None: ...


class AiohttpSender:
    """POST through an (SSRF-guarded) ``aiohttp.ClientSession``; redirects are not followed."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> SendResult:
        try:
            async with self.session.post(
                url, data=body, headers=headers, allow_redirects=False
            ) as response:
                body = await response.read()
                return SendResult(
                    response.status, response.headers.get("Retry-After"), body[:BODY_START]
                )
        except BlockedAddressError as error:
            raise SendError(str(error), permanent=True, local=True) from error
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise SendError(f"{type(error).__name__}: {error}") from error

    async def aclose(self) -> None:
        await self.session.close()


class HttpxSender:
    """POST through an ``httpx.AsyncClient`` (e.g. ``federation_server.net.guarded_client``)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> SendResult:
        try:
            response = await self.client.post(
                url, content=body, headers=dict(headers), follow_redirects=False
            )
        except BlockedAddressError as error:
            raise SendError(str(error), permanent=True, local=True) from error
        except httpx.HTTPError as error:
            raise SendError(f"{type(error).__name__}: {error}") from error
        return SendResult(
            response.status_code, response.headers.get("retry-after"), response.content[:BODY_START]
        )

    async def aclose(self) -> None:
        await self.client.aclose()
