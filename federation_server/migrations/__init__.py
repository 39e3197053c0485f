"""Alembic migrations for the federation server (``python -m federation_server migrate``)."""
