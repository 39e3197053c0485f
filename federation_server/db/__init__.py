"""Database layer: engine and sessions, the declarative ``Base`` and the models."""

from federation_server.db.base import Base, UTCDateTime, utcnow
from federation_server.db.engine import Database, create_database

__all__ = ["Base", "Database", "UTCDateTime", "create_database", "utcnow"]
