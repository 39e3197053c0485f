"""The declarative base every commerce model shares (one metadata, one migration chain); the
naming convention and the UTC column type are the servers' shared ones."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from server_kernel.db import UTCDateTime, new_metadata, utcnow

__all__ = ["Base", "UTCDateTime", "utcnow"]


class Base(DeclarativeBase):
    """Base of every commerce model (accounts' models too: one metadata, one migration chain)."""

    metadata = new_metadata()
