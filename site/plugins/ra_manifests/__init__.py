"""build/_data/catalog.json and activitystreams.json, exactly as docs/manifests.md says."""

from ra_manifests.writer import DATA_DIR, write_manifests

__all__ = ["DATA_DIR", "register", "write_manifests"]


def register() -> None:
    """Nothing to connect: the driver calls write_manifests after assets are fingerprinted."""
