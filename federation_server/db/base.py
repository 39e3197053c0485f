"""The declarative base every federation table (ours and the delivery queue's) hangs on; the
naming convention and the UTC column type are the servers' shared ones."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from server_kernel.db import UTCDateTime, new_metadata, utcnow

__all__ = ["Base", "UTCDateTime", "utcnow"]


class Base(DeclarativeBase):
    """Shared metadata for all federation tables."""

    metadata = new_metadata()
