"""The states of a row in the mail outbox (``OutboxMessage.status``)."""

from __future__ import annotations

__all__ = ["FAILED", "QUEUED", "SENT"]

QUEUED = "queued"
"""Waiting to be sent, or to be retried."""
SENT = "sent"
FAILED = "failed"
"""Given up after the last retry."""
