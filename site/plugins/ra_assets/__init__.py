"""CDN-ready assets: content-hashed names, precompressed copies and a cache policy."""

from ra_assets.compress import precompress
from ra_assets.fingerprint import fingerprint, rename_assets, rewrite_references
from ra_assets.headers import write_headers
from ra_assets.pipeline import FinishPass

__all__ = [
    "FinishPass",
    "fingerprint",
    "precompress",
    "register",
    "rename_assets",
    "rewrite_references",
    "write_headers",
]


def register() -> None:
    """Nothing to connect: the build driver calls these after Pelican has written the site."""
