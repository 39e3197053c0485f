"""The persistent delivery queue's tables, on the federation server's ``Base``.

An outgoing activity is stored once (``delivery_activities``, serialised once so every
attempt sends the same bytes under the same stable id); each inbox gets one ``deliveries``
row; ``delivery_hosts`` remembers how each remote host has been answering.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from federation_server.db.base import Base, UTCDateTime, utcnow

__all__ = ["Delivery", "DeliveryActivity", "DeliveryStatus", "HostState"]

URI = String(2048)
#: SQLite only auto-increments an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class DeliveryStatus:
    PENDING = "pending"
    DELIVERED = "delivered"
    #: Refused for good, gone (410), or out of attempts.
    FAILED = "failed"


class DeliveryActivity(Base):
    """One outgoing activity, as the exact JSON body every delivery of it sends."""

    __tablename__ = "delivery_activities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    activity_id: Mapped[str] = mapped_column(URI, unique=True)
    actor_key_id: Mapped[str] = mapped_column(URI)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    """One activity to one inbox: claimed by a worker under a lease, retried until done."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("activity_pk", "inbox", name="uq_deliveries_activity_pk"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    activity_pk: Mapped[int] = mapped_column(
        BigId, ForeignKey("delivery_activities.id", ondelete="CASCADE"), index=True
    )
    inbox: Mapped[str] = mapped_column(URI)
    host: Mapped[str] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A worker owns the job until then; a worker that dies simply lets it expire.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    worker: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class HostState(Base):
    """How a remote host has been answering: breaker and availability (see HostHealth)."""

    __tablename__ = "delivery_hosts"

    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failure_days: Mapped[list[str]] = mapped_column(JSON, default=list)
    unavailable: Mapped[bool] = mapped_column(Boolean, default=False)
    open_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
