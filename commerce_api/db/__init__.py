"""Database access: the shared declarative ``Base``, the ``Database`` (engine + sessions) and
the models (``commerce_api.db.models``). The schema changes only through Alembic migrations
(``commerce_api/migrations``, run by ``python -m commerce_api migrate``)."""

from commerce_api.db._base import Base, UTCDateTime, utcnow
from commerce_api.db._engine import Database
from commerce_api.db._locks import lock_keys
from commerce_api.db.migrate import migrate, upgrade

__all__ = ["Base", "Database", "UTCDateTime", "lock_keys", "migrate", "upgrade", "utcnow"]
