"""What a scheme hands the verifier once everything but the key has been checked."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Prepared", "Rejected"]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A parsed signature ready for the key: one or more candidate messages it may cover."""

    scheme: str
    key_id: str
    signature: bytes
    messages: tuple[bytes, ...]
    #: Algorithms the signature claims; ``None`` lets the key's type decide.
    algorithms: tuple[str, ...] | None
    der_ecdsa: bool = False


@dataclass(frozen=True, slots=True)
class Rejected:
    """Why a request was refused before any key was fetched."""

    reason: str
    key_id: str | None = None
