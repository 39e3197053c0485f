"""Signing outgoing requests: an ``httpx.Auth`` that adds a signature to every request."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from typing import Literal

import httpx

from ._algorithms import PrivateKey
from ._cavage import sign_request
from ._rfc9421 import sign_request_rfc9421

__all__ = ["HTTPSignatureAuth"]


class HTTPSignatureAuth(httpx.Auth):
    """Sign each request with an actor's key (draft-cavage unless told ``rfc9421``)."""

    requires_request_body = True

    def __init__(
        self,
        key_id: str,
        private_key: PrivateKey,
        *,
        scheme: Literal["draft-cavage", "rfc9421"] = "draft-cavage",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key_id = key_id
        self.private_key = private_key
        self.scheme = scheme
        self.clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sign = sign_request_rfc9421 if self.scheme == "rfc9421" else sign_request
        signed = sign(
            request.method,
            str(request.url),
            request.headers,
            request.content,
            key_id=self.key_id,
            private_key=self.private_key,
            clock=self.clock,
        )
        for name, value in signed.items():
            request.headers[name] = value
        yield request
