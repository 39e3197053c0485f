"""Body digests: ``Digest`` (RFC 3230, draft-cavage) and ``Content-Digest`` (RFC 9530)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from ._structured import StructuredFieldError, parse_dictionary, serialize

__all__ = [
    "check_content_digest",
    "check_digest",
    "content_digest_header",
    "digest_header",
]

_HASHES = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


def digest_header(body: bytes) -> str:
    """``Digest: SHA-256=<base64>`` exactly as Mastodon sends and expects it."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def content_digest_header(body: bytes) -> str:
    """``Content-Digest: sha-256=:<base64>:`` (an RFC 8941 dictionary)."""
    return serialize({"sha-256": hashlib.sha256(body).digest()})


def check_digest(value: str, body: bytes) -> str | None:
    """Check a ``Digest`` header against the body; the reason it fails, or ``None``."""
    offered: dict[str, str] = {}
    for part in value.split(","):
        name, sep, encoded = part.strip().partition("=")
        if sep:
            offered[name.strip().lower()] = encoded.strip()
    for algorithm in ("sha-256", "sha-512"):
        if algorithm in offered:
            try:
                received = base64.b64decode(offered[algorithm], validate=True)
            except ValueError:
                return f"Digest {algorithm} is not valid base64"
            if hmac.compare_digest(received, _HASHES[algorithm](body).digest()):
                return None
            return f"Digest {algorithm} does not match the body"
    return "Digest offers neither SHA-256 nor SHA-512"


def check_content_digest(value: str, body: bytes) -> str | None:
    """Check an RFC 9530 ``Content-Digest`` dictionary; the reason it fails, or ``None``."""
    try:
        offered = parse_dictionary(value)
    except (StructuredFieldError, ValueError):
        return "Content-Digest is not a structured-field dictionary"
    checked = False
    for algorithm, hasher in _HASHES.items():
        if algorithm not in offered:
            continue
        received = offered[algorithm][0]
        if not isinstance(received, bytes):
            return f"Content-Digest {algorithm} is not a byte sequence"
        if not hmac.compare_digest(received, hasher(body).digest()):
            return f"Content-Digest {algorithm} does not match the body"
        checked = True
    return None if checked else "Content-Digest offers neither sha-256 nor sha-512"
