"""RFC 9421 HTTP Message Signatures, as Mastodon 4.5+, Fedify and Ghost send them.

Structured fields are parsed and serialised with ``http_sf``. Requests must cover
``@method``, the target (``@target-uri``, or ``@authority``/``host`` with a path component),
``created``, and on POST a ``content-digest`` that matches the body (RFC 9530).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._algorithms import (
    ECDSA_P256_SHA256,
    ED25519,
    RSA_PSS_SHA512,
    RSA_V1_5_SHA256,
    PrivateKey,
    algorithms_for_key,
    sign_bytes,
)
from ._digest import check_content_digest, content_digest_header
from ._headers import HeadersInput, normalize_headers
from ._prepared import Prepared, Rejected
from ._structured import StructuredFieldError, parse_dictionary, serialize
from ._target import RequestTarget

__all__ = ["prepare_rfc9421", "sign_request_rfc9421", "signature_base"]

KNOWN_ALGORITHMS = frozenset({RSA_V1_5_SHA256, RSA_PSS_SHA512, ED25519, ECDSA_P256_SHA256})
DEFAULT_COMPONENTS = ("@method", "@target-uri", "@authority", "content-digest")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_PATH_COMPONENTS = frozenset({"@target-uri", "@request-target", "@path"})

Member = tuple[list[tuple[Any, dict[str, Any]]], dict[str, Any]]


class _BaseError(Exception):
    """A covered component cannot be rebuilt from this request."""


def signature_base(target: RequestTarget, headers: Mapping[str, str], member: Member) -> bytes:
    """The signature base (section 2.5) for one parsed ``Signature-Input`` member."""
    components, _params = member
    lines = []
    seen: set[str] = set()
    for name, component_params in components:
        if not isinstance(name, str):
            raise _BaseError("a component identifier must be a string")
        identifier = serialize((name, component_params))
        if identifier in seen:
            raise _BaseError(f"{name} is covered twice")
        seen.add(identifier)
        if component_params:
            raise _BaseError(f"component parameters on {name} are not supported")
        lines.append(f"{identifier}: {_component_value(name, target, headers)}")
    lines.append(f'"@signature-params": {serialize([member])}')
    return "\n".join(lines).encode("utf-8")


def _component_value(name: str, target: RequestTarget, headers: Mapping[str, str]) -> str:
    derived = {
        "@method": target.method,
        "@target-uri": target.uri,
        "@authority": target.authority,
        "@scheme": target.scheme,
        "@request-target": target.origin_form,
        "@path": target.path,
        "@query": f"?{target.query}",
    }
    if name in derived:
        return derived[name]
    if name.startswith("@"):
        raise _BaseError(f"derived component {name} is not supported")
    if name != name.lower():
        raise _BaseError(f"field name {name} must be lower case")
    if name not in headers:
        raise _BaseError(f"covered field {name} is missing")
    return headers[name]


def sign_request_rfc9421(
    method: str,
    url: str,
    headers: HeadersInput,
    body: bytes | None,
    *,
    key_id: str,
    private_key: PrivateKey,
    components: Sequence[str] = DEFAULT_COMPONENTS,
    label: str = "sig1",
    alg: str | None = None,
    expires_in: int | None = None,
    clock: Callable[[], float] = time.time,
) -> dict[str, str]:
    """The request's headers plus ``Content-Digest``, ``Signature-Input`` and ``Signature``.

    ``content-digest`` is dropped from ``components`` when there is no body to protect.
    Without ``alg`` the key decides (``rsa-v1_5-sha256`` for RSA, as Mastodon wants) and the
    parameter is left out, as Fedify and Mastodon leave it out.
    """
    out = dict(headers.items()) if isinstance(headers, Mapping) else dict(headers)
    method = method.upper()
    if body or method in _BODY_METHODS:
        out["Content-Digest"] = content_digest_header(body or b"")
    else:
        components = [c for c in components if c != "content-digest"]
    created = int(clock())
    params: dict[str, Any] = {"created": created, "keyid": key_id}
    if expires_in is not None:
        params["expires"] = created + expires_in
    if alg is not None:
        params["alg"] = alg
    member: Member = ([(c, {}) for c in components], params)
    target = RequestTarget.build(method, url, None)
    base = signature_base(target, normalize_headers(out), member)
    algorithm = alg or algorithms_for_key(private_key)[0]
    signature = sign_bytes(private_key, algorithm, base)
    out["Signature-Input"] = serialize({label: member})
    out["Signature"] = serialize({label: signature})
    return out


def prepare_rfc9421(
    target: RequestTarget,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    max_skew: float,
) -> Prepared | Rejected:
    """Everything but the key: parse, require the components that matter, check time and digest."""
    try:
        inputs = parse_dictionary(headers["signature-input"])
        signatures = parse_dictionary(headers.get("signature", ""))
    except (StructuredFieldError, ValueError, UnicodeEncodeError):
        return Rejected("Signature-Input or Signature is not a structured-field dictionary")
    label = next((name for name in inputs if name in signatures), None)
    if label is None:
        return Rejected("no Signature-Input label has a matching Signature")
    member = inputs[label]
    signature = signatures[label][0]
    if not isinstance(member[0], list) or not isinstance(signature, bytes):
        return Rejected(f"signature {label} is malformed")
    params = member[1]
    key_id = params.get("keyid")
    if not isinstance(key_id, str) or not key_id:
        return Rejected("keyid parameter is required")
    covered = [name for name, _ in member[0] if isinstance(name, str)]
    reason = _strength(covered, params, target.method)
    if reason:
        return Rejected(reason, key_id)
    created = params["created"]
    if abs(now - created) > max_skew:
        return Rejected("signature created time is more than an hour off", key_id)
    expires = params.get("expires")
    if isinstance(expires, int | float) and now > expires + max_skew:
        return Rejected("signature has expired", key_id)
    if "content-digest" in covered:
        if "content-digest" not in headers:
            return Rejected("Content-Digest is covered but missing", key_id)
        reason = check_content_digest(headers["content-digest"], body)
        if reason:
            return Rejected(reason, key_id)
    alg = params.get("alg")
    if alg is not None and str(alg) not in KNOWN_ALGORITHMS:
        return Rejected(f"unsupported alg {alg}", key_id)
    try:
        base = signature_base(target, headers, member)
    except _BaseError as error:
        return Rejected(str(error), key_id)
    return Prepared(
        scheme="rfc9421",
        key_id=key_id,
        signature=signature,
        messages=(base,),
        algorithms=(str(alg),) if alg is not None else None,
    )


def _strength(covered: list[str], params: Mapping[str, Any], method: str) -> str | None:
    if not isinstance(params.get("created"), int):
        return "created parameter is required"
    if "@method" not in covered:
        return "@method must be covered"
    if "@target-uri" not in covered:
        has_authority = "@authority" in covered or "host" in covered
        if not (has_authority and _PATH_COMPONENTS.intersection(covered)):
            return "@target-uri (or @authority and @path) must be covered"
    if method in _BODY_METHODS and "content-digest" not in covered:
        return f"content-digest must be covered on {method}"
    return None
