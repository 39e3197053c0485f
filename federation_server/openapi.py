"""The federation server's OpenAPI document, completed with what its handlers cannot declare
(see :mod:`server_kernel.openapi`):

- WebFinger's ``resource`` is required (the handler answers 400 without it);
- the inboxes take an ActivityStreams activity as JSON (they read the raw body, so the
  signature's digest covers exactly what was sent, and declare no ``data``): an object with
  a ``type``, an ``actor`` URL and an ``object`` (a URL or an object with an ``id``), in any
  of the media types peers send.
"""

from __future__ import annotations

from typing import Any

from federation_server.activitypub.jsonld import AP_CONTENT_TYPE
from server_kernel.openapi import CompletedOpenAPI, operations

__all__ = ["completed_openapi"]

INBOXES = ("/inbox", "/actors/{name}/inbox")
INBOX_MEDIA_TYPES = (
    AP_CONTENT_TYPE,
    'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
    "application/json",
)
_LINK = {"type": "string", "pattern": r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/\S*)?$"}
#: ``acct:user@host`` (or ``user@host``) or an actor URL, else the handler answers 400.
_RESOURCE = r"^((acct:)?@?[^@\s]+@[A-Za-z0-9.-]+|https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/\S*)?)$"
ACTIVITY = {
    "type": "object",
    "required": ["type", "actor", "object"],
    "properties": {
        "type": {"type": "string", "minLength": 1},
        "actor": _LINK,
        "object": {
            "oneOf": [
                _LINK,
                {"type": "object", "required": ["id"], "properties": {"id": _LINK}},
            ]
        },
    },
}


def completed_openapi() -> CompletedOpenAPI:
    """The ``/schema/openapi.json`` render plugin of the federation server."""
    return CompletedOpenAPI(complete)


def complete(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        if path == "/.well-known/webfinger":
            for parameter in operation.get("parameters", ()):
                if parameter["name"] == "resource":
                    parameter["required"] = True
                    parameter["schema"] = {"type": "string", "pattern": _RESOURCE}
        if path in INBOXES and method == "post":
            operation["requestBody"] = {
                "required": True,
                "content": {m: {"schema": ACTIVITY} for m in INBOX_MEDIA_TYPES},
            }
