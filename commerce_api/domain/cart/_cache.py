"""Each cart's finished ``GET /cart`` answer, kept in memory by the process that computed it.

Why: the cart island asks for ``GET /cart`` on every page a shopper opens, and a cart changes
only when its shopper changes it or stock moves. Reading its lines was most of the request
(one round trip to the database: asyncpg 45 % of the profile, at 0.10-0.15 of ``/health``).
So each process keeps the answer as ready JSON with a strong ETag, as it keeps the catalogue
(``commerce_api.domain.catalog``).

What keeps an answer right (a shopper never sees another's cart or an old one):

- It is keyed by the cart token and used only with the catalogue snapshot it was computed
  from (the snapshot's ETag): prices, titles and availability come from there. A cart that
  holds a withdrawn item (read from the database, not the snapshot) is not kept.
- Every writer of a cart calls :func:`cart_changed_in` inside its transaction: the answer is
  dropped at once and again when the transaction ends, and then the other processes are
  told (``_watch``). The writers: ``add_item``, ``set_quantity``, ``remove_item``
  (``_service``), ``merge_carts`` (sign-in), ``restore_lines`` (an unpaid order's lines given
  back) and ``place_order`` (checkout empties the cart). A new cart needs nothing: no answer
  can exist for a token nobody has read.
- An answer is served only while the process's watch vouches that no change made elsewhere
  went unheard (its ``stamp``); an answer read while a change to its cart was heard is not
  kept (:class:`Ticket`). Without a running watch nothing is kept.
- A 404 is never kept: an answer exists only for a cart that was read.
- At most ``MAX_ENTRIES`` answers (about 1 KB each), the least recently used dropped first,
  and none older than ``MAX_AGE_SECONDS``: that bounds the one gap the watch leaves (a
  process killed between its commit and its notification).
"""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from commerce_api.db import Database
from commerce_api.domain.catalog import Encoded

__all__ = [
    "MAX_AGE_SECONDS",
    "MAX_ENTRIES",
    "RECENT_CHANGES",
    "CartCache",
    "Ticket",
    "Watch",
    "cart_cache_of",
    "cart_changed_in",
    "carts_changed",
]

MAX_ENTRIES = 4096
"""Answers kept per process: a 3-line answer is about 800 bytes of JSON, so a few MB."""
MAX_AGE_SECONDS = 10.0
"""An answer is read again after this long even if no change was heard (see above)."""
RECENT_CHANGES = 1024
"""Changes remembered so that a read overlapping them is not kept (older: no read is kept)."""

_CHANGED = "ra_carts_changed"  # session.info key: cart ids this transaction changed


class Watch(Protocol):
    """What tells a process about cart changes made by other processes (``_watch``)."""

    def stamp(self) -> object | None:
        """A value that stays equal while no change made elsewhere can have gone unheard;
        ``None`` when the watch cannot vouch for that now (nothing is served or kept)."""
        ...

    def announce(self, cart_ids: Iterable[int]) -> None:
        """Tell the other processes that these carts changed (their changes committed)."""
        ...


@dataclass(frozen=True)
class Ticket:
    """Taken before a cart is read: the answer is kept only if nothing changed meanwhile."""

    epoch: int
    stamp: object


@dataclass(frozen=True)
class _Entry:
    cart_id: int
    catalog: str
    stamp: object
    answer: Encoded
    kept_at: float
    """``time.monotonic()`` when it was kept."""


class CartCache:
    """One process's answers for the carts of one database (least recently used first)."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_age: float = MAX_AGE_SECONDS) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self.watch: Watch | None = None
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._tokens: dict[int, str] = {}
        self._epoch = 0
        """Counts the changes heard (a :class:`Ticket` remembers it)."""
        self._recent: deque[tuple[int, int]] = deque(maxlen=RECENT_CHANGES)
        """``(epoch, cart id)`` of the latest changes heard."""
        self._unknown_since = 0
        """Changes heard up to this epoch may be forgotten (a clear, or out of ``_recent``)."""

    def __len__(self) -> int:
        return len(self._entries)

    def _stamp(self) -> object | None:
        return None if self.watch is None else self.watch.stamp()

    def get(self, token: str, catalog: str) -> Encoded | None:
        """The answer kept for ``token`` if it was computed from catalogue ``catalog`` and
        the watch still vouches for it."""
        entry = self._entries.get(token)
        if entry is None or entry.catalog != catalog:
            return None
        stamp = self._stamp()
        if stamp is None or stamp != entry.stamp:
            return None
        if time.monotonic() - entry.kept_at > self.max_age:
            self._forget(token)
            return None
        self._entries.move_to_end(token)
        return entry.answer

    def ticket(self) -> Ticket | None:
        """Take before reading a cart; ``None``: whatever is read now must not be kept."""
        stamp = self._stamp()
        return None if stamp is None else Ticket(self._epoch, stamp)

    def _changed_since(self, ticket: Ticket, cart_id: int) -> bool:
        if ticket.epoch == self._epoch:
            return False
        if self._unknown_since > ticket.epoch:
            return True
        for epoch, changed in reversed(self._recent):
            if epoch <= ticket.epoch:
                return False
            if changed == cart_id:
                return True
        return False

    def put(
        self, token: str, cart_id: int, catalog: str, ticket: Ticket | None, answer: Encoded
    ) -> None:
        """Keep ``answer``, unless this cart changed since ``ticket`` was taken."""
        if ticket is None or self._changed_since(ticket, cart_id):
            return
        self._forget(self._tokens.get(cart_id))
        self._forget(token)
        self._entries[token] = _Entry(cart_id, catalog, ticket.stamp, answer, time.monotonic())
        self._tokens[cart_id] = token
        while len(self._entries) > self.max_entries:
            self._forget(next(iter(self._entries)))

    def _forget(self, token: str | None) -> None:
        entry = self._entries.pop(token, None) if token is not None else None
        if entry is not None:
            self._tokens.pop(entry.cart_id, None)

    def drop(self, cart_ids: Iterable[int]) -> None:
        """These carts changed: forget their answers, and any read now in flight."""
        self._epoch += 1
        for cart_id in cart_ids:
            if len(self._recent) == self._recent.maxlen:
                self._unknown_since = self._recent[0][0]
            self._recent.append((self._epoch, cart_id))
            self._forget(self._tokens.get(cart_id))

    def clear(self) -> None:
        self._epoch += 1
        self._unknown_since = self._epoch
        self._entries.clear()
        self._tokens.clear()


_caches: weakref.WeakKeyDictionary[Database, CartCache] = weakref.WeakKeyDictionary()


def cart_cache_of(db: Database) -> CartCache:
    """The cache of ``db`` in this process (made on first use; it keeps nothing until a
    watch is set, see ``_watch.watch_carts``)."""
    cache = _caches.get(db)
    if cache is None:
        cache = _caches[db] = CartCache()
    return cache


def carts_changed(cart_ids: Iterable[int], *, committed: bool = True) -> None:
    """These carts changed in this process: drop their answers in every cache of the process
    (cart ids of another database only cost a re-read) and, once ``committed``, tell the
    other processes."""
    ids = frozenset(cart_ids)
    for cache in list(_caches.values()):
        cache.drop(ids)
        if committed and cache.watch is not None:
            cache.watch.announce(ids)


def cart_changed_in(session: AsyncSession, *cart_ids: int) -> None:
    """Call inside the transaction that changes these carts: their answers go now (a reader
    in this process no longer gets them) and again when the transaction ends (a reader that
    read the old lines meanwhile does not keep them), when the other processes are told."""
    carts_changed(cart_ids, committed=False)
    session.info.setdefault(_CHANGED, set()).update(cart_ids)


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and (changed := session.info.pop(_CHANGED, None)):
        carts_changed(changed)
