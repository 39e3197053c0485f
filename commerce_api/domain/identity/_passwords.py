"""Password hashing with Argon2id (``argon2-cffi``), always off the event loop.

Parameters default to RFC 9106's second recommended option ("low memory"), which is also
``argon2-cffi``'s ``PasswordHasher()`` default: Argon2id, time cost 3, memory 64 MiB,
parallelism 4, 16-byte salt, 32-byte hash. They are settings (``ARGON2_*``) so a test run can
use a cheaper profile; a stored hash made with other parameters is upgraded at the next
successful sign-in (``check_needs_rehash``). Hashing takes tens of milliseconds of CPU and
64 MiB, so it runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["PasswordPolicy", "PasswordTooWeak", "Passwords"]

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024


class PasswordTooWeak(ValueError):
    """The chosen password breaks the policy (length); the message says why."""


@dataclass(frozen=True)
class PasswordPolicy:
    """Argon2id cost parameters (see the module docstring for the defaults' source)."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4


class Passwords:
    """Hash and verify passwords; every call that costs CPU runs in a thread."""

    def __init__(self, policy: PasswordPolicy | None = None) -> None:
        policy = policy or PasswordPolicy()
        self._hasher = PasswordHasher(
            time_cost=policy.time_cost,
            memory_cost=policy.memory_kib,
            parallelism=policy.parallelism,
            type=Type.ID,
        )
        # A hash of a random password, verified against when the account does not exist so
        # both answers take the same time.
        self._dummy = self._hasher.hash("not a password anyone has: timing equaliser")

    @staticmethod
    def check_policy(password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise PasswordTooWeak(f"use at least {MIN_PASSWORD_LENGTH} characters")
        if len(password) > MAX_PASSWORD_LENGTH:
            raise PasswordTooWeak(f"use at most {MAX_PASSWORD_LENGTH} characters")

    def hash_sync(self, password: str) -> str:
        self.check_policy(password)
        return self._hasher.hash(password)

    async def hash(self, password: str) -> str:
        self.check_policy(password)
        return await asyncio.to_thread(self._hasher.hash, password)

    def _verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def verify(self, stored: str | None, password: str) -> bool:
        """True when ``password`` matches ``stored``; with ``stored=None`` it spends the same
        time and answers False (so an unknown account is not revealed by timing)."""
        return await asyncio.to_thread(self._verify, stored, password[:MAX_PASSWORD_LENGTH])

    def needs_rehash(self, stored: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True
