"""The shop API's OpenAPI document, completed with what every operation answers besides what
its handler declares (see :mod:`server_kernel.openapi`):

- 400 for a malformed parameter or body, 413 for a body over ``MAX_BODY_BYTES``;
- 403 and 415 on every state-changing request (the app-wide ``same_site_cookies`` guard);
- 503 ``database-unavailable`` with ``Retry-After`` while the database is away;
- errors in the media type the server really sends: problem+json, except the HTML shop pages,
  whose errors are pages too (Litestar documents its own 400 as plain JSON);
- a redirect's empty ``text/plain`` body (Litestar's ``Redirect``), and 304 where a client
  may send ``If-None-Match``;
- the forms handlers read themselves (HTML forms, OAuth's form-encoded endpoints);
- the formats of tokens, keys, emails and passwords, which the services check (a value of the
  right form that names nothing is a 404, not a 400), so a client and a fuzzer send real ones.

The OAuth endpoints keep the RFC 6749 JSON errors their handlers declare.
"""

from __future__ import annotations

from typing import Any

from commerce_api.csrf import CSRF_FIELD
from commerce_api.domain.cart import MAX_QUANTITY
from commerce_api.domain.identity import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from commerce_api.tokens import TOKEN_PATTERN
from server_kernel.openapi import CompletedOpenAPI, operations, response

__all__ = ["HTML_PAGES_TAG", "completed_openapi"]

PROBLEM = "application/problem+json"
HTML = "text/html"
HTML_PAGES_TAG = "shop pages (HTML)"
_PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
_COMMON = {
    "400": "Malformed request: a parameter, header, cookie or body is not what it takes",
    "403": "Refused: a cookie-carrying request from another site's page",
    "413": "Request body too large",
    "415": "Unsupported media type: send JSON (or the form this operation takes)",
    "503": "The database (or SumUp) is briefly unavailable: retry after Retry-After seconds",
}

_TOKEN = {"pattern": TOKEN_PATTERN}
#: ``(in, name)`` of a parameter -> what its schema gains (and ``required``).
_PARAMETERS: dict[tuple[str, str], dict[str, Any]] = {
    ("path", "order_token"): _TOKEN,
    ("path", "code"): _TOKEN,
    ("header", "X-Cart-Token"): _TOKEN,
    ("cookie", "ra_cart"): _TOKEN,
    ("cookie", "ra_last_order"): _TOKEN,
    # check_idempotency_key: 1-200 printable characters, and checkout needs one (400 without)
    ("header", "Idempotency-Key"): {"pattern": "^[!-~]{1,200}$", "required": True},
    ("query", "s"): {"pattern": "^[0-9]{1,18}$", "required": True},
    ("query", "sig"): {"pattern": "^[A-Za-z0-9_-]{43}$", "required": True},  # accounts.tokens.sign
}
_PASSWORD = {"minLength": MIN_PASSWORD_LENGTH, "maxLength": MAX_PASSWORD_LENGTH}
_EMAIL = {"format": "email", "maxLength": 320}
_QUANTITY = {"minimum": 1, "maximum": MAX_QUANTITY}
#: ``component schema`` -> ``property`` -> what its schema gains.
_PROPERTIES: dict[str, dict[str, dict[str, Any]]] = {
    "ConfirmBody": {"token": _TOKEN},
    "TokenBody": {"token": _TOKEN},
    "NewPassword": {"token": _TOKEN, "password": _PASSWORD},
    "Register": {"email": _EMAIL, "password": _PASSWORD},
    "Credentials": {"email": _EMAIL},
    "SubscribeBody": {"email": _EMAIL},
    "CheckoutRequest": {"email": _EMAIL},
    "BookingRequest": {"email": _EMAIL},
    "AddToCart": {"quantity": _QUANTITY},
    "ChangeQuantity": {"quantity": _QUANTITY},
}


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_TEXT = {"type": "string", "minLength": 1}


def _form(required: tuple[str, ...], **fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": fields}


_LINE = {"item_id": _TEXT, "quantity": {"type": "integer", **_QUANTITY}}
#: csrf.csrf_token: the signing tag (base64url of an HMAC-SHA256)
_CSRF = {CSRF_FIELD: {"type": "string", "pattern": "^[A-Za-z0-9_-]{43}$"}}
#: The forms handlers read themselves (a ``before_request`` hook or ``request.form()``):
#: ``(method, path)`` -> (the form, whether the answer is then a page, not JSON).
_FORMS: dict[tuple[str, str], tuple[dict[str, Any], bool]] = {
    ("post", "/cart/items"): (_form(("item_id",), **_LINE), True),
    ("post", "/newsletters/{newsletter_id}/subscribe"): (_form(("email",), email=_EMAIL), True),
    ("post", "/cart/view/quantity"): (
        _form(("item_id", "quantity", CSRF_FIELD), **_LINE, **_CSRF),
        True,
    ),
    ("post", "/cart/view/remove"): (_form(("item_id", CSRF_FIELD), item_id=_TEXT, **_CSRF), True),
    ("post", "/cart/view/checkout"): (
        _form(
            (CSRF_FIELD, "idempotency_key"),
            **_CSRF,
            idempotency_key={"type": "string", "pattern": "^[!-~]{1,200}$"},
            email=_EMAIL,
        ),
        True,
    ),
    ("post", "/oauth/token"): (
        _form(
            ("grant_type",),
            grant_type={"enum": ["authorization_code", "refresh_token", "client_credentials"]},
            code=_TEXT,
            redirect_uri=_TEXT,
            code_verifier=_TEXT,
            refresh_token=_TEXT,
            client_id=_TEXT,
            client_secret=_TEXT,
            scope=_TEXT,
        ),
        False,
    ),
    ("post", "/oauth/revoke"): (_form(("token",), token=_TEXT, token_type_hint=_TEXT), False),
    ("post", "/oauth/introspect"): (_form(("token",), token=_TEXT), False),
}


def completed_openapi() -> CompletedOpenAPI:
    """The ``/schema/openapi.json`` render plugin of the shop API."""
    return CompletedOpenAPI(complete)


def complete(document: dict[str, Any]) -> None:
    _formats(document)
    _forms(document)
    for _, method, operation in operations(document):
        pages = HTML_PAGES_TAG in operation.get("tags", ())
        oauth = "oauth" in operation.get("tags", ())
        errors: tuple[str, ...] = (HTML,) if pages else (PROBLEM,)
        responses = operation.setdefault("responses", {})
        for status, answer in responses.items():
            documented = set(answer.get("content", {}))
            if documented == {"application/json"} and (pages or (status >= "400" and not oauth)):
                media = (HTML,) if pages else errors
                answer["content"] = {m: {"schema": _schema(m)} for m in media}
        for status, answer in responses.items():
            if status.startswith("3") and status != "304":
                answer["content"] = {"text/plain": {"schema": {"type": "string", "maxLength": 0}}}
        if any(p["name"] == "If-None-Match" for p in operation.get("parameters", ())):
            responses.setdefault("304", {"description": "Not modified: the ETag still matches"})
        common: list[str] = ["503"]
        if operation.get("parameters") or "requestBody" in operation:
            common.append("400")
        if "requestBody" in operation:
            common.append("413")
        if method in ("post", "put", "patch", "delete"):
            common += ["403", "415"]
        for status in common:
            media = (PROBLEM, HTML) if pages and status == "503" else errors
            _answer(responses, status, media)


def _schema(media_type: str) -> dict[str, Any]:
    return {"type": "string"} if media_type == HTML else _PROBLEM_SCHEMA


def _answer(responses: dict[str, Any], status: str, media_types: tuple[str, ...]) -> None:
    """``status`` documented with at least ``media_types``."""
    answer = responses.setdefault(status, response(_COMMON[status], ()))
    content = answer.setdefault("content", {})
    for media_type in media_types:
        content.setdefault(media_type, {"schema": _schema(media_type)})


def _formats(document: dict[str, Any]) -> None:
    for _, _, operation in operations(document):
        for parameter in operation.get("parameters", ()):
            _not_null(parameter)
            extra = dict(_PARAMETERS.get((parameter["in"], parameter["name"]), {}))
            if extra.pop("required", False):
                parameter["required"] = True
            if extra:
                _constrain(parameter.setdefault("schema", {}), extra)
    schemas = document.get("components", {}).get("schemas", {})
    for name, properties in _PROPERTIES.items():
        for prop, extra in properties.items():
            _constrain(schemas[name]["properties"][prop], extra)


def _constrain(schema: dict[str, Any], extra: dict[str, Any]) -> None:
    """``extra`` on the string branch of ``schema`` (``str | None`` is a ``oneOf``)."""
    branches = schema.get("oneOf") or schema.get("anyOf") or [schema]
    for branch in branches:
        if branch.get("type") == "string" or branch is schema:
            branch.update(extra)


def _not_null(parameter: dict[str, Any]) -> None:
    """A header, cookie or query parameter is absent or a string, never JSON ``null``: Litestar
    writes ``str | None`` as ``oneOf [string, null]``, and a client sent the text "null"."""
    schema = parameter.get("schema", {})
    branches = schema.get("oneOf")
    if not branches:
        return
    kept = [b for b in branches if b.get("type") != "null"]
    if len(kept) == 1 and len(kept) < len(branches):
        rest = {k: v for k, v in schema.items() if k != "oneOf"}
        parameter["schema"] = {**kept[0], **rest}


def _forms(document: dict[str, Any]) -> None:
    """Each form an operation reads, beside its JSON body if it has one; a form answered with
    a page documents that page for the 2xx/3xx/4xx it can be (``web.add_from_form``, the
    newsletter form: a 303 or a "check your inbox" page, errors as pages)."""
    for path, method, operation in operations(document):
        found = _FORMS.get((method, path))
        if found is None:
            continue
        form, pages = found
        body = operation.setdefault("requestBody", {"required": True, "content": {}})
        for media_type in _FORM_TYPES if pages else _FORM_TYPES[:1]:  # OAuth: RFC 6749 §4
            body["content"][media_type] = {"schema": form}
        if not pages or HTML_PAGES_TAG in operation.get("tags", ()):
            continue
        responses = operation["responses"]
        for status, answer in responses.items():
            if status.startswith("4"):
                answer.setdefault("content", {}).setdefault(HTML, {"schema": _schema(HTML)})
        if path == "/cart/items":
            responses.setdefault("303", response("To the HTML cart page", ("text/plain",)))
        else:
            responses.setdefault("200", response("A page", ()))
            responses["200"].setdefault("content", {})[HTML] = {"schema": _schema(HTML)}
