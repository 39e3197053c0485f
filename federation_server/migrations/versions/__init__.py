"""Alembic revision files (0001_core: federation tables; 0002_delivery: the queue)."""
