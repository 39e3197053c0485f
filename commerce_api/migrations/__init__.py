"""Alembic migrations of the commerce database (run by ``python -m commerce_api migrate``)."""
