"""OAuth 2.0 / OpenID Connect storage: clients, authorization codes, tokens, signing keys.

Codes, access tokens, refresh tokens and client secrets are stored only as SHA-256 hashes.
Each issuance is one :class:`OAuthToken` row; rows issued from one authorization (the code and
every refresh after it) share a ``family_id`` so a replayed refresh token or code revokes them
all at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from commerce_api.db._base import Base, UTCDateTime, utcnow

__all__ = ["OAuthClient", "OAuthCode", "OAuthToken", "SigningKey"]


class OAuthClient(Base):
    __tablename__ = "oauth_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    """None for a public client (browser or native app), which must use PKCE."""
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    post_logout_redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    scope: Mapped[str] = mapped_column(String(500), default="openid profile email")
    first_party: Mapped[bool] = mapped_column(Boolean, default=True)
    """The cooperative's own apps: the member is not asked to consent."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_public(self) -> bool:
        return self.secret_hash is None


class OAuthCode(Base):
    __tablename__ = "oauth_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(500), default="")
    nonce: Mapped[str | None] = mapped_column(String(500), default=None)
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(8), default="S256")
    family_id: Mapped[str] = mapped_column(String(36))
    """Given to the tokens issued for this code, so a replayed code revokes them."""
    auth_time: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class OAuthToken(Base):
    __tablename__ = "oauth_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    """None for a client-credentials token (the client acts for itself)."""
    scope: Mapped[str] = mapped_column(String(500), default="")
    access_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    family_id: Mapped[str] = mapped_column(String(36), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    access_expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    refresh_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """Set when the refresh token was exchanged (rotated); presenting it again is reuse."""
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class SigningKey(Base):
    """The RS256 key that signs ID tokens, made on first start and kept here so every process
    signs with the same key and the JWKS stays stable across restarts."""

    __tablename__ = "oauth_signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
