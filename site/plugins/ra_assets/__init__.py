"""CDN-ready assets: content-hashed names, precompressed copies and a cache policy."""

from ra_assets.compress import precompress
from ra_assets.fingerprint import fingerprint, rewrite_references
from ra_assets.headers import write_headers

__all__ = [
    "fingerprint",
    "precompress",
    "register",
    "rewrite_references",
    "write_headers",
]


def register() -> None:
    """Nothing to connect: the build driver calls these after Pelican has written the site."""
