"""draft-cavage-http-signatures-12, the scheme every fediverse server sends and verifies.

Signing follows what Mastodon expects of a delivery: ``rsa-sha256`` over
``(request-target) host date digest``. Verification accepts the signed header list in any
order, ``rsa-sha256`` and ``hs2019``, and the ``(created)``/``(expires)`` pseudo-headers.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from ._algorithms import RSA_V1_5_SHA256, PrivateKey, sign_bytes
from ._digest import check_digest, digest_header
from ._headers import HeadersInput, format_http_date, header_items, parse_http_date
from ._prepared import Prepared, Rejected
from ._target import RequestTarget

__all__ = ["parse_signature_header", "prepare_cavage", "sign_request"]

_PARAM = re.compile(
    r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,"\s]*))\s*(?:,|$)'
)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
SIGNED_HEADERS = ("(request-target)", "host", "date", "digest")


def sign_request(
    method: str,
    url: str,
    headers: HeadersInput,
    body: bytes | None,
    *,
    key_id: str,
    private_key: PrivateKey,
    clock: Callable[[], float] = time.time,
) -> dict[str, str]:
    """The request's headers plus ``Host``, ``Date``, ``Digest`` and ``Signature``.

    The signature covers ``(request-target) host date digest`` (``digest`` only when there is
    a body to protect: a GET signs ``(request-target) host date``), ``algorithm="rsa-sha256"``.
    """
    out = dict(header_items(headers))
    present = {name.lower(): name for name in out}
    target = RequestTarget.build(method, url, None)
    host = out[present["host"]] if "host" in present else urlsplit(url).netloc
    date = out[present["date"]] if "date" in present else format_http_date(clock())
    out.setdefault(present.get("host", "Host"), host)
    out.setdefault(present.get("date", "Date"), date)
    signed = {"host": host.strip(), "date": date.strip()}
    names: tuple[str, ...] = SIGNED_HEADERS
    if body or target.method in _BODY_METHODS:
        signed["digest"] = out[present.get("digest", "Digest")] = digest_header(body or b"")
    else:
        names = SIGNED_HEADERS[:3]
    signing_string = build_signing_string(list(names), target, signed, {})
    signature = sign_bytes(private_key, RSA_V1_5_SHA256, signing_string.encode("utf-8"))
    out["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode("ascii")}"'
    )
    return out


def parse_signature_header(value: str) -> dict[str, str] | None:
    """``keyId="…",algorithm="…",headers="…",signature="…"`` as a dict; ``None`` if malformed."""
    params: dict[str, str] = {}
    position = 0
    value = value.strip()
    while position < len(value):
        match = _PARAM.match(value, position)
        if match is None or match.end() == position:
            return None
        name, quoted, bare = match.groups()
        params[name] = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
        position = match.end()
    return params or None


def build_signing_string(
    names: list[str],
    target: RequestTarget,
    headers: Mapping[str, str],
    params: Mapping[str, str],
    *,
    with_query: bool = True,
) -> str:
    """Lines ``name: value`` in exactly the order of ``headers=``; KeyError when one is missing."""
    lines = []
    for name in names:
        if name == "(request-target)":
            path = target.origin_form if with_query else target.path
            lines.append(f"(request-target): {target.method.lower()} {path}")
        elif name in ("(created)", "(expires)"):
            lines.append(f"{name}: {params[name[1:-1]]}")
        else:
            lines.append(f"{name}: {headers[name]}")
    return "\n".join(lines)


def prepare_cavage(
    target: RequestTarget,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    max_skew: float,
) -> Prepared | Rejected:
    """Everything but the key: parse, enforce Mastodon's strength rules, check time and digest."""
    raw = headers.get("signature")
    if raw is None:
        authorization = headers.get("authorization", "")
        if not authorization.lower().startswith("signature "):
            return Rejected("request is not signed")
        raw = authorization[len("signature ") :]
    params = parse_signature_header(raw)
    if params is None:
        return Rejected("Signature header cannot be parsed")
    key_id, encoded = params.get("keyId"), params.get("signature")
    if not key_id or not encoded:
        return Rejected("Signature needs keyId and signature", key_id)
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in ("rsa-sha256", "hs2019"):
        return Rejected(f"unsupported algorithm {algorithm} (rsa-sha256 and hs2019 are)", key_id)
    default = "(created)" if algorithm == "hs2019" else "date"
    names = params.get("headers", default).lower().split()
    reason = _strength(names, target.method, algorithm)
    if reason:
        return Rejected(reason, key_id)
    try:
        signature = base64.b64decode(encoded, validate=True)
    except ValueError:
        return Rejected("signature is not valid base64", key_id)
    reason = _time_window(names, params, headers, now, max_skew)
    if reason:
        return Rejected(reason, key_id)
    if "digest" in names:
        if "digest" not in headers:
            return Rejected("Digest header is signed but missing", key_id)
        reason = check_digest(headers["digest"], body)
        if reason:
            return Rejected(reason, key_id)
    try:
        messages = [build_signing_string(names, target, headers, params)]
        if target.query and "(request-target)" in names:
            # Older Mastodon signed the path without its query string; it still accepts both.
            messages.append(build_signing_string(names, target, headers, params, with_query=False))
    except KeyError as missing:
        return Rejected(f"signed header {missing.args[0]} is missing", key_id)
    allowed = (RSA_V1_5_SHA256,) if algorithm == "rsa-sha256" else None
    return Prepared(
        scheme="draft-cavage",
        key_id=key_id,
        signature=signature,
        messages=tuple(m.encode("utf-8") for m in messages),
        algorithms=allowed,
        der_ecdsa=True,
    )


def _strength(names: list[str], method: str, algorithm: str) -> str | None:
    if "date" not in names and "(created)" not in names:
        return "date or (created) must be signed"
    if "(request-target)" not in names:
        return "(request-target) must be signed"
    if "host" not in names:
        return "host must be signed"
    if method in _BODY_METHODS and "digest" not in names:
        return f"digest must be signed on {method}"
    if algorithm != "hs2019" and ("(created)" in names or "(expires)" in names):
        return "(created) and (expires) are only defined for hs2019"
    return None


def _time_window(
    names: list[str],
    params: Mapping[str, str],
    headers: Mapping[str, str],
    now: float,
    max_skew: float,
) -> str | None:
    created: float | None = None
    for pseudo in ("(created)", "(expires)"):
        if pseudo in names and _timestamp(params.get(pseudo[1:-1])) is None:
            return f"{pseudo} is signed but its parameter is missing or not a Unix time"
    if "(created)" in names:
        created = _timestamp(params["created"])
    elif "date" in headers:
        parsed = parse_http_date(headers["date"])
        if parsed is None:
            return "Date header is not a date"
        created = parsed.timestamp()
    else:
        return "Date header is signed but missing"
    if created is None or abs(now - created) > max_skew:
        return "signature date is more than an hour off"
    if "expires" in params:
        expires = _timestamp(params["expires"])
        if expires is None:
            return "expires parameter is not a Unix time"
        if now > expires + max_skew:
            return "signature has expired"
    return None


#: draft-cavage-http-signatures-12 §2.1.4/§2.1.5: an integer Unix time (``expires`` may have a
#: fraction). ``float()`` would also take ``nan`` (no comparison with it ever fails, so such a
#: signature would never be too old), ``inf``, exponents and underscores.
_UNIX_TIME = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,9})?")


def _timestamp(value: str | None) -> float | None:
    """``value`` as a Unix time, or None unless it is plain decimal digits."""
    if value is None or _UNIX_TIME.fullmatch(value) is None:
        return None
    return float(value)
