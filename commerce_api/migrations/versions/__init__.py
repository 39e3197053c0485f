"""Revision files; Alembic finds them by path."""
