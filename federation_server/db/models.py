"""Tables of the federation server (the delivery queue adds its own on the same ``Base``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from federation_server.db.base import Base, UTCDateTime, utcnow

URI = String(2048)


class LocalActor(Base):
    """One of our actors (a site section) with its RSA key pair, generated on first start."""

    __tablename__ = "local_actors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    icon: Mapped[str | None] = mapped_column(URI, nullable=True)
    #: The profile's header (banner) image.
    header: Mapped[str | None] = mapped_column(URI, nullable=True)
    url: Mapped[str | None] = mapped_column(URI, nullable=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_key_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Follower(Base):
    """A remote actor following one of ours; deliveries go to its (shared) inbox."""

    __tablename__ = "followers"
    __table_args__ = (
        UniqueConstraint("actor_name", "follower_uri", name="uq_followers_actor_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_name: Mapped[str] = mapped_column(
        String(64), ForeignKey("local_actors.name", ondelete="CASCADE"), index=True
    )
    follower_uri: Mapped[str] = mapped_column(URI, index=True)
    inbox: Mapped[str] = mapped_column(URI)
    shared_inbox: Mapped[str | None] = mapped_column(URI, nullable=True)
    follow_id: Mapped[str | None] = mapped_column(URI, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Following(Base):
    """A remote actor one of ours follows (``accepted`` once its Accept arrived)."""

    __tablename__ = "following"
    __table_args__ = (UniqueConstraint("actor_name", "target_uri", name="uq_following_actor_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_name: Mapped[str] = mapped_column(
        String(64), ForeignKey("local_actors.name", ondelete="CASCADE"), index=True
    )
    target_uri: Mapped[str] = mapped_column(URI)
    follow_id: Mapped[str | None] = mapped_column(URI, nullable=True)
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublishedObject(Base):
    """What was last published for one stable id of the build manifest."""

    __tablename__ = "published_objects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stable_id: Mapped[str] = mapped_column(String(512), unique=True)
    ap_id: Mapped[str] = mapped_column(URI, unique=True)
    actor_name: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(128))
    object_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: ``pinned: true`` in the front matter: listed in the actor's ``featured`` collection.
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class OutboxActivity(Base):
    """An activity one of our actors sent; ``id`` orders the outbox (newest first)."""

    __tablename__ = "outbox_activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ap_id: Mapped[str] = mapped_column(URI, unique=True)
    actor_name: Mapped[str] = mapped_column(String(64), index=True)
    activity_type: Mapped[str] = mapped_column(String(32))
    object_ap_id: Mapped[str | None] = mapped_column(URI, nullable=True, index=True)
    activity_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RemoteKey(Base):
    """Cache of a remote actor's public key, fetched from its ``keyId``."""

    __tablename__ = "remote_keys"

    key_id: Mapped[str] = mapped_column(URI, primary_key=True)
    owner: Mapped[str] = mapped_column(URI, index=True)
    public_key_pem: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RemoteActor(Base):
    """Cache of a remote actor document's delivery endpoints."""

    __tablename__ = "remote_actors"

    uri: Mapped[str] = mapped_column(URI, primary_key=True)
    inbox: Mapped[str] = mapped_column(URI)
    shared_inbox: Mapped[str | None] = mapped_column(URI, nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Interaction(Base):
    """A Like, Announce or reply received for one of our objects."""

    __tablename__ = "interactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[str] = mapped_column(URI, unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    actor_uri: Mapped[str] = mapped_column(URI)
    object_ap_id: Mapped[str] = mapped_column(URI, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboxActivity(Base):
    """Every activity an inbox accepted (signature verified), queued for processing.

    The inbox only verifies and stores (so it answers fast); ``services.inbox_processor``
    handles the row later and sets ``processed_at``. The unique id makes redelivery a no-op.
    """

    __tablename__ = "inbox_activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[str | None] = mapped_column(URI, unique=True, nullable=True)
    activity_type: Mapped[str] = mapped_column(String(32), index=True)
    actor_uri: Mapped[str] = mapped_column(URI)
    object_id: Mapped[str | None] = mapped_column(URI, nullable=True, index=True)
    inbox_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    activity_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    #: A processor holds the row until then; one that dies lets it expire.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
