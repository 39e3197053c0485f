"""CDN-ready assets: content-hashed names, precompressed copies and a cache policy.

A post-processing step, not a Pelican plugin: the build driver calls it on the written site.
"""

from ra_assets.compress import precompress
from ra_assets.fingerprint import fingerprint, rename_assets, rewrite_references
from ra_assets.headers import write_headers
from ra_assets.pipeline import FinishPass

__all__ = [
    "FinishPass",
    "fingerprint",
    "precompress",
    "rename_assets",
    "rewrite_references",
    "write_headers",
]
