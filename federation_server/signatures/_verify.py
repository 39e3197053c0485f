"""One entry point for incoming requests: pick the scheme, fetch the key, decide.

The verifier knows nothing about storage or the web: the caller passes ``key_lookup``, an
async callable ``(key_id, *, refresh) -> PublicKeyInfo | None``. When a signature does not
verify with the key it returned, the lookup is asked once more with ``refresh=True``, because
the remote actor may have rotated its key since we cached it (Mastodon and Fedify do the same).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from ._algorithms import algorithms_for_key, load_public_key, verify_bytes
from ._cavage import prepare_cavage
from ._headers import HeadersInput, normalize_headers
from ._prepared import Prepared, Rejected
from ._rfc9421 import prepare_rfc9421
from ._target import RequestTarget

__all__ = ["KeyLookup", "PublicKeyInfo", "Verdict", "verify_request"]

#: How far ``Date``/``created`` may be from our clock, either way.
MAX_SKEW_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class PublicKeyInfo:
    """A remote actor's public key and the actor that owns it."""

    pem: str
    owner: str


class KeyLookup(Protocol):
    """Finds the key for a ``keyId``; ``refresh=True`` bypasses any cache."""

    def __call__(self, key_id: str, *, refresh: bool) -> Awaitable[PublicKeyInfo | None]: ...


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome: ``ok`` with the signer's ``key_id`` and ``owner``, or the ``reason`` why not."""

    ok: bool
    reason: str
    key_id: str | None = None
    owner: str | None = None
    scheme: str | None = None

    @property
    def actor(self) -> str | None:
        """The actor that signed (the key's owner), only when the signature verified."""
        return self.owner if self.ok else None


async def verify_request(
    method: str,
    url_or_path: str,
    headers: HeadersInput,
    body: bytes | None,
    *,
    key_lookup: KeyLookup | Callable[..., Awaitable[PublicKeyInfo | None]],
    clock: Callable[[], float] = time.time,
    max_skew: float = MAX_SKEW_SECONDS,
    default_scheme: str = "https",
) -> Verdict:
    """Verify a draft-cavage or RFC 9421 signature on a request.

    ``url_or_path`` is the absolute URL the request was sent to, or its path and query (then
    ``Host`` and ``default_scheme`` give the rest). RFC 9421 is used when ``Signature-Input``
    is present, as Mastodon does.
    """
    values = normalize_headers(headers)
    target = RequestTarget.build(method, url_or_path, values.get("host"), default_scheme)
    body = body or b""
    now = clock()
    if "signature-input" in values:
        prepared = prepare_rfc9421(target, values, body, now=now, max_skew=max_skew)
    else:
        prepared = prepare_cavage(target, values, body, now=now, max_skew=max_skew)
    if isinstance(prepared, Rejected):
        return Verdict(ok=False, reason=prepared.reason, key_id=prepared.key_id)
    return await _check_with_key(prepared, key_lookup)


async def _check_with_key(prepared: Prepared, key_lookup: Callable[..., Awaitable]) -> Verdict:
    reason = "no key"
    for refresh in (False, True):
        try:
            info = await key_lookup(prepared.key_id, refresh=refresh)
        except Exception as error:  # a remote fetch failing must become a 401, never a 500
            reason = f"key {prepared.key_id} could not be fetched: {type(error).__name__}"
            continue
        if info is None:
            reason = f"key {prepared.key_id} not found"
            continue
        key = load_public_key(info.pem)
        if key is None:
            reason = f"key {prepared.key_id} is not a usable public key"
            continue
        if _matches(prepared, key):
            return Verdict(
                ok=True,
                reason="verified",
                key_id=prepared.key_id,
                owner=info.owner,
                scheme=prepared.scheme,
            )
        reason = "signature does not verify"
    return Verdict(ok=False, reason=reason, key_id=prepared.key_id, scheme=prepared.scheme)


def _matches(prepared: Prepared, key: object) -> bool:
    usable = algorithms_for_key(key)  # type: ignore[arg-type]
    algorithms = [a for a in (prepared.algorithms or usable) if a in usable]
    return any(
        verify_bytes(key, algorithm, message, prepared.signature, der_ecdsa=prepared.der_ecdsa)  # type: ignore[arg-type]
        for algorithm in algorithms
        for message in prepared.messages
    )
