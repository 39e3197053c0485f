"""build/_data/catalog.json and activitystreams.json, exactly as docs/manifests.md says.

A post-processing step, not a Pelican plugin: the build driver calls ``write_manifests``
after the assets are fingerprinted.
"""

from ra_manifests.writer import DATA_DIR, Kept, write_manifests

__all__ = ["DATA_DIR", "Kept", "write_manifests"]
