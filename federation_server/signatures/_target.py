"""The request line as both schemes see it: method, target URI, authority, path and query."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["RequestTarget"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class RequestTarget:
    """Where a request went, from an absolute URL or from a path plus the ``Host`` header."""

    method: str
    scheme: str
    authority: str
    path: str
    query: str

    @classmethod
    def build(
        cls, method: str, url_or_path: str, host: str | None, default_scheme: str = "https"
    ) -> RequestTarget:
        parts = urlsplit(url_or_path)
        scheme = (parts.scheme or default_scheme).lower()
        authority = parts.netloc if parts.netloc else (host or "")
        return cls(
            method=method.upper(),
            scheme=scheme,
            authority=_normalize_authority(authority, scheme),
            path=parts.path or "/",
            query=parts.query,
        )

    @property
    def origin_form(self) -> str:
        """``/path?query``, what ``(request-target)`` and ``@request-target`` carry."""
        return self.path + (f"?{self.query}" if self.query else "")

    @property
    def uri(self) -> str:
        """The absolute target URI (``@target-uri``)."""
        return f"{self.scheme}://{self.authority}{self.origin_form}"


def _normalize_authority(authority: str, scheme: str) -> str:
    """Lower-case host, default port dropped (RFC 9421 section 2.2.3)."""
    authority = authority.strip().lower()
    host, sep, port = authority.rpartition(":")
    if sep and port.isdigit() and int(port) == _DEFAULT_PORTS.get(scheme):
        return host
    return authority
