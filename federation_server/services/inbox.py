"""The inbox: check a POST (size, JSON, blocklist, signature, ownership), then act on it.

Order of checks, each answered before anything is stored:
413 body too large → 400 malformed → 403 blocked domain → 202 Delete from an unknown actor
(nothing fetched) → 401 unsigned or bad signature → 401 signer does not own ``actor``.
Accepted activities are stored and answered 202 at once; ``services.inbox_processor``
hands them to one function per type (``services.handlers.HANDLERS``).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urldefrag, urlsplit

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from federation_server.activitypub.ids import domain_of, id_of
from federation_server.context import Context
from federation_server.db.base import utcnow
from federation_server.db.models import InboxActivity
from federation_server.delivery import host_of, mark_host_available, unhealthy_hosts
from federation_server.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
)
from federation_server.services.handlers import forget_actor
from federation_server.services.remote import FetchError, KeyResolver, is_known_actor
from federation_server.signatures import verify_request

#: Activity types that mean nothing without an ``object`` (a URL or an object with an id).
NEEDS_OBJECT = frozenset(
    {"Follow", "Undo", "Like", "Announce", "Create", "Update", "Delete", "Accept", "Reject"}
)


#: Deepest nesting of arrays and objects accepted (a real activity is under ten deep); deeper
#: bodies would exhaust the recursion limit of the parser or of a later ``json.dumps``.
MAX_DEPTH = 64


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def parse_activity(body: bytes) -> dict[str, Any]:
    """The activity as a dict with a ``type`` and an ``actor``, else BadRequest."""
    try:
        activity = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The body is not JSON.") from None
    except RecursionError:
        activity = None
    if activity is None or (isinstance(activity, dict) and _too_deep(activity)):
        raise BadRequest(f"The body is nested deeper than {MAX_DEPTH} levels.")
    if not isinstance(activity, dict):
        raise BadRequest("The body is not a JSON object.")
    kind = activity.get("type")
    if not isinstance(kind, str) or not kind:
        raise BadRequest("The activity has no type.")
    actor = id_of(activity.get("actor"))
    if not actor or _scheme(actor) not in {"http", "https"}:
        raise BadRequest("The activity has no actor URL.")
    if kind in NEEDS_OBJECT and id_of(activity.get("object")) is None:
        raise BadRequest(f"A {kind} needs an object: a URL or an object with an id.")
    return activity


def _scheme(url: str) -> str:
    """The URL's scheme; "" for one ``urlsplit`` refuses (``http://[`` raised a 500)."""
    try:
        return urlsplit(url).scheme
    except ValueError:
        return ""


_KEY_ID = re.compile(r'keyid\s*=\s*"([^"]+)"', re.IGNORECASE)


def _key_domain(headers: Mapping[str, str]) -> str | None:
    """Host of the signature's keyId (draft-cavage or RFC 9421), without fetching it."""
    for name in ("signature", "signature-input"):
        match = _KEY_ID.search(headers.get(name) or "")
        if match:
            return domain_of(match.group(1))
    return None


async def receive(
    ctx: Context,
    *,
    inbox_owner: str | None,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
) -> bool:
    """Check one inbox POST and store it for processing; True when stored, False when
    ignored or already received (all answered 202). Anything wrong raises a typed error."""
    settings = ctx.settings
    if len(body) > settings.max_inbox_bytes:
        raise PayloadTooLarge(f"The body is larger than {settings.max_inbox_bytes} bytes.")
    if inbox_owner is not None and settings.actor(inbox_owner) is None:
        raise NotFound(f"No actor named {inbox_owner!r} here.")
    activity = parse_activity(body)
    actor = id_of(activity["actor"]) or ""
    lowered = {k.lower(): v for k, v in headers.items()}
    if settings.is_blocked(domain_of(actor)) or settings.is_blocked(_key_domain(lowered)):
        raise Forbidden("This domain is blocked.")
    if activity["type"] == "Delete" and not await is_known_actor(ctx, actor):
        return False
    if "signature" not in lowered and "signature-input" not in lowered:
        raise Unauthorized("The request is not signed.", reason="unsigned")
    resolver = KeyResolver(ctx)
    verdict = await verify_request(
        method,
        target,
        lowered,
        body,
        key_lookup=resolver,
        default_scheme=urlsplit(settings.public_url).scheme or "https",
    )
    if not verdict.ok:
        if await _deleted_actor_says_goodbye(resolver, activity, actor, verdict.key_id):
            await forget_actor(ctx, actor)
            return False
        raise Unauthorized(f"Signature not accepted: {verdict.reason}", reason=verdict.reason)
    if verdict.owner != actor:
        raise Unauthorized(
            f"The key {verdict.key_id} belongs to {verdict.owner}, not to {actor}.",
            reason="signer does not own the actor",
        )
    return await _store(ctx, resolver, activity, actor, verdict.key_id or actor, inbox_owner)


async def _deleted_actor_says_goodbye(
    resolver: KeyResolver, activity: dict[str, Any], actor: str, key_id: str | None
) -> bool:
    """A known actor deleting itself whose key is gone (410), as Mastodon sends on account
    deletion: its signature cannot be checked any more, but its own server answering 410 for
    its key and its actor document shows it is gone. Only then is the Delete accepted."""
    if activity["type"] != "Delete" or id_of(activity.get("object")) != actor or not key_id:
        return False
    if domain_of(key_id) != domain_of(actor) or urldefrag(key_id).url not in resolver.gone:
        return False
    if actor in resolver.gone:
        return True
    try:  # the key had a document of its own (GoToSocial): the actor must be gone too
        await resolver.fetch(actor)
    except FetchError:
        return actor in resolver.gone
    return False


#: How long the inbox trusts its list of hosts with delivery failures before reading it again.
UNHEALTHY_HOSTS_SECONDS = 5.0


async def _revive_hosts(ctx: Context, session: AsyncSession, hosts: set[str]) -> None:
    """A signed request shows the sender's server is up: deliver to it again (as Mastodon
    does). The list of failing hosts is read at most every few seconds, so the common case
    (a healthy sender) costs no query."""
    now = time.monotonic()
    if now - ctx.unhealthy_read_at > UNHEALTHY_HOSTS_SECONDS:
        ctx.unhealthy_hosts = await unhealthy_hosts(session)
        ctx.unhealthy_read_at = now
    for host in hosts & ctx.unhealthy_hosts:
        await mark_host_available(session, host)
        ctx.unhealthy_hosts.discard(host)


_TABLE = InboxActivity.__table__
#: The inbox's one write, as a statement SQLAlchemy caches: the dialects' ``insert`` (with
#: ``on_conflict_do_nothing``) has no cache key, so it was compiled again for every POST.
#: It returns the id only when it stored a row (an id seen before returns nothing).
_STORE = text(
    "INSERT INTO inbox_activities (activity_id, activity_type, actor_uri, object_id, "
    "inbox_owner, activity_json, received_at, attempts) VALUES (:activity_id, "
    ":activity_type, :actor_uri, :object_id, :inbox_owner, :activity_json, :received_at, 0) "
    "ON CONFLICT (activity_id) DO NOTHING RETURNING activity_id"
).bindparams(
    bindparam("activity_json", type_=_TABLE.c.activity_json.type),
    bindparam("received_at", type_=_TABLE.c.received_at.type),
)


def _alone(ctx: Context, resolver: KeyResolver, hosts: set[str]) -> bool:
    """Is the insert all there is to write (no fetched key or actor, no host to revive,
    the failing-hosts list fresh)? Then it needs no transaction around it."""
    if resolver.fetched_keys or resolver.fetched_actors:
        return False
    if time.monotonic() - ctx.unhealthy_read_at > UNHEALTHY_HOSTS_SECONDS:
        return False
    return not hosts & ctx.unhealthy_hosts


async def _store(
    ctx: Context,
    resolver: KeyResolver,
    activity: dict[str, Any],
    actor: str,
    key_id: str,
    inbox_owner: str | None,
) -> bool:
    """Store the accepted activity (and the keys fetched to verify it) in one transaction,
    and mark the sender's host available; usually that is the insert alone, sent as one
    statement in one round trip (autocommit). False when its id was stored before
    (redelivery changes nothing)."""
    values = {
        "activity_id": id_of(activity),
        "activity_type": activity["type"][:32],
        "actor_uri": actor,
        "object_id": id_of(activity.get("object")),
        "inbox_owner": inbox_owner,
        "activity_json": activity,
        "received_at": utcnow(),
    }
    hosts = {host_of(actor), host_of(key_id)}
    if _alone(ctx, resolver, hosts):
        # One round trip, no transaction: on PostgreSQL straight on asyncpg.
        stored = bool(await ctx.database.write_one(_STORE, values))
    else:
        async with ctx.database.session() as session, session.begin():
            await resolver.persist(session)
            await _revive_hosts(ctx, session, hosts)
            stored = bool((await session.execute(_STORE, values)).all())
    if stored:
        ctx.inbox_wake.set()
    return stored
