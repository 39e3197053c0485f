"""Test helpers: manifests exactly as docs/manifests.md describes, and a fake remote server.

The remote server is a real HTTP server on a loopback port (a thread), serving actor and key
documents the way Mastodon and GoToSocial do, and counting the requests it received.
"""

from __future__ import annotations

import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from federation_server import keys
from federation_server.signatures import (
    PublicKeyInfo,
    Verdict,
    sign_request,
    sign_request_rfc9421,
    verify_request,
)
from manifest_contract import content_hash

SITE = "https://rose-ash.example.coop"


def post(slug: str, title: str = "Spring open day", *, section: str = "blog", **extra: Any) -> dict:
    entry = {
        "id": f"post:{slug}",
        "section": section,
        "type": "Article",
        "name": title,
        "summary": "<p>Come and see the orchard.</p>",
        "content": (
            "<h2>Plan</h2><p>Full HTML with <a href='https://rose-ash.example.coop/x/'>links</a>"
            "<img src='https://rose-ash.example.coop/images/inline.jpg'>"
            "<script>alert(1)</script></p>"
        ),
        "url": f"{SITE}/blog/2026/{slug}/",
        "published": "2026-03-01T09:00:00Z",
        "updated": None,
        "tag": [{"type": "Hashtag", "name": "#orchard", "href": f"{SITE}/tag/orchard/"}],
        "attachment": [
            {
                "type": "Image",
                "mediaType": "image/jpeg",
                "url": f"{SITE}/images/orchard.1a2b.jpg",
                "name": "Apple trees in blossom",
            }
        ],
    }
    entry.update(extra)
    entry["content_hash"] = content_hash(entry)
    return entry


def event(slug: str = "winter-fair-2026", *, section: str = "events", **extra: Any) -> dict:
    entry = {
        "id": f"event:{slug}",
        "section": section,
        "type": "Event",
        "name": "Winter fair",
        "summary": "<p>Stalls, music and cider.</p>",
        "content": "<p>Two days of stalls.</p>",
        "url": f"{SITE}/events/{slug}/",
        "published": "2026-10-01T09:00:00Z",
        "updated": None,
        "startTime": "2026-12-12T10:00:00+00:00",
        "endTime": "2026-12-13T16:00:00+00:00",
        "timezone": "Europe/London",
        "location": {
            "type": "Place",
            "name": "Village hall",
            "address": {
                "type": "PostalAddress",
                "streetAddress": "1 Orchard Lane",
                "addressLocality": "Appleby",
                "postalCode": "AB1 2CD",
                "addressCountry": "GB",
            },
        },
        "tag": [],
        "attachment": [],
    }
    entry.update(extra)
    entry["content_hash"] = content_hash(entry)
    return entry


def product(slug: str = "wildflower-honey", *, section: str = "market", **extra: Any) -> dict:
    entry = {
        "id": f"product:{slug}",
        "section": section,
        "type": "Note",
        "name": "Wildflower honey, 340 g",
        "summary": "<p>From our own hives.</p>",
        "content": "<p>Raw and unfiltered.</p>",
        "url": f"{SITE}/market/{slug}/",
        "published": "2026-09-01T09:00:00Z",
        "updated": None,
        "price": {"amount": 650, "currency": "GBP", "display": "£6.50"},
        "availability": "InStock",
        "tag": [],
        "attachment": [
            {
                "type": "Image",
                "mediaType": "image/jpeg",
                "url": f"{SITE}/images/honey.3f2a9c1b.jpg",
                "name": "A jar of honey",
            }
        ],
    }
    entry.update(extra)
    entry["content_hash"] = content_hash(entry)
    return entry


def edited(entry: dict, **changes: Any) -> dict:
    out = copy.deepcopy(entry)
    out.update(changes)
    out["content_hash"] = content_hash(out)
    return out


def manifest(objects: list[dict], actors: list[dict] | None = None) -> dict:
    return {
        "schema_version": 1,
        "generated_at": "2026-11-27T12:00:00Z",
        "site_url": SITE,
        "actors": actors if actors is not None else [],
        "objects": objects,
    }


def write_build(build_dir: Path, document: dict) -> Path:
    """Write ``document`` as ``build_dir/_data/activitystreams.json``; returns build_dir."""
    data = build_dir / "_data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "activitystreams.json").write_text(json.dumps(document), encoding="utf-8")
    return build_dir


class RemoteServer:
    """A remote fediverse server on 127.0.0.1: serves JSON documents, counts every request."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        self.received: list[dict[str, Any]] = []
        #: Every POST as it arrived: path, headers and body (to verify its signature).
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        #: The ``Signature`` header of every GET (None when unsigned).
        self.get_signatures: list[str | None] = []
        #: Paths answering 410 Gone (a deleted account's actor and key documents).
        self.gone: set[str] = set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(("GET", self.path))
                server.get_signatures.append(self.headers.get("Signature"))
                document = server.documents.get(self.path)
                if self.path in server.gone:
                    self.send_response(410)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if document is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                body = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                server.requests.append(("POST", self.path))
                server.posts.append((self.path, dict(self.headers.items()), body))
                server.received.append(json.loads(body or b"{}"))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> RemoteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def delete_actor(self, actor: RemoteActor) -> None:
        """The account is deleted: its actor and key documents answer 410 from now on."""
        path = actor.id.removeprefix(self.base)
        self.gone.update({path, actor.key_id.removeprefix(self.base).split("#")[0]})

    def add_actor(self, name: str, *, stub_key: bool = False) -> RemoteActor:
        """Publish an actor (Mastodon style, or with a GoToSocial-style stub key document)."""
        actor = RemoteActor(self.base, name, stub_key=stub_key)
        self.documents[f"/users/{name}"] = actor.document()
        if stub_key:
            self.documents[f"/users/{name}/main-key"] = actor.stub_key_document()
        return actor


class RemoteActor:
    def __init__(self, base: str, name: str, *, stub_key: bool = False) -> None:
        self.base = base
        self.id = f"{base}/users/{name}"
        self.key_id = f"{self.id}/main-key" if stub_key else f"{self.id}#main-key"
        self.inbox = f"{self.id}/inbox"
        self.shared_inbox = f"{base}/inbox"
        self.private_key = keys.generate_private_key()

    def document(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.id,
            "type": "Person",
            "preferredUsername": self.id.rsplit("/", 1)[1],
            "inbox": self.inbox,
            "endpoints": {"sharedInbox": self.shared_inbox},
            "publicKey": {
                "id": self.key_id,
                "owner": self.id,
                "publicKeyPem": keys.public_key_pem(self.private_key),
            },
        }

    def stub_key_document(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.key_id,
            "type": "Key",
            "owner": self.id,
            "publicKeyPem": keys.public_key_pem(self.private_key),
        }

    def signed(
        self,
        url: str,
        activity: dict[str, Any],
        *,
        key: Any = None,
        key_id: str | None = None,
        rfc9421: bool = False,
    ) -> tuple[bytes, dict[str, str]]:
        """Body and headers of a POST of ``activity`` to ``url``, signed draft-cavage (or
        RFC 9421, as Mastodon 4.5+ and Fedify send)."""
        body = json.dumps(activity).encode()
        sign = sign_request_rfc9421 if rfc9421 else sign_request
        headers = sign(
            "POST",
            url,
            {"Content-Type": "application/activity+json"},
            body,
            key_id=key_id or self.key_id,
            private_key=key or self.private_key,
        )
        return body, headers


async def verify_as_peer(
    server: RemoteServer, path: str, headers: dict[str, str], body: bytes
) -> tuple[Verdict, dict[str, Any]]:
    """Check a POST the way a receiving server does: fetch the ``keyId`` (without its
    fragment, asking for ActivityPub JSON, as Mastodon and GoToSocial do) and verify."""
    fetched: dict[str, Any] = {}

    async def lookup(key_id: str, *, refresh: bool = False) -> PublicKeyInfo | None:
        url = key_id.split("#", 1)[0]
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(url, headers={"Accept": "application/activity+json"})
        document = response.json()
        fetched.update(document)
        key = document.get("publicKey") or {}
        if key.get("id") != key_id:
            return None
        return PublicKeyInfo(pem=key["publicKeyPem"], owner=key["owner"])

    verdict = await verify_request("POST", f"{server.base}{path}", headers, body, key_lookup=lookup)
    return verdict, fetched
